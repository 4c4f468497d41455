"""Purchase files (CSV or .xlsx): reading them as a stream, and importing them all-or-nothing.

Every row is checked as procurement.services.purchase_clean checks it (the same path as the web form and the
API): the common row by a quick check per column that decides what purchase_clean decides, any other row and
every row with a problem by purchase_clean itself, so the messages are the same. A file with any bad row saves
nothing; the report lists the first MAX_STORED_ERRORS problems in row order and counts the rest. Rows whose
supplier invoice is already recorded for this buyer are counted and skipped, so re-importing a file creates
nothing.

The file is read chunk by chunk (READ_CHUNK_ROWS rows: the csv module, or openpyxl in read-only mode) and the
checked rows wait in a temporary table of the connection (_Staging), never in memory: memory follows the chunk,
not the file. Repeated invoices, in the file or already recorded, are found set-wise through the indexes.
"""

import codecs
import contextlib
import csv
import io
import itertools
import logging
import math
import operator
import re
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import openpyxl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from registry.identifiers import record_id, validate_uscc
from registry.middleware import CONTROL_CHARACTERS, has_control_characters
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
    category_key,
    normalised_identifier,
    parse_amount,
    parse_date,
    parse_quantity,
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
    if isinstance(value, str):
        return value
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


def _labels(header) -> list[str]:
    """Column labels as pandas would give them ("Unnamed: 3" for a blank header, "amount.1" for a repeated one),
    so a file reads as it did when pandas read it."""
    labels, counts = [], {}
    for position, cell in enumerate(header):
        label = f"Unnamed: {position}" if cell is None or cell == "" else cell
        if label in counts:
            counts[label] += 1
            label = f"{label}.{counts[label]}"
        else:
            counts[label] = 0
        labels.append(label)
    return labels


def _utf8_text(line: bytes) -> bool:
    if line.isascii():
        return False
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# Bytes read at a time while a file is spooled and its encoding checked: memory follows this, not the file.
_BLOCK = 1024 * 1024


def _csv_encoding(stream) -> tuple[str, str, int]:
    """(encoding, errors, lines) of a CSV: UTF-8 or GB18030, read block by block (never the whole file at once).

    A file valid as a whole is decoded strictly. A file with a few lines that are not valid in its encoding (one
    row pasted from elsewhere) is decoded with those bytes replaced by U+FFFD: the rows holding them are
    refused by number (UNDECODABLE), never saved as mojibake; and GB18030, which reads almost any bytes, is
    not taken for a UTF-8 file that has one bad line.
    """
    stream.seek(0)
    head = stream.read(4096)
    if b"\x00" in head:
        raise ImportFileError(_("The file is not a CSV text file."))
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    lines, blank, valid = 0, True, True
    while block := stream.read(_BLOCK):
        lines += block.count(b"\n")
        if blank and block.replace(codecs.BOM_UTF8, b"").strip():
            blank = False
        if valid:
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                valid = False
    if blank:
        raise ImportFileError(_("The file is empty."))
    if valid:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            valid = False
    if valid:
        return "utf-8-sig", "strict", lines
    # A byte-order mark, or a line of non-ASCII text that is valid UTF-8, says the file is UTF-8: its invalid
    # lines are bad rows, not a sign of GB18030 (which would read them, and the rest, as other characters).
    stream.seek(0)
    utf8 = head.startswith(codecs.BOM_UTF8) or any(_utf8_text(line.rstrip(b"\n")) for line in stream)
    encoding = "utf-8" if utf8 else "gb18030"
    if not utf8:
        stream.seek(0)
        decoder = codecs.getincrementaldecoder("gb18030")()
        try:
            while block := stream.read(_BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            pass
        else:
            return "gb18030", "strict", lines
    stream.seek(0)
    bad = filled = 0
    for line in stream:
        filled += bool(line.strip())
        try:
            line.decode(encoding)
        except UnicodeDecodeError:
            bad += 1
    # Mostly undecodable: the file is in neither encoding, not a file with a few bad rows.
    if bad * 2 >= filled:
        raise ImportFileError(_("The file’s encoding is neither UTF-8 nor GB18030: save it as CSV UTF-8."))
    return ("utf-8-sig" if utf8 else encoding), "replace", lines


# What a byte sequence invalid in the encoding is decoded to (U+FFFD). One already in the file is refused alike:
# it marks text lost before, and saving it would keep mojibake.
_UNDECODABLE = "\ufffd"


def _csv_error(error) -> ImportFileError:
    return ImportFileError(_("The file could not be read as CSV: %(reason)s") % {"reason": error})


def _read_csv(stream, max_rows: int) -> tuple[list, Iterator[list], int]:
    """The CSV's header and its records, streamed by the csv module from the file as it is decoded."""
    encoding, errors, lines = _csv_encoding(stream)
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, errors=errors, newline="")
    reader = csv.reader(text)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise _csv_error(error) from None
    if not header:
        raise ImportFileError(_("The file is empty."))
    return header, _csv_records(reader, len(header), max_rows), max(lines - 1, 1)


