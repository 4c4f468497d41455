"""Purchase files (CSV or .xlsx): reading them with pandas, and importing them all-or-nothing.

Every row goes through procurement.services.purchase_clean, the same path as the web form and the API.
A file with any bad row saves nothing; the report lists every bad row and column. Rows whose supplier
invoice is already recorded for this buyer are counted and skipped, so re-importing a file creates nothing.
"""

import codecs
import io
import itertools
import logging
import math
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime

import openpyxl
import pandas as pd
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from registry.identifiers import record_id, validate_uscc
from registry.middleware import CONTROL_CHARACTERS
from registry.models import Company, Product, User
from registry.selectors import category_tree

from .import_messages import level_label, report_csv_header, report_entry, stored_report
from .models import ImportBatch, Purchase
from .permissions import can_record_purchases
from .rollups import RollupChange, amount_in_fen, rollups_apply
from .services import (
    COLUMNS,
    REQUIRED_COLUMNS,
    Lookups,
    normalised_identifier,
    purchase_clean,
    supplier_snapshot,
)

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
# The same mapping the other way: the Chinese header of each column, for the page and the Chinese template.
CHINESE_HEADER_BY_COLUMN = {column: header for header, column in CHINESE_HEADERS.items()}
# What goes in each column, for the import page.
COLUMN_HINTS = {
    "supplier_identifier": gettext_lazy("The supplier’s Unified Social Credit Code (18 characters), or another "
                                        "identifier for a supplier outside China."),
    "purchased_on": gettext_lazy("The purchase date, as YYYY-MM-DD or YYYY/MM/DD."),
    "category": gettext_lazy("A category code, or its English or Chinese name (see the list of categories)."),
    "amount": gettext_lazy("The amount in CNY, such as 12,500.00."),
    "invoice_number": gettext_lazy("The supplier’s invoice number."),
    "supplier_name": gettext_lazy("The supplier’s name: required when the supplier is not registered here."),
    "product": gettext_lazy("The number of one of the supplier’s products in the directory."),
    "description": gettext_lazy("What was bought, in a few words."),
    "quantity": gettext_lazy("How many, a number of zero or more."),
    "unit": gettext_lazy("The unit of the quantity, such as kg or pcs."),
}
EXTENSIONS = (".csv", ".xlsx")
# An .xlsx is a zip of XML: a few MB can unpack to gigabytes (a "zip bomb"), and every shared string is an object
# in memory. Its members are measured from the zip's directory before openpyxl reads a byte of them. A full
# file of PURCHASE_IMPORT_MAX_ROWS rows unpacks to well under these.
XLSX_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
XLSX_MAX_MEMBERS = 1000
XLSX_MAX_SHARED_STRINGS = 1_000_000
# A value echoed in a report is cut to this many characters: a report says where, not what a whole cell held.
REPORT_VALUE_MAX = 100
# At most this many problems are kept for a file; the last entry says how many more there were.
MAX_STORED_ERRORS = 10_000
# At most this many unregistered USCCs are named in a file's warnings; the rest are counted.
MAX_UNREGISTERED_WARNINGS = 1000
PROGRESS_EVERY = 1000
# Rows read from a CSV at a time: memory follows this, not the file's length.
READ_CHUNK_ROWS = 5000
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


# The key under which a row lists its columns that were not valid text in the file's encoding.
UNDECODABLE = "_undecodable"


class PurchaseRows(list):
    """The data rows of a file (dicts by column, each with its row number), plus warnings about the header."""

    def __init__(self, rows=(), warnings=()):
        super().__init__(rows)
        self.warnings = list(warnings)


def import_columns() -> list[dict]:
    """The columns of a purchase file as the import page lists them: both headers, required or not, a hint."""
    return [
        {"column": column, "chinese": CHINESE_HEADER_BY_COLUMN[column], "required": column in REQUIRED_COLUMNS,
         "hint": COLUMN_HINTS[column]}
        for column in COLUMNS
    ]


def template_headers(language: str) -> list[str]:
    """The header row of an empty purchase file: our column names, or their Chinese headers ("zh")."""
    return [CHINESE_HEADER_BY_COLUMN[column] for column in COLUMNS] if language == "zh" else list(COLUMNS)


