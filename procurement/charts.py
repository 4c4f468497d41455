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
# A phone draws its own, narrower chart: an SVG scales its text with its width, and 640 units on a 330 px screen
# would shrink 13 px labels to 7 px. At this width they stay at least 12 px (static/css/site.css shows one of two).
NARROW_WIDTH = 340
NARROW_BAR_ROW = 44


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


def line_chart(series: list[dict], lines: list[tuple[str, str]], width: int = WIDTH) -> dict:
    """Coordinates for a line per (key, css class) over the years of `series` (rows with "year"); the chart for a
    phone, drawn at NARROW_WIDTH, is under "narrow"."""
    count = max(len(series), 1)
    plot_width = width - LEFT - RIGHT
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
    chart = {
        "width": width, "height": LINE_HEIGHT, "left": LEFT, "right": width - RIGHT,
        "gridlines": _gridlines(LINE_HEIGHT),
        "years": [{"x": x, "label": row["year"]} for x, row in zip(xs, series, strict=True)],
        "label_y": LINE_HEIGHT - BOTTOM + 20,
        "lines": drawn,
    }
    if width == WIDTH:
        chart["narrow"] = line_chart(series, lines, NARROW_WIDTH)
    return chart


def bar_chart(rows: list[dict], narrow: bool = False) -> dict:
    """Horizontal bars of lcr_percent per row (rows with "label"); a row without a ratio gets no bar.

    Wide: the label left of its bar. Narrow (a phone's, under "narrow"): the label above its bar, full width.
    """
    width = NARROW_WIDTH if narrow else WIDTH
    row_height = NARROW_BAR_ROW if narrow else BAR_ROW
    bar_x = 0 if narrow else BAR_LABEL
    plot_width = width - bar_x - 64
    bars = []
    for index, row in enumerate(rows):
        value = row.get("lcr_percent")
        bar_width = round(plot_width * float(value) / 100, 1) if value is not None else 0
        top = index * row_height
        bar_y = top + (20 if narrow else 6)
        bars.append({
            "label": row["label"], "label_y": top + (14 if narrow else 22), "y": bar_y, "text_y": bar_y + 16,
            "width": bar_width, "value": value, "value_x": bar_x + bar_width + 6,
        })
    chart = {"width": width, "height": max(len(rows), 1) * row_height + 8,
             "label_x": 0 if narrow else BAR_LABEL - 8, "label_anchor": "start" if narrow else "end",
             "bar_x": bar_x, "bars": bars}
    if not narrow:
        chart["narrow"] = bar_chart(rows, narrow=True)
    return chart


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
