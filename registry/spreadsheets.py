"""Every CSV and .xlsx file the platform writes goes through here, so that no cell a person typed runs as a formula.

A spreadsheet program runs a cell that starts with "=", "+", "-" or "@" as a formula (and some start one after a
tab or a carriage return): a supplier named `=HYPERLINK("http://x","y")` would put a live link, or worse, into
the file an anchor firm or an official opens (CSV injection). Text cells starting so get an apostrophe in front,
the usual neutralisation; .xlsx cells are moreover typed as text, which openpyxl would otherwise write as a
formula. Numbers stay numbers: an int, Decimal or float is written as a number (a Decimal with a number format
showing its places), and a text that is only a number ("-2.50") is left as it is, since a lone number is not a
formula.
"""

import csv
import io
import math
import numbers
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")
# What an .xlsx file cannot hold at all (openpyxl raises IllegalCharacterError): C0 controls but tab/newlines.
_ILLEGAL_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_CELL_MAX = 32767  # Excel's limit on the characters of one cell
_WIDTH_MAX = 60

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """The value as a file may hold it: numbers and dates as they are, text neutralised if it could be a formula."""
    if value.__class__ is str:  # most cells: decided without the checks below
        if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(value):
            return "'" + value
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    if isinstance(value, numbers.Number | date | datetime):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    """UTF-8 with a byte-order mark (without it Excel reads Chinese names as mojibake), lines ending CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(rows: Iterable[Iterable], *, filename: str) -> HttpResponse:
    """A CSV download of the rows (the first one usually the header)."""
    return _attachment(csv_bytes(rows), CSV_CONTENT_TYPE, filename)


def sheet_name(name) -> str:
    """Excel refuses sheet names longer than 31 characters or containing []:*?/\\."""
    return "".join(ch for ch in str(name) if ch not in "[]:*?/\\")[:31] or "Sheet"


def decimal_format(value: Decimal) -> str:
    """The number format that shows a Decimal as stored: its places, thousands grouped ("#,##0.00" for money)."""
    places = max(0, -value.as_tuple().exponent) if value.is_finite() else 0
    return "#,##0." + "0" * places if places else "#,##0"


def xlsx_bytes(sheets: Mapping[str, Iterable[Iterable]]) -> bytes:
    """A workbook with one sheet per entry (name: rows, the first row the header, frozen), columns sized to read."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(sheet_name(name))
        widths: dict[int, int] = {}
        for row_number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                value = safe_cell(value)
                if isinstance(value, str):
                    value = _ILLEGAL_IN_XLSX.sub("\ufffd", value)[:_XLSX_CELL_MAX]
                cell = sheet.cell(row=row_number, column=column, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text, never a formula, whatever it starts with
                elif isinstance(value, Decimal):
                    cell.number_format = decimal_format(value)
                widths[column] = max(widths.get(column, 0), len(str(value)))
        sheet.freeze_panes = "A2"
        for column, width in widths.items():
            sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = min(_WIDTH_MAX, width + 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(sheets: Mapping[str, Iterable[Iterable]], *, filename: str) -> HttpResponse:
    """An .xlsx download with one sheet per entry."""
    return _attachment(xlsx_bytes(sheets), XLSX_CONTENT_TYPE, filename)


def frame_rows(frame) -> list[list]:
    """A pandas DataFrame as rows for the writers above: its header, then its values (NaN as an empty cell)."""
    import pandas as pd

    rows = [[str(column) for column in frame.columns]]
    for record in frame.itertuples(index=False, name=None):
        rows.append(["" if pd.api.types.is_scalar(value) and pd.isna(value) else value for value in record])
    return rows


# --- streamed files: the first bytes leave before the last row is read (the directory's full exports)

def csv_stream(rows: Iterable[Iterable], *, batch: int = 500) -> Iterator[bytes]:
    """csv_bytes() as a stream of chunks: the byte-order mark and the first rows at once, then `batch` rows a chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    for count, row in enumerate(rows):
        writer.writerow([safe_cell(value) for value in row])
        if count % batch == 0:  # the header goes out alone, at once
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


class _Drain:
    """A write-only file for zipfile: it keeps what is written until drained (zipfile then writes data descriptors)."""

    def __init__(self):
        self._chunks: list[bytes] = []

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def drain(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
        f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL_NS}/styles" Target="styles.xml"/></Relationships>'
    ),
    # Style 1: a date (built-in number format 14), so dates are dates, not text.
    "xl/styles.xml": (
        f'<styleSheet xmlns="{_MAIN_NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
        '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ),
}
_EXCEL_EPOCH = date(1899, 12, 30)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _xml_text(text: str) -> str:
    text = _ILLEGAL_IN_XLSX.sub("\ufffd", text)[:_XLSX_CELL_MAX]
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xlsx_cell(ref: str, value) -> str:
    value = safe_cell(value)
    if value == "":
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f'<c r="{ref}" s="1"><v>{(value - _EXCEL_EPOCH).days}</v></c>'
    if isinstance(value, numbers.Number):
        number = format(value, "f") if not isinstance(value, int | float) else repr(value)
        return f'<c r="{ref}"><v>{number}</v></c>'
    # Inline text, never a formula, whatever it starts with (safe_cell has neutralised it for other programs).
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_xml_text(value)}</t></is></c>'


def xlsx_stream(name, rows: Iterable[Iterable], *, widths: Iterable[int] = (), batch: int = 500) -> Iterator[bytes]:
    """One sheet as an .xlsx file, streamed: the first row is the header (frozen); same cells as xlsx_bytes().

    openpyxl builds the whole workbook before writing its first byte; this writes the sheet's XML into the
    zip as rows come (zipfile on an unseekable file, with data descriptors), so a download of tens of
    thousands of rows starts at once and holds only `batch` rows in memory. Column widths must come before
    the rows in the XML, so they are given (in characters), not measured.
    """
    sink = _Drain()
    archive = zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED)
    stamp = datetime.now().timetuple()[:6]

    def entry(part):
        info = zipfile.ZipInfo(part, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    for part, xml in _XLSX_PARTS.items():
        archive.writestr(entry(part), _XML_HEAD + xml)
    workbook = (
        f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheets>'
        f'<sheet name="{_xml_text(sheet_name(name))}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    archive.writestr(entry("xl/workbook.xml"), _XML_HEAD + workbook)
    yield sink.drain()  # the workbook's small parts: the download starts here
    with archive.open(entry("xl/worksheets/sheet1.xml"), mode="w") as sheet:
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{min(_WIDTH_MAX, max(8, int(width)) + 2)}" customWidth="1"/>'
            for i, width in enumerate(widths, start=1)
        )
        sheet.write((
            f'{_XML_HEAD}<worksheet xmlns="{_MAIN_NS}"><sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>"
        ).encode())
        letters: list[str] = []
        parts: list[str] = []
        for number, row in enumerate(rows, start=1):
            cells = []
            for index, value in enumerate(row):
                while index >= len(letters):
                    letters.append(_column_letter(len(letters)))
                cells.append(_xlsx_cell(f"{letters[index]}{number}", value))
            parts.append(f'<row r="{number}">{"".join(cells)}</row>')
            if len(parts) >= batch:
                sheet.write("".join(parts).encode())
                parts.clear()
                if data := sink.drain():  # the compressor hands out its output in blocks
                    yield data
        sheet.write(("".join(parts) + "</sheetData></worksheet>").encode())
    archive.close()
    yield sink.drain()


def streaming_attachment(chunks: Iterator[bytes], *, content_type: str, filename: str) -> StreamingHttpResponse:
    """A download sent as it is made (no Content-Length: the end of the body says where the file ends)."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