def category_code_rows() -> list[list[str]]:
    """The category codes a file may use with both their names, parents first, header first (the CSV download)."""
    tree = category_tree()
    codes = {category.pk: category.slug for category, _depth in tree}
    rows = [["code", "name", "name_zh", "parent_code"]]
    rows.extend([category.slug, category.name, category.name_zh, codes.get(category.parent_id, "")]
                for category, _depth in tree)
    return rows


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


def _bad_lines(lines, encoding) -> int:
    bad = 0
    for line in lines:
        try:
            line.decode(encoding)
        except UnicodeDecodeError:
            bad += 1
    return bad


def _decode_csv(data: bytes) -> str:
    """The file's text in UTF-8 or GB18030, whichever it is written in.

    A file valid as a whole is decoded strictly. A file with a few lines that are not valid in its encoding (one
    row pasted from elsewhere) is decoded with those bytes replaced by U+FFFD: the rows holding them are
    refused by number (UNDECODABLE), never saved as mojibake; and GB18030, which reads almost any bytes, is
    not taken for a UTF-8 file that has one bad line.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    # A byte-order mark, or a line of non-ASCII text that is valid UTF-8, says the file is UTF-8: its invalid
    # lines are bad rows, not a sign of GB18030 (which would read them, and the rest, as other characters).
    if data.startswith(codecs.BOM_UTF8) or any(_utf8_text(line) for line in lines):
        encoding = "utf-8"
    else:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            encoding = "gb18030"
    # Mostly undecodable: the file is in neither encoding, not a file with a few bad rows.
    if _bad_lines(lines, encoding) * 2 >= len([line for line in lines if line.strip()]):
        raise ImportFileError(_("The file’s encoding is neither UTF-8 nor GB18030: save it as CSV UTF-8."))
    return data.decode("utf-8-sig" if encoding == "utf-8" else encoding, errors="replace")


def _utf8_text(line: bytes) -> bool:
    if line.isascii():
        return False
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# What a byte sequence invalid in the encoding is decoded to (U+FFFD). One already in the file is refused alike:
# it marks text lost before, and saving it would keep mojibake.
_UNDECODABLE = re.compile("\ufffd")


def _read_csv(data: bytes, max_rows: int) -> Iterator[pd.DataFrame]:
    """The CSV's rows as DataFrames of READ_CHUNK_ROWS rows each, read one after another (never all at once)."""
    if b"\x00" in data[:4096]:
        raise ImportFileError(_("The file is not a CSV text file."))
    text = _decode_csv(data)
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    try:
        # Blank lines are kept (and dropped later) so that row numbers match what a spreadsheet shows.
        reader = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False, nrows=max_rows + 1,
            chunksize=READ_CHUNK_ROWS,
        )
        first = next(reader, None)
    except pd.errors.EmptyDataError:
        raise ImportFileError(_("The file is empty.")) from None
    except (pd.errors.ParserError, ValueError) as error:
        raise ImportFileError(_("The file could not be read as CSV: %(reason)s") % {"reason": error}) from None
    if first is None:
        raise ImportFileError(_("The file is empty."))
    return _csv_frames(first, reader)


def _csv_frames(first: pd.DataFrame, reader) -> Iterator[pd.DataFrame]:
    yield first
    try:
        yield from reader
    except (pd.errors.ParserError, ValueError) as error:
        raise ImportFileError(_("The file could not be read as CSV: %(reason)s") % {"reason": error}) from None


def _count_shared_strings(archive: zipfile.ZipFile, name: str) -> int:
    """The <si> entries of the shared-strings part, counted while streaming it (its count attribute may lie)."""
    count, tail = 0, b""
    with archive.open(name) as member:
        while chunk := member.read(1024 * 1024):
            # The window starts with the previous one's last bytes, so a tag split between chunks is seen; a tag
            # wholly inside those bytes was counted already and is taken off again.
            window = tail + chunk
            count += window.count(b"<si>") + window.count(b"<si ") + window.count(b"<x:si>")
            count -= tail.count(b"<si>") + tail.count(b"<si ")
            if count > XLSX_MAX_SHARED_STRINGS:
                break
            tail = window[-5:]
    return count


