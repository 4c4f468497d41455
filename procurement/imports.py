"""Purchase files (CSV or .xlsx): reading them with pandas, and importing them all-or-nothing.

Every row goes through procurement.services.purchase_clean, the same path as the web form and the API.
A file with any bad row saves nothing; the report lists every bad row and column. Rows whose supplier
invoice is already recorded for this buyer are counted and skipped, so re-importing a file creates nothing.
"""

import io
import logging
import math
import zipfile
from datetime import date, datetime

import pandas as pd
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from registry.identifiers import normalise_uscc
from registry.models import Company, Product, User

from .models import ImportBatch, Purchase
from .permissions import can_record_purchases
from .services import COLUMNS, REQUIRED_COLUMNS, Lookups, purchase_clean, supplier_snapshot

logger = logging.getLogger(__name__)

# Header names people use besides ours: the Chinese ones of the bureau's template.
CHINESE_HEADERS = {
    "供应商统一社会信用代码": "supplier_identifier",
    "供应商名称": "supplier_name",
    "采购日期": "purchased_on",
    "类别": "category",
    "金额": "amount",
    "发票号": "invoice_number",
    "产品": "product",
    "描述": "description",
    "数量": "quantity",
    "单位": "unit",
}
EXTENSIONS = (".csv", ".xlsx")
PROGRESS_EVERY = 1000
# Keeps IN (...) lists under SQLite's limit on query parameters.
_CHUNK = 500


class ImportFileError(Exception):
    """A file refused as a whole (wrong type, unreadable, a missing column): a message a person can act on."""

    def __init__(self, message, *, column="", row=None):
        super().__init__(message)
        self.message = str(message)
        self.column = column
        self.row = row

    def as_report(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message, "value": ""}


class PurchaseRows(list):
    """The data rows of a file (dicts by column, each with its row number), plus warnings about the header."""

    def __init__(self, rows=(), warnings=()):
        super().__init__(rows)
        self.warnings = list(warnings)


def _header_key(name) -> str:
    text = str(name).strip()
    if text in CHINESE_HEADERS:
        return CHINESE_HEADERS[text]
    return "_".join(text.lower().replace("-", " ").replace("_", " ").split())