def _csv_records(reader, width: int, max_rows: int) -> Iterator[list]:
    """Lists of READ_CHUNK_ROWS records; a blank line is an empty record (row numbers count it, as a spreadsheet
    does); a record longer than the header is refused, as pandas refused it."""
    read = 0
    try:
        while chunk := list(itertools.islice(reader, min(READ_CHUNK_ROWS, max_rows + 1 - read))):
            if max(map(len, chunk)) > width:
                offset, record = next((n, record) for n, record in enumerate(chunk) if len(record) > width)
                raise _csv_error(f"Expected {width} fields in row {read + offset + 2}, saw {len(record)}")
            read += len(chunk)
            yield chunk
            if read > max_rows:
                return
    except csv.Error as error:
        raise _csv_error(error) from None


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


def _inspect_xlsx(stream) -> None:
    """Refuse a workbook that would unpack too large, from the zip's directory, before openpyxl reads it."""
    try:
        archive = zipfile.ZipFile(stream)
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


def _read_xlsx(stream, max_rows: int) -> tuple[list, Iterator[list], int]:
    """The first sheet's header and its records, streamed by openpyxl in read-only mode."""
    stream.seek(0)
    if not zipfile.is_zipfile(stream):
        raise ImportFileError(_("The file is not a valid .xlsx workbook."))
    stream.seek(0)
    _inspect_xlsx(stream)
    stream.seek(0)
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
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
    estimated = min(declared - 1, max_rows) if declared and declared > 1 else 1
    return list(header), _xlsx_records(workbook, rows, len(header), max_rows), estimated


def _xlsx_records(workbook, rows, width, max_rows) -> Iterator[list]:
    read = 0
    try:
        while True:
            chunk = [values[:width] for values in
                     itertools.islice(rows, min(READ_CHUNK_ROWS, max_rows + 1 - read))]
            if not chunk:
                return
            read += len(chunk)
            yield chunk
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

    def __init__(self, records: Iterator[list], columns: dict, warnings: list, estimated_rows: int, *,
                 width: int, typed: bool, stream=None):
        self._records = records
        # The header's number of cells.
        self.width = width
        # {position in the record: column}
        self.columns = columns
        self.warnings = warnings
        # For the progress bar until every row is read: the exact count is known only at the end.
        self.estimated_rows = estimated_rows
        # Cells of a workbook come typed (numbers, dates); a CSV's are all text.
        self._typed = typed
        self._stream = stream

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()

    def chunks(self) -> Iterator[list[tuple[int, tuple, list | None]]]:
        """Lists of rows, each (its row number, its values in the order of COLUMNS, "" for a column the file lacks,
        the columns not valid text in the file's encoding or None); ImportFileError past the row limit."""
        max_rows = settings.PURCHASE_IMPORT_MAX_ROWS
        # A column the file lacks reads the empty cell added after the last one.
        full = self.width + 1
        by_column = {key: position for position, key in self.columns.items()}
        values_of = operator.itemgetter(*(by_column.get(column, self.width) for column in COLUMNS))
        filler = [""] * full
        typed = self._typed
        offset = count = 0
        for records in self._records:
            rows = []
            number = offset + 1
            for record in records:
                number += 1
                if len(record) == self.width and not typed:
                    record.append("")
                else:
                    record = ([*record, *filler])[:full]
                values = values_of(record)
                if typed:
                    values = tuple(_cell(value, column) for value, column in zip(values, COLUMNS, strict=True))
                    if all(value == "" for value in values):
                        continue
                    undecodable = [column for column, value in zip(COLUMNS, values, strict=True)
                                   if isinstance(value, str) and _UNDECODABLE in value] or None
                else:
                    joined = "".join(values)
                    if not joined:
                        continue
                    undecodable = None
                    if _UNDECODABLE in joined:
                        undecodable = [column for column, value in zip(COLUMNS, values, strict=True)
                                       if _UNDECODABLE in value]
                rows.append((number, values, undecodable))
            offset += len(records)
            count += len(rows)
            if count > max_rows:
                raise ImportFileError(
                    _("The file has more than %(max)d rows: split it into smaller files.") % {"max": max_rows}
                )
            if rows:
                yield rows
        if not count:
            raise ImportFileError(_("The file has no purchase rows under its header."))

    def rows(self) -> Iterator[dict]:
        """The rows as dicts of the file's columns, with "row" (the row number) and UNDECODABLE when it applies."""
        present = set(self.columns.values())
        for chunk in self.chunks():
            for number, values, undecodable in chunk:
                row = {column: value for column, value in zip(COLUMNS, values, strict=True) if column in present}
                if undecodable:
                    row[UNDECODABLE] = undecodable
                row["row"] = number
                yield row