def _inspect_xlsx(data: bytes) -> None:
    """Refuse a workbook that would unpack too large, from the zip's directory, before openpyxl reads it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportFileError(_("The file is not a valid .xlsx workbook.")) from None
    with archive:
        members = archive.infolist()
        too_large = _("The workbook unpacks to more than %(mb)d MB: save only the purchase sheet, or split the "
                      "file.") % {"mb": XLSX_MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
        if len(members) > XLSX_MAX_MEMBERS:
            raise ImportFileError(too_large)
        # Declared sizes are what zipfile reads at most (it stops there and checks the CRC), so they bound the work.
        if sum(member.file_size for member in members) > XLSX_MAX_UNCOMPRESSED_BYTES:
            raise ImportFileError(too_large)
        for member in members:
            if member.filename.lower().endswith("sharedstrings.xml"):
                try:
                    count = _count_shared_strings(archive, member.filename)
                except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
                    raise ImportFileError(_("The file is not a valid .xlsx workbook.")) from None
                if count > XLSX_MAX_SHARED_STRINGS:
                    raise ImportFileError(
                        _("The workbook holds more than %(n)s different texts: save only the purchase sheet, or "
                          "split the file.") % {"n": f"{XLSX_MAX_SHARED_STRINGS:,}"}
                    )


def _read_xlsx(data: bytes, max_rows: int) -> tuple[Iterator[pd.DataFrame], int]:
    """The first sheet's rows as DataFrames of READ_CHUNK_ROWS rows, streamed by openpyxl in read-only mode.

    Column labels as pandas.read_excel would give them ("Unnamed: 3" for a blank header, "amount.1" for a
    repeated one), so a workbook reads the same as before it was streamed.
    """
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError(_("The file is not a valid .xlsx workbook."))
    _inspect_xlsx(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # The sheet's declared size, for the progress bar only (it may be missing or wrong).
        declared = sheet.max_row if isinstance(sheet.max_row, int) else None
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook; all mean the same to a person
        logger.info("Unreadable workbook: %s", error)
        raise ImportFileError(_("The file is not a valid .xlsx workbook.")) from None
    if header is None:
        workbook.close()
        raise ImportFileError(_("The file is empty."))
    labels, counts = [], {}
    for position, cell in enumerate(header):
        label = f"Unnamed: {position}" if cell is None or cell == "" else cell
        if label in counts:
            counts[label] += 1
            label = f"{label}.{counts[label]}"
        else:
            counts[label] = 0
        labels.append(label)
    estimated = min(declared - 1, max_rows) if declared and declared > 1 else 1
    return _xlsx_frames(workbook, rows, labels, max_rows), estimated


def _xlsx_frames(workbook, rows, labels, max_rows) -> Iterator[pd.DataFrame]:
    width = len(labels)
    read = 0
    try:
        while True:
            chunk = []
            for values in itertools.islice(rows, min(READ_CHUNK_ROWS, max_rows + 1 - read)):
                values = tuple(values[:width])
                chunk.append(values + ("",) * (width - len(values)))
            read += len(chunk)
            if not chunk:
                if read == 0:
                    yield pd.DataFrame([], columns=labels, dtype=object)
                return
            yield pd.DataFrame(chunk, columns=labels, dtype=object)
            if read > max_rows:
                return
    except ImportFileError:
        raise
    except Exception as error:  # a damaged part further into the sheet
        logger.info("Unreadable workbook: %s", error)
        raise ImportFileError(_("The file is not a valid .xlsx workbook.")) from None
    finally:
        workbook.close()


class PurchaseFile:
    """A purchase file whose header is checked, its rows read chunk by chunk (see open_purchase_file)."""

    def __init__(self, frames: Iterator[pd.DataFrame], columns: dict, warnings: list, estimated_rows: int):
        self._frames = frames
        self.columns = columns
        self.warnings = warnings
        # For the progress bar until every row is read: the exact count is known only at the end.
        self.estimated_rows = estimated_rows

    def chunks(self) -> Iterator[list[dict]]:
        """Lists of rows (dicts by column, each with its row number), ImportFileError past the row limit."""
        max_rows = settings.PURCHASE_IMPORT_MAX_ROWS
        offset = count = 0
        for frame in self._frames:
            rows = []
            for index, record in enumerate(frame[list(self.columns)].itertuples(index=False, name=None)):
                row = {key: _cell(value, key) for key, value in zip(self.columns.values(), record, strict=True)}
                if all(value == "" for value in row.values()):
                    continue
                undecodable = [key for key, value in row.items()
                               if isinstance(value, str) and _UNDECODABLE.search(value)]
                if undecodable:
                    row[UNDECODABLE] = undecodable
                row["row"] = offset + index + 2
                rows.append(row)
            offset += len(frame)
            count += len(rows)
            if count > max_rows:
                raise ImportFileError(
                    _("The file has more than %(max)d rows: split it into smaller files.") % {"max": max_rows}
                )
            if rows:
                yield rows
        if not count:
            raise ImportFileError(_("The file has no purchase rows under its header."))


def open_purchase_file(file, filename: str) -> PurchaseFile:
    """Open a CSV (UTF-8 with or without BOM, or GB18030) or .xlsx file and check its header; ImportFileError if
    refused. The rows come later, chunk by chunk, from PurchaseFile.chunks()."""
    name = (filename or "").lower()
    extension = next((ext for ext in EXTENSIONS if name.endswith(ext)), None)
    if extension is None:
        raise ImportFileError(_("Only CSV and .xlsx files can be imported."))
    limit = max_file_bytes()
    check_file_size(file)
    # At most one byte past the limit is read, whatever the file claims its size is.
    data = file.read(limit + 1) if hasattr(file, "read") else bytes(file)
    if len(data) > limit:
        raise ImportFileError(file_too_large_message())
    if not data:
        raise ImportFileError(_("The file is empty."))
    max_rows = settings.PURCHASE_IMPORT_MAX_ROWS
    if extension == ".csv":
        frames = _read_csv(data, max_rows)
        estimated = max(data.count(b"\n") - 1, 1)
    else:
        frames, estimated = _read_xlsx(data, max_rows)
    del data
    first = next(frames)

    columns, warnings = {}, []
    for header in first.columns:
        key = _header_key(header)
        if key in COLUMNS:
            if key in columns.values():
                raise ImportFileError(
                    _("The column %(column)s appears twice.") % {"column": key}, column=key, row=1
                )
            columns[header] = key
        elif str(header).strip() and not str(header).startswith("Unnamed:"):
            warnings.append(
                {"row": 1, "column": _display(header), "value": _display(header),
                 "message": _("Unknown column %(column)s: ignored.") % {"column": _display(header)}}
            )
    for column in REQUIRED_COLUMNS:
        if column not in columns.values():
            raise ImportFileError(
                _("The column %(column)s is missing.") % {"column": column}, column=column, row=1
            )
    return PurchaseFile(itertools.chain([first], frames), columns, warnings, estimated)


def read_purchase_file(file, filename: str) -> PurchaseRows:
    """Every row of a purchase file at once (for small files and tests; imports read chunk by chunk)."""
    opened = open_purchase_file(file, filename)
    return PurchaseRows([row for chunk in opened.chunks() for row in chunk], opened.warnings)


def max_file_bytes() -> int:
    return int(getattr(settings, "PURCHASE_IMPORT_MAX_BYTES", 20 * 1024 * 1024))


def file_too_large_message() -> str:
    return _("The file is larger than %(mb)s MB: split it into smaller files.") % {
        "mb": f"{max_file_bytes() / (1024 * 1024):g}"
    }


def check_file_size(file) -> None:
    """ImportFileError if the file (an upload, a stored file, bytes) is over PURCHASE_IMPORT_MAX_BYTES, read or not.

    For the upload's own checks too: an UploadedFile knows its size before anything is read.
    """
    size = getattr(file, "size", None)
    if size is None and isinstance(file, bytes | bytearray):
        size = len(file)
    if size is None and hasattr(file, "seek") and hasattr(file, "tell"):
        try:
            start = file.tell()
            size = file.seek(0, io.SEEK_END) - start
            file.seek(start)
        except (OSError, ValueError):
            size = None
    if size is not None and size > max_file_bytes():
        raise ImportFileError(file_too_large_message())


def require_importer(by: User, buyer: Company) -> None:
    """Files are imported by the users of an anchor firm, for their own company."""
    allowed, reason = can_record_purchases(by)
    if not allowed or by.company_id != buyer.pk:
        raise PermissionDenied(reason or _("You can record purchases only for your own company."))


def import_batch_start(*, buyer: Company, by: User | None, filename: str) -> ImportBatch:
    """The record of one file's import, created before reading it so a page can follow it."""
    return ImportBatch.objects.create(buyer=buyer, uploaded_by=by, file_name=(filename or "")[:255])


