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
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse

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