def _spool(file, limit: int):
    """The file as a seekable binary stream, at most `limit` + 1 bytes read: an open local file is used as it is,
    anything else is copied block by block into a temporary file (in memory only while it is small)."""
    if isinstance(file, bytes | bytearray):
        return io.BytesIO(file), False
    if isinstance(file, io.BufferedReader | io.BytesIO):
        return file, False
    spooled = tempfile.SpooledTemporaryFile(max_size=_BLOCK)
    read = 0
    while block := file.read(min(_BLOCK, limit + 1 - read)):
        spooled.write(block)
        read += len(block)
        if read > limit:
            break
    spooled.seek(0)
    return spooled, True


def _stream_size(stream) -> int:
    start = stream.tell()
    size = stream.seek(0, io.SEEK_END) - start
    stream.seek(start)
    return size


def open_purchase_file(file, filename: str) -> PurchaseFile:
    """Open a CSV (UTF-8 with or without BOM, or GB18030) or .xlsx file and check its header; ImportFileError if
    refused. The rows come later, chunk by chunk, from PurchaseFile.chunks(); the file is read as they are."""
    name = (filename or "").lower()
    extension = next((ext for ext in EXTENSIONS if name.endswith(ext)), None)
    if extension is None:
        raise ImportFileError(_("Only CSV and .xlsx files can be imported."))
    limit = max_file_bytes()
    check_file_size(file)
    stream, owned = _spool(file, limit)
    try:
        size = _stream_size(stream)
        if size > limit:
            raise ImportFileError(file_too_large_message())
        if not size:
            raise ImportFileError(_("The file is empty."))
        max_rows = settings.PURCHASE_IMPORT_MAX_ROWS
        if extension == ".csv":
            header, records, estimated = _read_csv(stream, max_rows)
        else:
            header, records, estimated = _read_xlsx(stream, max_rows)
    except BaseException:
        if owned:
            stream.close()
        raise

    columns, warnings = {}, []
    for position, label in enumerate(_labels(header)):
        key = _header_key(label)
        if key in COLUMNS:
            if key in columns.values():
                raise ImportFileError(
                    _("The column %(column)s appears twice.") % {"column": key}, column=key, row=1
                )
            columns[position] = key
        elif str(label).strip() and not str(label).startswith("Unnamed:"):
            warnings.append(
                {"row": 1, "column": _display(label), "value": _display(label),
                 "message": _("Unknown column %(column)s: ignored.") % {"column": _display(label)}}
            )
    for column in REQUIRED_COLUMNS:
        if column not in columns.values():
            raise ImportFileError(
                _("The column %(column)s is missing.") % {"column": column}, column=column, row=1
            )
    return PurchaseFile(records, columns, warnings, estimated, width=len(header), typed=extension == ".xlsx",
                        stream=stream if owned else None)


def read_purchase_file(file, filename: str) -> PurchaseRows:
    """Every row of a purchase file at once (for small files and tests; imports read chunk by chunk)."""
    opened = open_purchase_file(file, filename)
    try:
        return PurchaseRows(list(opened.rows()), opened.warnings)
    finally:
        opened.close()


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


def _add_suppliers(lookups: Lookups, identifiers) -> None:
    """The registered suppliers named in a chunk of rows and not yet known, fetched in a few queries."""
    codes = {normalised_identifier(str(identifier)) for identifier in set(identifiers)}
    missing = {code for code in codes if len(code) == 18} - lookups.known_codes
    lookups.known_codes |= missing
    for chunk in _chunks(missing):
        lookups.suppliers.update({c.uscc: c for c in Company.objects.filter(uscc__in=chunk)})


