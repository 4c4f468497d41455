"""The LCR report's tables as pandas DataFrames, and the .xlsx / .csv files made of them.

Used by the dashboard's export and by `manage.py lcr_report`, so both give the same numbers as the API.
pandas stays at this edge: amounts and percentages go out as Decimals rounded to two places, in columns whose
headers say CNY or %, never as floats: a CSV cell reads "1234567.89", an .xlsx cell is a number with its format.
"""

import pandas as pd
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from calculators.local_content import lcr_target_percent
from calculators.money import round_cny
from registry import spreadsheets
from registry.exports import export_frame, frame_to_csv

from .selectors import LcrSlice, lcr_by, lcr_figures, lcr_trend

_FIGURE_COLUMNS = [
    ("local_amount", _("Local purchases (CNY)")),
    ("total_amount", _("All purchases (CNY)")),
    ("purchase_count", _("Purchases")),
    ("lcr_percent", _("LCR (%)")),
]
TREND_COLUMNS = [("year", _("Year")), *_FIGURE_COLUMNS, ("target_percent", _("Target (%)"))]
CATEGORY_COLUMNS = [("slug", _("Category code")), ("label", _("Category")), *_FIGURE_COLUMNS]
DISTRICT_COLUMNS = [("code", _("Division code")), ("label", _("District (of the buyer)")), *_FIGURE_COLUMNS]
ANCHOR_COLUMNS = [("uscc", _("USCC")), ("label", _("Anchor firm")), *_FIGURE_COLUMNS]
CITY_COLUMNS = [("year", _("Year")), *_FIGURE_COLUMNS, ("target_percent", _("Target (%)"))]


def _for_file(row: dict) -> dict:
    out = dict(row)
    for key in ("local_amount", "total_amount", "lcr_percent", "target_percent"):
        if key in out:
            out[key] = round_cny(out[key]) if out[key] is not None else None
    return out


def _frame(rows, columns) -> pd.DataFrame:
    return export_frame([_for_file(row) for row in rows], columns)


def trend_frame(trend: dict) -> pd.DataFrame:
    """The yearly series beside the target path."""
    return _frame(trend["series"], TREND_COLUMNS)


def category_frame(year: int | None, buyer=None) -> pd.DataFrame:
    """LCR per top-level category (each with the categories below it)."""
    return _frame(lcr_by("category", LcrSlice(year=year, buyer=buyer)), CATEGORY_COLUMNS)


def district_frame(year: int | None) -> pd.DataFrame:
    """LCR per district of the buying firm."""
    return _frame(lcr_by("district", LcrSlice(year=year)), DISTRICT_COLUMNS)


def anchor_frame(year: int | None) -> pd.DataFrame:
    """LCR per anchor firm with purchases in the year, highest first (officials only)."""
    return _frame(lcr_by("buyer", LcrSlice(year=year)), ANCHOR_COLUMNS)


def city_frame(year: int) -> pd.DataFrame:
    """The city's figures for the year, with the target."""
    row = {**lcr_figures(LcrSlice(year=year)), "year": year,
           "target_percent": lcr_target_percent(year, settings.LCR_BASELINE_YEAR)}
    return _frame([row], CITY_COLUMNS)


def _sheet(name) -> str:
    # Excel refuses sheet names longer than 31 characters or containing []:*?/\
    return "".join(ch for ch in str(name) if ch not in "[]:*?/\\")[:31]


def dashboard_frames(year: int, *, buyer=None, include_anchors=False) -> dict[str, pd.DataFrame]:
    """The dashboard's tables, one per sheet: the per-anchor table only when asked (officials)."""
    frames = {
        _sheet(_("City LCR by year")): trend_frame(lcr_trend()),
        _sheet(_("By category")): category_frame(year),
        _sheet(_("By district")): district_frame(year),
    }
    if buyer is not None:
        frames[_sheet(_("Your LCR by year"))] = trend_frame(lcr_trend(buyer))
        frames[_sheet(_("Your LCR by category"))] = category_frame(year, buyer=buyer)
    if include_anchors:
        frames[_sheet(_("By anchor firm"))] = anchor_frame(year)
    return frames


def report_frames(year: int) -> dict[str, pd.DataFrame]:
    """The yearly LCR report: the city, by category, by district (of the buyer), by anchor firm."""
    return {
        _sheet(_("City")): city_frame(year),
        _sheet(_("By category")): category_frame(year),
        _sheet(_("By district")): district_frame(year),
        _sheet(_("By anchor firm")): anchor_frame(year),
    }


def frames_to_xlsx(frames: dict[str, pd.DataFrame]) -> bytes:
    """One sheet per table, header frozen, columns wide enough to read (registry.spreadsheets writes it)."""
    return spreadsheets.xlsx_bytes({name: spreadsheets.frame_rows(frame) for name, frame in frames.items()})


def frames_to_csv(frames: dict[str, pd.DataFrame]) -> bytes:
    """All tables in one CSV, one after another, each row naming its table in the first column."""
    table = str(_("Table"))
    parts = [frame.assign(**{table: name})[[table, *frame.columns]] for name, frame in frames.items()]
    combined = pd.concat(parts, ignore_index=True, sort=False).fillna("")
    return frame_to_csv(combined)