def _display(value) -> str:
    """A cell as a report echoes it, cut to REPORT_VALUE_MAX characters."""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        text = value.date().isoformat()
    elif isinstance(value, (date, datetime)):
        text = value.isoformat()
    elif isinstance(value, float):
        text = repr(value)
    else:
        text = "" if value is None else str(value)
    # Control characters shown escaped: PostgreSQL's jsonb cannot even store a NUL, and a report shows them.
    text = CONTROL_CHARACTERS.sub(lambda match: f"\\x{ord(match.group()):02x}", text)
    return text if len(text) <= REPORT_VALUE_MAX else text[:REPORT_VALUE_MAX - 1] + "…"


def _chunks(items, size=_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _add_suppliers(lookups: Lookups, rows) -> None:
    """The registered suppliers named in a chunk of rows and not yet known, fetched in a few queries."""
    codes = {normalised_identifier(str(row.get("supplier_identifier", ""))) for row in rows}
    missing = {code for code in codes if len(code) == 18} - lookups.known_codes
    lookups.known_codes |= missing
    for chunk in _chunks(missing):
        lookups.suppliers.update({c.uscc: c for c in Company.objects.filter(uscc__in=chunk)})


def _products(rows) -> dict:
    """The products named in a chunk of rows, fetched in a few queries instead of one per row."""
    ids = {record_id(row.get("product")) for row in rows} - {None}
    products = {}
    for chunk in _chunks(ids):
        products.update({p.pk: p for p in Product.objects.filter(pk__in=chunk)})
    return products


# Pairs per query: two IN lists of this many values stay under SQLite's limit on query parameters.
_PAIRS_PER_QUERY = 400


def _recorded_keys(keys) -> dict:
    """{(supplier identifier, invoice number): buyer id} for the file's keys already in the database.

    Only the file's own pairs are looked up, through the unique (supplier identifier, invoice number) index:
    the cost follows the file, never the purchases already recorded for its suppliers.
    """
    found = {}
    for chunk in _chunks(sorted(set(keys)), _PAIRS_PER_QUERY):
        wanted = set(chunk)
        rows = Purchase.objects.filter(
            supplier_identifier__in={identifier for identifier, _invoice in chunk},
            invoice_number__in={invoice for _identifier, invoice in chunk},
        ).values_list("supplier_identifier", "invoice_number", "buyer_id")
        for identifier, invoice, buyer_id in rows:
            if (identifier, invoice) in wanted:
                found[(identifier, invoice)] = buyer_id
    return found


def _finish(batch: ImportBatch, *, status, errors, created=0, duplicates=0) -> ImportBatch:
    batch.status = status
    # Stored as codes and parameters, worded when shown: the report reads in its reader's language.
    batch.errors = stored_report(errors)
    batch.created_count = created
    batch.duplicate_count = duplicates
    batch.finished_at = timezone.now()
    batch.save(update_fields=[
        "status", "errors", "created_count", "duplicate_count", "total_rows", "processed_rows", "finished_at"
    ])
    return batch


# The columns an import writes, in order: every column of the purchases table but its id (checked by a test).
# The first ones come from the row, the last four are the same for the whole file.
ROW_COLUMNS = (
    "buyer_id", "supplier_id", "supplier_identifier", "supplier_name", "supplier_is_local", "supplier_was_verified",
    "purchased_on", "purchased_year", "category_id", "product_id", "description", "quantity", "unit", "amount",
    "invoice_number", "source",
)
FILE_COLUMNS = ("import_batch_id", "created_by_id", "created_at", "updated_at")
INSERT_COLUMNS = ROW_COLUMNS + FILE_COLUMNS
_INSERT_ROWS_PER_STATEMENT = 2000


def _row_values(fields: dict, snapshots: dict) -> tuple:
    """A checked row as the values of ROW_COLUMNS: compact, so that a large file's rows wait cheaply for saving.

    `snapshots` remembers each supplier's locality snapshot for the file: taken once, the same for all its rows.
    """
    supplier, product = fields.get("supplier"), fields.get("product")
    key = supplier.pk if supplier else None
    if key not in snapshots:
        snapshots[key] = supplier_snapshot(supplier)
    snapshot = snapshots[key]
    return (
        fields["buyer"].pk, supplier.pk if supplier else None, fields["supplier_identifier"], fields["supplier_name"],
        snapshot["supplier_is_local"], snapshot["supplier_was_verified"], fields["purchased_on"],
        fields["purchased_on"].year, fields["category"].pk, product.pk if product else None,
        fields.get("description", ""), fields.get("quantity"), fields.get("unit", ""), fields["amount"],
        fields["invoice_number"], Purchase.Source.IMPORT,
    )


def _insert_purchases(rows: list[tuple], *, batch: ImportBatch, recorded_by: User | None) -> RollupChange:
    """Save checked rows in a few statements (COPY on PostgreSQL); return what they add to the LCR cells.

    The ORM's bulk_create would build a model instance per row and prepare each value through its field: most of
    an import's time. The values here are already checked and typed by purchase_clean, so they go straight in.
    """
    now = timezone.now()
    constants = (batch.pk, recorded_by.pk if recorded_by else None, now, now)
    table = connection.ops.quote_name(Purchase._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in INSERT_COLUMNS)
    change = RollupChange()
    cells = change.cells
    for values in rows:
        cell = cells[(values[0], values[8], values[7], values[4])]
        cell[0] += amount_in_fen(values[13])
        cell[1] += 1
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for values in rows:
                    copy.write_row(values + constants)
        else:
            adapt = connection.ops
            constants = (*constants[:2], adapt.adapt_datetimefield_value(now), adapt.adapt_datetimefield_value(now))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(INSERT_COLUMNS))})"
            for chunk in _chunks(rows, _INSERT_ROWS_PER_STATEMENT):
                cursor.executemany(sql, [
                    (*values[:6], values[6].isoformat(), *values[7:11],
                     None if values[11] is None else str(values[11]), values[12], str(values[13]),
                     *values[14:], *constants)
                    for values in chunk
                ])
    return change