def _products(values) -> dict:
    """The products named in a chunk of rows, fetched in a few queries instead of one per row."""
    ids = {record_id(value) for value in set(values) if value != ""} - {None}
    products = {}
    for chunk in _chunks(ids):
        products.update({p.pk: p for p in Product.objects.filter(pk__in=chunk)})
    return products


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
# What a checked row holds, in this order (the row's values of ROW_COLUMNS but the buyer and the source, which are
# the file's): the staging table's columns after the row number.
CHECKED_COLUMNS = ROW_COLUMNS[1:-1]
_SUPPLIER, _IDENTIFIER, _IS_LOCAL, _PURCHASED_ON, _YEAR, _CATEGORY, _AMOUNT, _INVOICE = (
    CHECKED_COLUMNS.index(column) for column in (
        "supplier_id", "supplier_identifier", "supplier_is_local", "purchased_on", "purchased_year", "category_id",
        "amount", "invoice_number",
    )
)

_FILE_INVOICE = COLUMNS.index("invoice_number")

_UNKNOWN = object()
_PLAIN_AMOUNT = re.compile(r"\d{1,13}(?:\.\d{1,2})?")
_CENT = Decimal("0.01")
# Values remembered per file (identifiers, dates, categories): a file repeats a few of each on thousands of rows.
# Past this many the memory is cleared, so a file of all-different values keeps its memory bounded.
_REMEMBERED = 20_000


