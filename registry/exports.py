"""Files out: the directory's current result as CSV or Excel, built with pandas (and openpyxl for .xlsx).

pandas stays at this edge: rows come from `registry.selectors`, and money, where a report has any,
goes out as a plain decimal string in a column whose header says CNY (never a float, never "¥").
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from django.utils.translation import gettext_lazy as _

from . import spreadsheets
from .selectors import directory_export_rows

# (row key, column header): the order of the columns in both file formats.
DIRECTORY_COLUMNS = [
    ("uscc", _("USCC")),
    ("name", _("Name")),
    ("name_en", _("English name")),
    ("district", _("District")),
    ("local", _("Local")),
    ("size_class", _("Size class")),
    ("anchor", _("Anchor firm")),
    ("categories", _("Categories")),
    ("products", _("Products")),
    ("products_meeting_target", _("Products meeting city target")),
    ("valid_certificates", _("Valid certificates")),
    ("website", _("Website")),
    ("verified_until", _("Verified until")),
]

CONTENT_TYPES = {
    "csv": spreadsheets.CSV_CONTENT_TYPE,
    "xlsx": spreadsheets.XLSX_CONTENT_TYPE,
}


def money_cny(amount) -> str:
    """An amount for a file: "1234567.89", rounded half-up to the fen; the column header carries "CNY"."""
    if amount is None:
        return ""
    return str(Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def export_frame(rows: list[dict], columns) -> pd.DataFrame:
    """A DataFrame with the given columns, in order, headed by their (translated) labels.

    Cells are neutralised against formulas when written (registry.spreadsheets), not here.
    """
    frame = pd.DataFrame([{key: row.get(key, "") for key, _label in columns} for row in rows],
                         columns=[key for key, _label in columns], dtype=object)
    frame.columns = [str(label) for _key, label in columns]
    return frame


def frame_to_csv(frame: pd.DataFrame) -> bytes:
    """The frame as CSV through the one writer (UTF-8 with a byte-order mark, formulas neutralised)."""
    return spreadsheets.csv_bytes(spreadsheets.frame_rows(frame))


def frame_to_xlsx(frame: pd.DataFrame, sheet_name: str) -> bytes:
    """One sheet, header frozen, columns wide enough to read, through the one writer."""
    return spreadsheets.xlsx_bytes({sheet_name: spreadsheets.frame_rows(frame)})


def file_response(frame: pd.DataFrame, *, basename: str, file_format: str, sheet_name: str, today: date):
    """An attachment named `<basename>-<YYYY-MM-DD>.<format>`."""
    rows = spreadsheets.frame_rows(frame)
    filename = f"{basename}-{today.isoformat()}"
    if file_format == "xlsx":
        return spreadsheets.xlsx_response({sheet_name: rows}, filename=f"{filename}.xlsx")
    return spreadsheets.csv_response(rows, filename=f"{filename}.csv")


def directory_export_frame(queryset, today=None) -> pd.DataFrame:
    """The directory columns for every company of the queryset."""
    return export_frame(directory_export_rows(queryset, today), DIRECTORY_COLUMNS)


def directory_export_response(queryset, file_format: str, today: date):
    """The directory export of a (filtered) company queryset as a CSV or .xlsx download."""
    return file_response(
        directory_export_frame(queryset, today),
        basename="supplier-directory",
        file_format=file_format,
        sheet_name=str(_("Directory"))[:31],
        today=today,
    )