def run_import(batch: ImportBatch, file, *, recorded_by: User | None, progress=None) -> ImportBatch:
    """Check every row of the file and save all of them or none; the outcome and the report go on the batch.

    The file is read and checked chunk by chunk; the rows that pass wait as compact tuples (and none are kept once
    a row has failed, since nothing will be saved), then go in at once in one transaction with their LCR cells.
    Callers check who may import (purchase_import for users, the command for officials).
    """
    buyer = batch.buyer
    try:
        opened = open_purchase_file(file, batch.file_name)
    except ImportFileError as refused:
        return _finish(batch, status=ImportBatch.Status.FAILED, errors=[refused.as_report()])
    warnings = [{**warning, "level": "warning"} for warning in opened.warnings]
    batch.total_rows = opened.estimated_rows
    batch.processed_rows = 0
    batch.save(update_fields=["total_rows", "processed_rows"])

    lookups = Lookups(buyer)
    lookups.suppliers, lookups.known_codes = {}, set()
    errors, seen, fresh, snapshots = [], {}, [], {}
    # {identifier: [first row, rows] or None}: the valid USCCs of suppliers not registered here (None: not a USCC).
    unregistered: dict[str, list | None] = {}
    done = duplicates = 0
    try:
        for chunk in opened.chunks():
            _add_suppliers(lookups, chunk)
            products = _products(chunk)
            good = []
            for row in chunk:
                done += 1
                values = dict(row)
                undecodable = values.pop(UNDECODABLE, ())
                product = str(values.get("product", "")).strip()
                if record_id(product) in products:
                    values["product"] = products[record_id(product)]
                if undecodable:
                    fields, row_errors = {}, {column: _(
                        "This cell is not valid text in the file’s encoding (UTF-8 or GB18030): save the file as "
                        "CSV UTF-8."
                    ) for column in undecodable}
                else:
                    fields, row_errors = purchase_clean(values, buyer=buyer, lookups=lookups)
                if fields.get("supplier_identifier") and fields.get("supplier") is None \
                        and "supplier_identifier" not in row_errors:
                    _note_unregistered(unregistered, fields["supplier_identifier"], row["row"])
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
                if done % PROGRESS_EVERY == 0:
                    _progress(batch, done, max(batch.total_rows, done), progress)
            recorded = _recorded_keys(key for _row, key, _fields in good)
            for number, key, fields in good:
                if key not in recorded:
                    if not errors:  # once a row is bad nothing will be saved: stop keeping rows
                        fresh.append(_row_values(fields, snapshots))
                elif recorded[key] == buyer.pk:
                    duplicates += 1
                else:
                    # The invoice key is unique city-wide; another buyer's record of it is not this buyer's to see.
                    errors.append({"row": number, "column": "invoice_number", "value": key[1],
                                   "message": _("This supplier’s invoice is already recorded by another buyer.")})
            if errors:
                fresh = []
    except ImportFileError as refused:
        return _finish(batch, status=ImportBatch.Status.FAILED, errors=[refused.as_report()])
    batch.total_rows = done
    _progress(batch, done, done, progress)
    warnings.extend(_unregistered_warnings(unregistered))
    if errors:
        errors.sort(key=lambda error: (error["row"], COLUMNS.index(error["column"])))
        if len(errors) > MAX_STORED_ERRORS:
            more = len(errors) - MAX_STORED_ERRORS
            errors = errors[:MAX_STORED_ERRORS] + [{
                "row": None, "column": "", "value": "", "omitted": more,
                "message": _("%(n)s more problems are not listed: fix the ones above and import the file again.")
                % {"n": f"{more:,}"},
            }]
        return _finish(batch, status=ImportBatch.Status.FAILED, errors=errors + warnings)

    with transaction.atomic():
        # Locked and checked before writing: a batch the sweep failed meanwhile, or finished by another run of a
        # retried job, is left as it is, so a file is never saved twice.
        if not ImportBatch.objects.select_for_update().filter(pk=batch.pk, status__in=ImportBatch.LIVE).exists():
            batch.refresh_from_db()
            return batch
        # No history row per imported purchase: the batch records who sent the file and when, and each purchase
        # its batch, its recorder and its time. A purchase's first history row is written when it is first
        # corrected or deleted (procurement.services), holding the values as imported.
        change = _insert_purchases(fresh, batch=batch, recorded_by=recorded_by)
        # The file's purchases counted in their cells at once, in the transaction that saved them.
        rollups_apply(change)
        return _finish(batch, status=ImportBatch.Status.DONE, errors=warnings, created=len(fresh),
                       duplicates=duplicates)