class _RowChecker:
    """purchase_clean for the rows of one file, with what repeats across rows worked out once.

    A row in the common shape (text cells, a registered supplier or an outside one named, a date as YYYY-MM-DD,
    a plain amount, no product) is checked here and becomes the values the table stores. Any other row, and every
    row with a problem, goes through purchase_clean itself: the same checks, the same messages as the form and the
    API. What is decided here per identifier, date and category is what purchase_clean decides for them.
    """

    def __init__(self, buyer: Company):
        self.buyer = buyer
        self.lookups = Lookups(buyer)
        self.lookups.suppliers, self.lookups.known_codes = {}, set()
        self.products = {}
        self.today = date.today()
        self._suppliers: dict[str, tuple | None] = {}
        self._dates: dict[str, date | None] = {}
        self._categories: dict[str, int | None] = {}
        self._snapshots: dict[int | None, tuple[bool, bool]] = {}

    def prepare(self, rows) -> None:
        """Fetch the registered suppliers and the products a chunk of rows names, in a few queries."""
        _add_suppliers(self.lookups, (values[0] for _number, values, _undecodable in rows))
        self.products = _products(values[6] for _number, values, _undecodable in rows)
        for memory in (self._suppliers, self._dates, self._categories):
            if len(memory) > _REMEMBERED:
                memory.clear()

    def check(self, values: tuple, undecodable) -> tuple[tuple | None, dict, str | None]:
        """(the row's values of CHECKED_COLUMNS or None, {column: message}, the identifier of its supplier when
        that is not registered here), for a row's values in the order of COLUMNS."""
        if not undecodable:
            checked = self.quick(values)
            if checked is not None:
                return checked, {}, checked[1] if checked[0] is None else None
        return self._full(values, undecodable)

    def _snapshot(self, supplier: Company | None) -> tuple[bool, bool]:
        key = supplier.pk if supplier else None
        snapshot = self._snapshots.get(key)
        if snapshot is None:
            taken = supplier_snapshot(supplier)
            snapshot = self._snapshots[key] = (taken["supplier_is_local"], taken["supplier_was_verified"])
        return snapshot

    def _supplier(self, raw: str) -> tuple | None:
        """(registered supplier's id or None, identifier as stored, the registered name or None, is local, was
        verified) for an identifier that passes purchase_clean; None for one it refuses (the row then goes through
        it, for the message)."""
        if raw in self._suppliers:
            return self._suppliers[raw]
        code = normalised_identifier(raw)
        supplier = self.lookups.supplier(code) if len(code) == 18 else None
        if supplier is not None:
            found = None if supplier.pk == self.buyer.pk else (
                supplier.pk, supplier.uscc, supplier.name, *self._snapshot(supplier))
        else:
            try:
                identifier = validate_uscc(raw)
            except ValidationError as error:
                identifier = None if error.code == "checksum" else raw.upper()
            found = (None, identifier, None, False, False) if identifier and len(identifier) <= 40 else None
        self._suppliers[raw] = found
        return found

    def _date(self, text: str) -> date | None:
        if text in self._dates:
            return self._dates[text]
        try:
            day = parse_date(text)
        except ValidationError:
            day = None
        if day is not None and day > self.today:
            day = None
        self._dates[text] = day
        return day

    def _category(self, text: str) -> int | None:
        if text in self._categories:
            return self._categories[text]
        category = self.lookups.categories.get(category_key(text))
        self._categories[text] = found = category.pk if category is not None else None
        return found

    def quick(self, values: tuple) -> tuple | None:
        """The row's values of CHECKED_COLUMNS when it is in the common shape and passes; None: ask check()."""
        identifier, purchased, category, amount, invoice, name, product, description, quantity, unit = values
        try:
            line = identifier + purchased + category + amount + invoice + name + quantity + unit
            if has_control_characters(line + description) or "\n" in line or "\r" in line:
                return None
        except TypeError:  # a typed cell (a workbook's number or date): purchase_clean reads those
            return None
        if product.strip():
            return None
        raw = identifier.strip()
        supplier = self._suppliers.get(raw, _UNKNOWN)
        if supplier is _UNKNOWN:
            supplier = self._supplier(raw)
        if supplier is None:
            return None
        supplier_id, identifier, registered_name, is_local, was_verified = supplier
        if supplier_id is None:
            name = name.strip()
            if not name or len(name) > 200:
                return None
        else:
            name = registered_name
        day = self._date(purchased)
        if day is None:
            return None
        category_id = self._category(category)
        if category_id is None:
            return None
        if _PLAIN_AMOUNT.fullmatch(amount):
            amount = Decimal(amount).quantize(_CENT)
            if not amount:
                return None
        else:
            try:
                amount = parse_amount(amount)
            except ValidationError:
                return None
        if quantity.strip():
            try:
                quantity = parse_quantity(quantity)
            except ValidationError:
                return None
        else:
            quantity = None
        invoice, description, unit = invoice.strip(), description.strip(), unit.strip()
        if not invoice or len(invoice) > 60 or len(description) > 300 or len(unit) > 20:
            return None
        return (supplier_id, identifier, name, is_local, was_verified, day, day.year, category_id, None, description,
                quantity, unit, amount, invoice)

    def _full(self, values: tuple, undecodable) -> tuple[tuple | None, dict, str | None]:
        if undecodable:
            return None, {column: _(
                "This cell is not valid text in the file’s encoding (UTF-8 or GB18030): save the file as CSV UTF-8."
            ) for column in undecodable}, None
        row = dict(zip(COLUMNS, values, strict=True))
        product = record_id(str(row["product"]).strip())
        if product in self.products:
            row["product"] = self.products[product]
        fields, errors = purchase_clean(row, buyer=self.buyer, lookups=self.lookups)
        unregistered = None
        if fields.get("supplier_identifier") and fields.get("supplier") is None \
                and "supplier_identifier" not in errors:
            unregistered = fields["supplier_identifier"]
        if errors:
            return None, errors, unregistered
        supplier, product = fields.get("supplier"), fields.get("product")
        is_local, was_verified = self._snapshot(supplier)
        return (
            (supplier.pk if supplier else None, fields["supplier_identifier"], fields["supplier_name"], is_local,
             was_verified, fields["purchased_on"], fields["purchased_on"].year, fields["category"].pk,
             product.pk if product else None, fields.get("description", ""), fields.get("quantity"),
             fields.get("unit", ""), fields["amount"], fields["invoice_number"]),
            {},
            unregistered,
        )


class _Problems:
    """The file's problems in row order, at most `limit` of them kept (memory stays bounded), all of them counted."""

    def __init__(self, limit: int):
        self.limit = limit
        self.count = 0
        self._kept: list[dict] = []

    def __bool__(self):
        return self.count > 0

    def add(self, row: int, column: str, message, value) -> None:
        self.count += 1
        self._kept.append({"row": row, "column": column, "message": str(message), "value": _display(value)})
        if len(self._kept) >= 2 * self.limit:
            self._trim()

    def _trim(self) -> None:
        self._kept.sort(key=lambda error: (error["row"], COLUMNS.index(error["column"])))
        del self._kept[self.limit:]

    def report(self) -> list[dict]:
        self._trim()
        if self.count <= self.limit:
            return list(self._kept)
        more = self.count - self.limit
        return self._kept + [{
            "row": None, "column": "", "value": "", "omitted": more,
            "message": _("%(n)s more problems are not listed: fix the ones above and import the file again.")
            % {"n": f"{more:,}"},
        }]


