"""Files out: the directory's current result as CSV or Excel, built with pandas (and openpyxl for .xlsx).

pandas stays at this edge: rows come from `registry.selectors`, and money, where a report has any,
goes out as a plain decimal string in a column whose header says CNY (never a float, never "¥").
"""

import io
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

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
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# A cell starting with one of these is run as a formula by spreadsheet programs (and openpyxl writes a
# string starting with "=" as a formula): supplier-typed names must never execute when an anchor opens the file.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def money_cny(amount) -> str:
    """An amount for a file: "1234567.89", rounded half-up to the fen; the column header carries "CNY"."""
    if amount is None:
        return ""
    return str(Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _neutralise(value):
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def export_frame(rows: list[dict], columns) -> pd.DataFrame:
    """A DataFrame with the given columns, in order, headed by their (translated) labels."""
    frame = pd.DataFrame([{key: _neutralise(row.get(key, "")) for key, _label in columns} for row in rows],
                         columns=[key for key, _label in columns], dtype=object)
    frame.columns = [str(label) for _key, label in columns]
    return frame


def frame_to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark: without it Excel reads Chinese names as mojibake."""
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def frame_to_xlsx(frame: pd.DataFrame, sheet_name: str) -> bytes:
    """One sheet, header frozen, columns wide enough to read."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet_name)
        sheet = writer.sheets[sheet_name]
        sheet.freeze_panes = "A2"
        for index, column in enumerate(frame.columns, start=1):
            longest = max([len(str(column)), *(len(str(v)) for v in frame.iloc[:, index - 1])])
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(60, longest + 2)
    return buffer.getvalue()


def file_response(frame: pd.DataFrame, *, basename: str, file_format: str, sheet_name: str, today: date):
    """An attachment named `<basename>-<YYYY-MM-DD>.<format>`."""
    if file_format == "xlsx":
        content = frame_to_xlsx(frame, sheet_name)
    else:
        file_format = "csv"
        content = frame_to_csv(frame)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{basename}-{today.isoformat()}.{file_format}"'
    return response


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