def _cell(value, column):
    """A spreadsheet cell as purchase_clean wants it: text, or a float amount or a datetime it understands."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, (datetime, date)):
        return value if column == "purchased_on" else value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if column in ("amount", "quantity"):
            return value
        # An invoice number or code typed as a number comes back as 12345.0.
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _read_csv(data: bytes, max_rows: int) -> pd.DataFrame:
    if b"\x00" in data[:4096]:
        raise ImportFileError(_("The file is not a CSV text file."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("The file’s encoding is neither UTF-8 nor GB18030: save it as CSV UTF-8."))
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    try:
        # Blank lines are kept (and dropped later) so that row numbers match what a spreadsheet shows.
        return pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False, nrows=max_rows + 1
        )
    except pd.errors.EmptyDataError:
        raise ImportFileError(_("The file is empty.")) from None
    except (pd.errors.ParserError, ValueError) as error:
        raise ImportFileError(_("The file could not be read as CSV: %(reason)s") % {"reason": error}) from None


def _read_xlsx(data: bytes, max_rows: int) -> pd.DataFrame:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError(_("The file is not a valid .xlsx workbook."))
    try:
        return pd.read_excel(
            io.BytesIO(data), engine="openpyxl", dtype=object, keep_default_na=False, nrows=max_rows + 1
        )
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook; all mean the same to a person
        logger.info("Unreadable workbook: %s", error)
        raise ImportFileError(_("The file is not a valid .xlsx workbook.")) from None


def read_purchase_file(file, filename: str) -> PurchaseRows:
    """Read a CSV (UTF-8 with or without BOM, or GB18030) or .xlsx file into rows; ImportFileError if refused."""
    name = (filename or "").lower()
    extension = next((ext for ext in EXTENSIONS if name.endswith(ext)), None)
    if extension is None:
        raise ImportFileError(_("Only CSV and .xlsx files can be imported."))
    data = file.read() if hasattr(file, "read") else bytes(file)
    if not data:
        raise ImportFileError(_("The file is empty."))
    max_rows = settings.PURCHASE_IMPORT_MAX_ROWS
    frame = _read_csv(data, max_rows) if extension == ".csv" else _read_xlsx(data, max_rows)

    columns, warnings = {}, []
    for header in frame.columns:
        key = _header_key(header)
        if key in COLUMNS:
            if key in columns.values():
                raise ImportFileError(
                    _("The column %(column)s appears twice.") % {"column": key}, column=key, row=1
                )
            columns[header] = key
        elif str(header).strip() and not str(header).startswith("Unnamed:"):
            warnings.append(
                {"row": 1, "column": str(header), "value": str(header),
                 "message": _("Unknown column %(column)s: ignored.") % {"column": header}}
            )
    for column in REQUIRED_COLUMNS:
        if column not in columns.values():
            raise ImportFileError(
                _("The column %(column)s is missing.") % {"column": column}, column=column, row=1
            )

    rows = []
    for index, record in enumerate(frame[list(columns)].itertuples(index=False, name=None)):
        row = {key: _cell(value, key) for key, value in zip(columns.values(), record, strict=True)}
        if all(value == "" for value in row.values()):
            continue
        row["row"] = index + 2
        rows.append(row)
    if len(rows) > max_rows:
        raise ImportFileError(
            _("The file has more than %(max)d rows: split it into smaller files.") % {"max": max_rows}
        )
    if not rows:
        raise ImportFileError(_("The file has no purchase rows under its header."))
    return PurchaseRows(rows, warnings)


def require_importer(by: User, buyer: Company) -> None:
    """Files are imported by the users of an anchor firm, for their own company."""
    allowed, reason = can_record_purchases(by)
    if not allowed or by.company_id != buyer.pk:
        raise PermissionDenied(reason or _("You can record purchases only for your own company."))


def import_batch_start(*, buyer: Company, by: User | None, filename: str) -> ImportBatch:
    """The record of one file's import, created before reading it so a page can follow it."""
    return ImportBatch.objects.create(buyer=buyer, uploaded_by=by, file_name=(filename or "")[:255])


def _display(value) -> str:
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return "" if value is None else str(value)


