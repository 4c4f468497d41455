"""Reading the platform's .xlsx files in tests as a person sees them in a spreadsheet program."""

import io
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook


def displayed(cell) -> str | None:
    """A cell's text as shown: a number through its number format's decimal places, the rest as stored."""
    if cell.value is None:
        return None
    if cell.data_type == "n" and isinstance(cell.value, float | int) and "." in cell.number_format:
        places = len(cell.number_format.rsplit(".", 1)[1])
        return f"{cell.value:.{places}f}"
    return str(cell.value)


def displayed_sheets(source: bytes | Path | str) -> dict[str, pd.DataFrame]:
    """Every sheet, header first, each cell as displayed (so "750.00" means a number shown with two places)."""
    workbook = load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source)
    sheets = {}
    for sheet in workbook.worksheets:
        rows = [[displayed(cell) for cell in row] for row in sheet.iter_rows()]
        sheets[sheet.title] = pd.DataFrame(rows[1:], columns=rows[0])
    return sheets


def numeric_cells(source: bytes | Path | str, sheet: str, header: str) -> list:
    """The stored values of one column (under `header`), to check that they are numbers and not text."""
    workbook = load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source)
    rows = list(workbook[sheet].iter_rows())
    column = [cell.value for cell in rows[0]].index(header)
    return [row[column] for row in rows[1:]]