class _Staging:
    """The file's checked rows, waiting in a temporary table of this connection until the last row is checked.

    A temporary table is the connection's own: nobody else sees it, nothing of it outlives the connection (a worker
    killed mid-file leaves nothing), and writing it takes no lock on the purchases (on SQLite, not even the
    database's write lock), so the web goes on recording purchases and the batch's progress is committed as the
    file is read. Once every row is staged, one GROUP BY finds an invoice repeated anywhere in the file, without
    keeping the file's keys in memory. Once every row passed, one INSERT ... SELECT moves them into the purchases
    table, in the transaction that counts them in the LCR cells. The purchases' unique index, which each row probes
    as it goes in anyway, finds the invoices recorded before (the INSERT is then made again with ON CONFLICT DO
    NOTHING, and one join tells whose they are), so a file of new purchases, the usual one, costs no lookup.
    """

    def __init__(self, batch: ImportBatch):
        self.name = f"purchase_import_{batch.pk}"
        self.quoted = connection.ops.quote_name(self.name)
        self.postgresql = connection.vendor == "postgresql"
        self.columns = ", ".join(connection.ops.quote_name(column) for column in CHECKED_COLUMNS)

    def create(self) -> None:
        purchases = connection.ops.quote_name(Purchase._meta.db_table)
        with connection.cursor() as cursor:
            self.drop()
            if self.postgresql:
                cursor.execute(f"CREATE TEMPORARY TABLE {self.quoted} AS SELECT 0 AS row_number, {self.columns} "
                               f"FROM {purchases} WITH NO DATA")
            else:
                cursor.execute(f"CREATE TEMPORARY TABLE {self.quoted} AS SELECT 0 AS row_number, {self.columns} "
                               f"FROM {purchases} WHERE 0")

    def drop(self) -> None:
        schema = "pg_temp" if self.postgresql else "temp"
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {schema}.{self.quoted}")
        except DatabaseError:
            # A transaction broken by an error already raised: that error is the one to see; the table goes with it
            # (PostgreSQL rolls its creation back) or with the connection.
            logger.warning("Could not drop the import's staging table %s", self.name, exc_info=True)

    def write(self, rows: list[tuple]) -> None:
        """Stage checked rows: (row number, *values of CHECKED_COLUMNS)."""
        if not rows:
            return
        with connection.cursor() as cursor:
            if self.postgresql:
                with cursor.cursor.copy(f"COPY {self.quoted} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            placeholders = ", ".join(["%s"] * (len(CHECKED_COLUMNS) + 1))
            # One transaction for the chunk (of the temporary table only: no lock on the database).
            with transaction.atomic():
                cursor.executemany(f"INSERT INTO {self.quoted} VALUES ({placeholders})", [
                    (*row[:6], row[6].isoformat(), *row[7:11], None if row[11] is None else str(row[11]), row[12],
                     str(row[13]), row[14])
                    for row in rows
                ])

    def repeated(self) -> Iterator[tuple[int, int, str]]:
        """(row, first row, invoice) for each staged row whose supplier and invoice an earlier staged row has (rows
        chunks apart: within a chunk the check finds them first)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.row_number, f.first_row, s.invoice_number FROM {self.quoted} s JOIN ("
                f"SELECT supplier_identifier, invoice_number, MIN(row_number) AS first_row FROM {self.quoted} "
                f"GROUP BY supplier_identifier, invoice_number HAVING COUNT(*) > 1) f "
                f"ON s.supplier_identifier = f.supplier_identifier AND s.invoice_number = f.invoice_number "
                f"WHERE s.row_number > f.first_row"
            )
            while rows := cursor.fetchmany(1000):
                yield from rows

    def save(self, *, batch: ImportBatch, recorded_by: User | None) -> int:
        """Move the staged rows into the purchases table, in index order, but those whose invoice is already
        recorded; the number saved. Must run in the import's transaction."""
        now = timezone.now()
        if not self.postgresql:
            now = connection.ops.adapt_datetimefield_value(now)
        table = connection.ops.quote_name(Purchase._meta.db_table)
        file_columns = ("buyer_id", "source", *FILE_COLUMNS)
        columns = ", ".join(connection.ops.quote_name(column) for column in file_columns)
        # "WHERE true": SQLite reads the ON CONFLICT of an INSERT ... SELECT only after a WHERE clause.
        insert = (f"INSERT INTO {table} ({columns}, {self.columns}) SELECT %s, %s, %s, %s, %s, %s, {self.columns} "
                  f"FROM {self.quoted} WHERE true ORDER BY supplier_identifier, invoice_number")
        values = [batch.buyer_id, Purchase.Source.IMPORT.value, batch.pk, recorded_by.pk if recorded_by else None,
                  now, now]
        with connection.cursor() as cursor, _page_cache(cursor):
            # Most files hold new invoices only: a plain INSERT, undone to its savepoint when one is recorded already.
            # (ON CONFLICT at once would cost PostgreSQL a speculative insertion per row, a third more.)
            try:
                with transaction.atomic():
                    cursor.execute(insert, values)
                    return cursor.rowcount
            except IntegrityError:
                pass
            cursor.execute(insert + " ON CONFLICT (supplier_identifier, invoice_number) DO NOTHING", values)
            return cursor.rowcount

    def not_saved(self, batch: ImportBatch) -> Iterator[tuple]:
        """(row, invoice, buyer id of the purchase recorded with it, supplier id, category id, year, is local, amount)
        for each staged row that save() left out: its invoice was recorded before. Run after save(), in its
        transaction."""
        purchases = connection.ops.quote_name(Purchase._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.row_number, s.invoice_number, p.buyer_id, s.supplier_id, s.category_id, s.purchased_year, "
                f"s.supplier_is_local, s.amount FROM {self.quoted} s JOIN {purchases} p "
                f"ON p.supplier_identifier = s.supplier_identifier AND p.invoice_number = s.invoice_number "
                f"WHERE p.import_batch_id IS NULL OR p.import_batch_id <> %s",
                [batch.pk],
            )
            while rows := cursor.fetchmany(1000):
                yield from rows


# SQLite's page cache while the new purchases go in, in KiB (its default is 2 MB). The rows land at a few thousand
# places of each index of a table of a million purchases (per supplier, date, category): with 2 MB those pages are
# read and written back again and again, and saving took longer than checking. Only for that one statement, then
# back to the default: a fixed bound, whatever the file's length.
SQLITE_SAVE_CACHE_KIB = 32 * 1024


@contextlib.contextmanager
def _page_cache(cursor):
    if connection.vendor != "sqlite":
        yield
        return
    cursor.execute("PRAGMA cache_size")
    (before,) = cursor.fetchone()
    cursor.execute(f"PRAGMA cache_size = -{int(SQLITE_SAVE_CACHE_KIB)}")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(before)}")


