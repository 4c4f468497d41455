"""Geometry of the dashboard's server-rendered SVG charts: coordinates only, the template draws them.

Charts are drawn on the server (no JavaScript library, no CDN); percentages run on a fixed 0–100 axis so
two charts can be compared by eye. Every chart also has its numbers in a table beside it (the template).
"""

from decimal import Decimal

from django.utils.translation import gettext as _

WIDTH = 640
LINE_HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 36
BAR_ROW = 32
BAR_LABEL = 220


def _y(value, height) -> float:
    plot = height - TOP - BOTTOM
    return round(TOP + plot * (1 - float(value) / 100), 1)


def _gridlines(height):
    return [{"y": _y(v, height), "label": f"{v} %"} for v in (0, 25, 50, 75, 100)]


def _segments(points):
    # A year without purchases has no ratio: the line breaks there instead of dropping to zero.
    segments, current = [], []
    for point in points:
        if point is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(point)
    if current:
        segments.append(current)
    return [" ".join(f"{x},{y}" for x, y in segment) for segment in segments]


def line_chart(series: list[dict], lines: list[tuple[str, str]]) -> dict:
    """Coordinates for a line per (key, css class) over the years of `series` (rows with "year")."""
    count = max(len(series), 1)
    plot_width = WIDTH - LEFT - RIGHT
    step = plot_width / count
    xs = [round(LEFT + step * (i + 0.5), 1) for i in range(len(series))]
    drawn = []
    for key, css in lines:
        points = [
            (x, _y(row[key], LINE_HEIGHT)) if row.get(key) is not None else None
            for x, row in zip(xs, series, strict=True)
        ]
        drawn.append({
            "css": css,
            "paths": _segments(points),
            "dots": [{"x": p[0], "y": p[1], "value": row[key]} for p, row in zip(points, series, strict=True) if p],
        })
    return {
        "width": WIDTH, "height": LINE_HEIGHT, "left": LEFT, "right": WIDTH - RIGHT,
        "gridlines": _gridlines(LINE_HEIGHT),
        "years": [{"x": x, "label": row["year"]} for x, row in zip(xs, series, strict=True)],
        "label_y": LINE_HEIGHT - BOTTOM + 20,
        "lines": drawn,
    }


def bar_chart(rows: list[dict]) -> dict:
    """Horizontal bars of lcr_percent per row (rows with "label"); a row without a ratio gets no bar."""
    plot_width = WIDTH - BAR_LABEL - 64
    bars = []
    for index, row in enumerate(rows):
        value = row.get("lcr_percent")
        width = round(plot_width * float(value) / 100, 1) if value is not None else 0
        bars.append({
            "label": row["label"], "y": index * BAR_ROW + 6, "text_y": index * BAR_ROW + 22,
            "width": width, "value": value, "value_x": BAR_LABEL + width + 6,
        })
    return {"width": WIDTH, "height": max(len(rows), 1) * BAR_ROW + 8, "label_x": BAR_LABEL - 8,
            "bar_x": BAR_LABEL, "bars": bars}


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value} %"


def trend_summary(series: list[dict], who: str) -> str:
    """A sentence for the text alternative: the first and last year with a ratio, and the latest target."""
    known = [row for row in series if row.get("lcr_percent") is not None]
    if not known:
        return _("%(who)s: no purchases recorded yet, so no ratio to draw.") % {"who": who}
    first, last = known[0], known[-1]
    target = last.get("target_percent")
    return _(
        "%(who)s: local content ratio %(first)s in %(first_year)s and %(last)s in %(last_year)s; "
        "the target for %(last_year)s is %(target)s."
    ) % {"who": who, "first": _pct(first["lcr_percent"]), "first_year": first["year"],
         "last": _pct(last["lcr_percent"]), "last_year": last["year"], "target": _pct(target)}


def bars_summary(rows: list[dict]) -> str:
    """A sentence for the text alternative: the highest and lowest ratio among the rows that have one."""
    known = [row for row in rows if row.get("lcr_percent") is not None]
    if not known:
        return _("No purchases recorded for this selection.")
    high = max(known, key=lambda row: row["lcr_percent"])
    low = min(known, key=lambda row: row["lcr_percent"])
    return _("Highest: %(high)s at %(high_value)s; lowest: %(low)s at %(low_value)s.") % {
        "high": high["label"], "high_value": _pct(high["lcr_percent"]),
        "low": low["label"], "low_value": _pct(low["lcr_percent"]),
    }