def _note_unregistered(unregistered: dict, identifier: str, row: int) -> None:
    """Count a row whose supplier is given by a valid USCC that no registered company has."""
    if identifier not in unregistered:
        try:
            validate_uscc(identifier)
        except ValidationError:
            unregistered[identifier] = None  # an identifier from abroad, not a USCC: nothing to warn about
        else:
            unregistered[identifier] = [row, 0]
    if unregistered[identifier] is not None:
        unregistered[identifier][1] += 1


def _unregistered_warnings(unregistered: dict) -> list[dict]:
    """One warning per unregistered USCC: a purchase counts as local only from a registered, verified local
    supplier, so these will not count however local the supplier really is (it can register here).

    At most MAX_UNREGISTERED_WARNINGS codes are named; one more warning counts the rest.
    """
    codes = [key for key, value in unregistered.items() if value]
    warnings = [
        {"row": first, "column": "supplier_identifier", "value": identifier, "level": "warning",
         "message": ngettext(
             "No registered company has the USCC %(code)s: its purchase (row %(row)d) will count as not local. "
             "If the supplier is local, ask it to register.",
             "No registered company has the USCC %(code)s: its %(n)d purchases (the first on row %(row)d) will "
             "count as not local. If the supplier is local, ask it to register.",
             count,
         ) % {"code": identifier, "n": count, "row": first}}
        for identifier, (first, count) in ((code, unregistered[code]) for code in codes[:MAX_UNREGISTERED_WARNINGS])
    ]
    if len(codes) > MAX_UNREGISTERED_WARNINGS:
        more = len(codes) - MAX_UNREGISTERED_WARNINGS
        warnings.append({"row": None, "column": "", "value": "", "level": "warning", "message": ngettext(
            "%(n)s more unregistered USCC is not listed: its purchases will count as not local as well.",
            "%(n)s more unregistered USCCs are not listed: their purchases will count as not local as well.",
            more,
        ) % {"n": f"{more:,}"}})
    return warnings