def _chunks(items, size=_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _lookups(buyer: Company, rows) -> Lookups:
    codes = {normalise_uscc(str(row.get("supplier_identifier", ""))) for row in rows}
    codes = {code for code in codes if len(code) == 18}
    if len(codes) <= _CHUNK:
        return Lookups(buyer, supplier_codes=codes)
    # Too many codes for one IN (...) on SQLite: fill the same table chunk by chunk.
    lookups = Lookups(buyer)
    lookups.suppliers = {}
    for chunk in _chunks(codes):
        lookups.suppliers.update({c.uscc: c for c in Company.objects.filter(uscc__in=chunk)})
    return lookups


def _products(rows) -> dict:
    """The products named in the file, fetched in a few queries instead of one per row."""
    ids = {int(str(row["product"]).strip()) for row in rows if str(row.get("product", "")).strip().isdigit()}
    products = {}
    for chunk in _chunks(ids):
        products.update({p.pk: p for p in Product.objects.filter(pk__in=chunk)})
    return products


def _recorded_keys(keys) -> dict:
    """{(supplier identifier, invoice number): buyer id} for the keys already in the database."""
    found = {}
    by_supplier: dict[str, set] = {}
    for identifier, invoice in keys:
        by_supplier.setdefault(identifier, set()).add(invoice)
    for chunk in _chunks(by_supplier):
        for identifier, invoice, buyer_id in Purchase.objects.filter(supplier_identifier__in=chunk).values_list(
            "supplier_identifier", "invoice_number", "buyer_id"
        ):
            if invoice in by_supplier[identifier]:
                found[(identifier, invoice)] = buyer_id
    return found


def _finish(batch: ImportBatch, *, status, errors, created=0, duplicates=0) -> ImportBatch:
    batch.status = status
    batch.errors = errors
    batch.created_count = created
    batch.duplicate_count = duplicates
    batch.finished_at = timezone.now()
    batch.save(update_fields=[
        "status", "errors", "created_count", "duplicate_count", "total_rows", "processed_rows", "finished_at"
    ])
    return batch


def run_import(batch: ImportBatch, file, *, recorded_by: User | None, progress=None) -> ImportBatch:
    """Check every row of the file and save all of them or none; the outcome and the report go on the batch.

    Callers check who may import (purchase_import for users, the command for officials).
    """
    buyer = batch.buyer
    try:
        rows = read_purchase_file(file, batch.file_name)
    except ImportFileError as refused:
        return _finish(batch, status=ImportBatch.Status.FAILED, errors=[refused.as_report()])
    warnings = [{**warning, "level": "warning"} for warning in rows.warnings]
    total = len(rows)
    batch.total_rows = total
    batch.processed_rows = 0
    batch.save(update_fields=["total_rows", "processed_rows"])

    lookups = _lookups(buyer, rows)
    products = _products(rows)
    errors, good, seen = [], [], {}
    for done, row in enumerate(rows, start=1):
        values = dict(row)
        product = str(values.get("product", "")).strip()
        if product.isdigit() and int(product) in products:
            values["product"] = products[int(product)]
        fields, row_errors = purchase_clean(values, buyer=buyer, lookups=lookups)
        if not row_errors:
            key = (fields["supplier_identifier"], fields["invoice_number"])
            if key in seen:
                row_errors["invoice_number"] = _(
                    "The same invoice of this supplier is already on row %(row)d."
                ) % {"row": seen[key]}
            else:
                seen[key] = row["row"]
                good.append((row["row"], key, fields))
        for column, message in row_errors.items():
            errors.append({"row": row["row"], "column": column, "message": str(message),
                           "value": _display(row.get(column, ""))})
        if done % PROGRESS_EVERY == 0 or done == total:
            batch.processed_rows = done
            ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=done)
            if progress:
                progress(done, total)

    recorded = _recorded_keys(key for _row, key, _fields in good)
    fresh, duplicates = [], 0
    for number, key, fields in good:
        if key not in recorded:
            fresh.append(fields)
        elif recorded[key] == buyer.pk:
            duplicates += 1
        else:
            # The invoice key is unique city-wide; another buyer's record of it is not this buyer's to see.
            errors.append({"row": number, "column": "invoice_number", "value": key[1],
                           "message": _("This supplier’s invoice is already recorded by another buyer.")})
    if errors:
        errors.sort(key=lambda error: (error["row"], COLUMNS.index(error["column"])))
        return _finish(batch, status=ImportBatch.Status.FAILED, errors=errors + warnings)

    with transaction.atomic():
        purchases = [
            Purchase(**fields, **supplier_snapshot(fields.get("supplier")), source=Purchase.Source.IMPORT,
                     import_batch=batch, created_by=recorded_by)
            for fields in fresh
        ]
        bulk_create_with_history(purchases, Purchase, batch_size=1000, default_user=recorded_by)
        return _finish(batch, status=ImportBatch.Status.DONE, errors=warnings, created=len(purchases),
                       duplicates=duplicates)


def purchase_import(*, by: User, buyer: Company, file, filename: str, progress=None, batch=None) -> ImportBatch:
    """Import a purchase file for the user's own anchor firm: every row saved, or none and a report of all bad ones."""
    require_importer(by, buyer)
    batch = batch or import_batch_start(buyer=buyer, by=by, filename=filename)
    return run_import(batch, file, recorded_by=by, progress=progress)


def import_report_rows(batch: ImportBatch) -> list[dict]:
    """The batch's bad rows (and header warnings) as the page, the CSV and the JSON downloads show them."""
    return [
        {"row": entry.get("row"), "column": entry.get("column", ""), "message": entry.get("message", ""),
         "value": entry.get("value", ""), "level": entry.get("level", "error")}
        for entry in batch.errors
    ]


def import_errors(batch: ImportBatch) -> list[dict]:
    """Only the problems that refused the file (warnings about ignored columns left out)."""
    return [entry for entry in batch.errors if entry.get("level", "error") == "error"]


def import_warnings(batch: ImportBatch) -> list[dict]:
    return [entry for entry in batch.errors if entry.get("level") == "warning"]
