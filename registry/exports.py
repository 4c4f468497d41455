"""Files out: the directory's current result as CSV or Excel, and the frames other reports write with pandas.

The directory's exports are streamed through the one writer (registry.spreadsheets: csv_stream, xlsx_stream):
the whole directory at city scale is tens of thousands of product rows, and building it before the first
byte took seconds. Other reports use pandas at this edge; money, where a report has any, goes out as a plain
decimal string in a column whose header says CNY (never a float, never "¥").
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import chain

import pandas as pd
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import spreadsheets
from .figures import FIGURES
from .permissions import is_official
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


CONTACT_COLUMNS = [
    ("contact_name", _("Contact person")),
    ("contact_phone", _("Contact phone")),
    ("contact_email", _("Contact email")),
    ("address", _("Address")),
]
PRODUCT_COLUMNS = [
    ("product", _("Product")),
    ("product_category", _("Product category")),
    ("stage", _("Production stage")),
    ("application", _("Application")),
    ("annual_capacity", _("Annual capacity")),
    ("capacity_unit", _("Capacity unit")),
    ("made_in_city", _("Made in the city")),
    ("meets_target", _("Meets city target")),
]
MATCH_COLUMN = ("matches_filters", _("Meets the product filters"))
# One column per figure, its unit in the header and the number alone in the cell (a number, not text).
FIGURE_COLUMNS = [
    (f"figure_{key}", format_lazy("{label} ({unit})", label=figure.label, unit=figure.unit))
    for key, figure in FIGURES.items()
]


def can_export_contacts(user) -> bool:
    """Contacts go into the directory's files for anchor firms and officials, the buyers who call suppliers.

    (A company's own users see its contacts on its page: registry.permissions.can_see_contacts.)
    """
    return bool(user and user.is_authenticated and (is_official(user) or user.is_anchor_user))


def directory_export_columns(*, contacts: bool = False, matching: bool = False) -> list:
    """The directory export's columns: the company's, its contacts (when allowed), then the product's."""
    columns = list(DIRECTORY_COLUMNS)
    if contacts:
        columns += CONTACT_COLUMNS
    columns += PRODUCT_COLUMNS
    if matching:
        columns.append(MATCH_COLUMN)
    return columns + FIGURE_COLUMNS


def directory_export_frame(queryset, today=None, *, contacts=False, matching=None) -> pd.DataFrame:
    """The directory export as a DataFrame (for scripts and tests; the pages stream it instead)."""
    columns = directory_export_columns(contacts=contacts, matching=matching is not None)
    return export_frame(list(directory_export_rows(queryset, today, contacts=contacts, matching=matching)), columns)


def directory_export_response(queryset, file_format: str, today: date, *, contacts=False, matching=None):
    """The directory export of a (filtered) company queryset as a streamed CSV or .xlsx download.

    One row per product, the company's columns repeated; `contacts` adds the contact columns (see
    can_export_contacts); `matching`, the product filters in use as a Q over Product, adds whether each
    product meets them.
    """
    columns = directory_export_columns(contacts=contacts, matching=matching is not None)
    keys = [key for key, _label in columns]
    header = [str(label) for _key, label in columns]
    # The header row is written before the first query runs: the download starts at once.
    rows = chain(
        [header],
        ([row.get(key, "") for key in keys]
         for row in directory_export_rows(queryset, today, contacts=contacts, matching=matching)),
    )
    filename = f"supplier-directory-{today.isoformat()}.{file_format}"
    if file_format == "xlsx":
        # Widths before the rows (the XML wants them first): the header's, within reason.
        widths = [max(12, min(40, len(title))) for title in header]
        chunks = spreadsheets.xlsx_stream(str(_("Directory")), rows, widths=widths)
    else:
        chunks = spreadsheets.csv_stream(rows)
    return spreadsheets.streaming_attachment(chunks, content_type=CONTENT_TYPES[file_format], filename=filename)