def _progress(batch: ImportBatch, done: int, total: int, progress) -> None:
    batch.processed_rows = done
    ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=done, total_rows=total)
    if progress:
        progress(done, total)


def purchase_import(*, by: User, buyer: Company, file, filename: str, progress=None, batch=None) -> ImportBatch:
    """Import a purchase file for the user's own anchor firm: every row saved, or none and a report of all bad ones."""
    require_importer(by, buyer)
    batch = batch or import_batch_start(buyer=buyer, by=by, filename=filename)
    return run_import(batch, file, recorded_by=by, progress=progress)


def import_report_rows(batch: ImportBatch) -> list[dict]:
    """The batch's bad rows (and header warnings) as the page, the CSV and the JSON downloads show them: worded in
    the reader's language (procurement.import_messages), whoever uploaded the file."""
    return [report_entry(entry) for entry in batch.errors]


def import_errors(batch: ImportBatch) -> list[dict]:
    """Only the problems that refused the file (warnings about ignored columns left out), for the page."""
    return [report_entry(entry) for entry in batch.errors if entry.get("level", "error") == "error"]


def import_warnings(batch: ImportBatch) -> list[dict]:
    return [report_entry(entry) for entry in batch.errors if entry.get("level") == "warning"]


# --- the report of a refused file: bounded, whatever the file held