def run_import(batch: ImportBatch, file, *, recorded_by: User | None, progress=None) -> ImportBatch:
    """Check every row of the file and save all of them or none; the outcome and the report go on the batch.

    The file is read, checked and staged chunk by chunk (memory follows the chunk, not the file); once every row
    is checked, the new purchases go in at once, in one transaction with their LCR cells. Callers check who may
    import (purchase_import for users, the command for officials).
    """
    try:
        opened = open_purchase_file(file, batch.file_name)
    except ImportFileError as refused:
        return _finish(batch, status=ImportBatch.Status.FAILED, errors=[refused.as_report()])
    staging = _Staging(batch)
    try:
        staging.create()
        return _import_rows(batch, opened, staging, recorded_by=recorded_by, progress=progress)
    finally:
        opened.close()
        staging.drop()


class _Refused(Exception):
    """Invoices another buyer recorded, found as the file's purchases go in: the saving transaction is undone."""


def _import_rows(batch: ImportBatch, opened: PurchaseFile, staging: _Staging, *, recorded_by, progress):
    buyer = batch.buyer
    warnings = [{**warning, "level": "warning"} for warning in opened.warnings]
    batch.total_rows = opened.estimated_rows
    batch.processed_rows = 0
    batch.save(update_fields=["total_rows", "processed_rows"])

    checker = _RowChecker(buyer)
    quick = checker.quick
    problems = _Problems(MAX_STORED_ERRORS)
    # The staged rows counted in their cells as they are checked; rows whose invoice turns out to be recorded
    # already are taken out again when saving finds them.
    change = RollupChange()
    cells, supplier_cells = change.cells, change.supplier_cells
    # {identifier: [first row, rows] or None}: the valid USCCs of suppliers not registered here (None: not a USCC).
    unregistered: dict[str, list | None] = {}
    done = staged_rows = 0
    same_invoice = _("The same invoice of this supplier is already on row %(row)d.")
    try:
        for chunk in opened.chunks():
            checker.prepare(chunk)
            first_rows: dict[tuple[str, str], int] = {}
            staged = []
            for number, values, undecodable in chunk:
                # The common row in one call; the rest (and every row with a problem) through check().
                checked = None if undecodable else quick(values)
                if checked is not None:
                    row_errors = {}
                    if checked[0] is None:
                        _note_unregistered(unregistered, checked[1], number)
                else:
                    checked, row_errors, outside = checker.check(values, undecodable)
                    if outside:
                        _note_unregistered(unregistered, outside, number)
                if checked is not None:
                    key = (checked[_IDENTIFIER], checked[_INVOICE])
                    first = first_rows.get(key)
                    if first is None:
                        first_rows[key] = number
                        staged.append((number, *checked))
                        # RollupChange.count, inlined: this runs once per row of files of 100,000 rows.
                        fen = amount_in_fen(checked[_AMOUNT])
                        cell = cells[(buyer.pk, checked[_CATEGORY], checked[_YEAR], checked[_IS_LOCAL])]
                        cell[0] += fen
                        cell[1] += 1
                        if checked[_SUPPLIER] is not None:
                            cell = supplier_cells[
                                (checked[_SUPPLIER], checked[_CATEGORY], checked[_YEAR], checked[_IS_LOCAL])]
                            cell[0] += fen
                            cell[1] += 1
                    else:
                        problems.add(number, "invoice_number", same_invoice % {"row": first}, values[_FILE_INVOICE])
                if row_errors:
                    for column, message in row_errors.items():
                        problems.add(number, column, message, values[COLUMNS.index(column)])
            done += len(chunk)
            staging.write(staged)
            staged_rows += len(staged)
            _progress(batch, done, max(batch.total_rows, done), progress)
    except ImportFileError as refused:
        return _finish(batch, status=ImportBatch.Status.FAILED, errors=[refused.as_report()])
    for number, first, invoice in staging.repeated():
        problems.add(number, "invoice_number", same_invoice % {"row": first}, invoice)
    batch.total_rows = done
    _progress(batch, done, done, progress)
    warnings.extend(_unregistered_warnings(unregistered))
    if problems:
        return _finish(batch, status=ImportBatch.Status.FAILED, errors=problems.report() + warnings)

    try:
        with transaction.atomic():
            # Locked and checked before writing: a batch the sweep failed meanwhile, or finished by another run of a
            # retried job, is left as it is, so a file is never saved twice.
            if not ImportBatch.objects.select_for_update().filter(pk=batch.pk, status__in=ImportBatch.LIVE).exists():
                batch.refresh_from_db()
                return batch
            # No history row per imported purchase: the batch records who sent the file and when, and each purchase
            # its batch, its recorder and its time. A purchase's first history row is written when it is first
            # corrected or deleted (procurement.services), holding the values as imported.
            created = staging.save(batch=batch, recorded_by=recorded_by)
            duplicates = _already_recorded(staging, batch, change, problems) if created != staged_rows else 0
            if created + duplicates != staged_rows:
                raise RuntimeError(f"import {batch.pk}: {created} saved and {duplicates} recorded before, "
                                   f"of {staged_rows} staged")
            # The file's purchases counted in their cells at once, in the transaction that saved them.
            rollups_apply(change)
            return _finish(batch, status=ImportBatch.Status.DONE, errors=warnings, created=created,
                           duplicates=duplicates)
    except _Refused:
        return _finish(batch, status=ImportBatch.Status.FAILED, errors=problems.report() + warnings)


def _already_recorded(staging: _Staging, batch: ImportBatch, change: RollupChange, problems: _Problems) -> int:
    """The staged rows save() left out: this buyer's purchases already (skipped, taken out of the cells, counted)
    or another buyer's (an error each; _Refused once all are found)."""
    duplicates = 0
    for number, invoice, buyer_id, supplier_id, category_id, year, local, amount in staging.not_saved(batch):
        if buyer_id == batch.buyer_id:
            duplicates += 1
            # SQLite hands the staged amount back as a number: its shortest text is the amount as checked.
            fen = amount_in_fen(amount if isinstance(amount, Decimal) else Decimal(str(amount)))
            change.count(buyer_id=buyer_id, supplier_id=supplier_id, category_id=category_id, year=year, local=local,
                         fen=-fen, purchases=-1)
        else:
            # The invoice key is unique city-wide; another buyer's record of it is not this buyer's to see.
            problems.add(number, "invoice_number",
                         _("This supplier’s invoice is already recorded by another buyer."), invoice)
    if problems:
        raise _Refused
    return duplicates


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
