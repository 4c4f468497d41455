"""The scoreboard as a workbook (.xlsx: the figures, and their trends by year) or a CSV (the figures), through the
platform's one spreadsheet writer (registry.spreadsheets): numbers stay numbers, each Decimal with a number format
showing its places; no text a person typed runs as a formula."""

from django.utils.translation import gettext as _

from .scoreboard import GROUPS, Status


def _headers() -> list[str]:
    return [_("Section"), _("Key"), _("Target"), _("Measured value"), _("Unit"), _("Target value"),
            _("Target in the policy’s words"), _("Status"), _("Detail"), _("Records")]


def figure_rows(figures, base_url: str = "") -> list[list]:
    """The header, then one row per figure."""
    rows = [_headers()]
    for figure in figures:
        status = figure.resolved_status
        rows.append([
            str(GROUPS.get(figure.group, figure.group)), figure.key, str(figure.label), figure.value,
            str(figure.unit), figure.target, str(figure.target_text), str(Status.LABELS.get(status, status)),
            str(figure.detail), (base_url + figure.url) if figure.url.startswith("/") else figure.url,
        ])
    return rows


def trend_rows(figures) -> list[list]:
    """The header, then one row per figure and year of its trend."""
    rows = [[_("Key"), _("Target"), _("Year"), _("Measured value"), _("Unit"), _("Target for the year")]]
    for figure in figures:
        targets = dict(figure.trend_target)
        for year, value in figure.trend:
            rows.append([figure.key, str(figure.label), year, value, str(figure.unit), targets.get(year)])
    return rows


def scoreboard_sheets(figures, base_url: str = "") -> dict[str, list[list]]:
    """The workbook's sheets: the figures, then their trends by year."""
    return {_("Targets"): figure_rows(figures, base_url), _("By year"): trend_rows(figures)}