# The JSON report lists this many problems and counts the rest; the CSV lists every stored problem.
REPORT_JSON_MAX_ERRORS = 1000
# Problems shown on one page of the batch's report.
REPORT_PAGE_SIZE = 100


def import_report_json(batch: ImportBatch) -> dict:
    """The JSON report: the first REPORT_JSON_MAX_ERRORS problems and how many there are in all."""
    rows = import_report_rows(batch)
    errors = [row for row in rows if row["level"] == "error"]
    return {
        "batch": batch.pk, "file": batch.file_name, "status": batch.status,
        "error_count": sum(int(entry.get("omitted", 0)) or 1 for entry in batch.errors
                           if entry.get("level", "error") == "error"),
        "warning_count": len(rows) - len(errors),
        "truncated": len(rows) > REPORT_JSON_MAX_ERRORS,
        "errors": rows[:REPORT_JSON_MAX_ERRORS],
    }


def import_report_csv_rows(batch: ImportBatch) -> list[list]:
    """The CSV report's rows, header first; registry.spreadsheets writes them (values people typed: formulas)."""
    # Headed, and each column named, as the reader's language heads a purchase file (not by our field names).
    rows = [report_csv_header()]
    rows.extend([entry["row"] or "", entry["column_label"], entry["message"], entry["value"],
                 level_label(entry["level"])]
                for entry in import_report_rows(batch))
    return rows


def import_errors_page(batch: ImportBatch, page_number):
    """One page of the refused file's problems for the batch page (a file can hold thousands of bad rows)."""
    from django.core.paginator import Paginator

    return Paginator(import_errors(batch), REPORT_PAGE_SIZE).get_page(page_number)
