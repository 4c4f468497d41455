"""Geometry of a project's measurement charts: one figure over the measurement dates against its target line.

Drawn on the server like the dashboard's (procurement.charts: the same sizes, the same SVG template), but on the
figure's own scale (cycles, %, °C) instead of 0–100 %, since each chart holds one figure; the target is a
dashed line across. The numbers are in the table beside it.
"""

import math
from decimal import Decimal

from django.utils.translation import gettext as _

from procurement.charts import BOTTOM, LEFT, LINE_HEIGHT, NARROW_WIDTH, RIGHT, TOP, WIDTH, _segments
from registry.figures import format_number

GRIDLINES = 4
# At most this many date labels under a chart: more would overlap (every other on a phone).
MAX_LABELS = {WIDTH: 6, NARROW_WIDTH: 4}


def _nice_step(span: float) -> float:
    """A step of 1, 2 or 5 × 10^n giving about GRIDLINES intervals over the span: gridlines at round numbers."""
    raw = span / GRIDLINES
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


def _scale(values: list[Decimal], threshold: Decimal) -> tuple[float, float]:
    low = float(min([*values, threshold]))
    high = float(max([*values, threshold]))
    if high == low:
        high, low = high + 1, low - 1
    step = _nice_step(high - low)
    return math.floor(low / step) * step, math.ceil(high / step) * step


def figure_chart(points: list[tuple], threshold: Decimal, unit: str, width: int = WIDTH) -> dict:
    """Coordinates for (date, value) points, oldest first, and the target's line; the phone's under "narrow"."""
    values = [value for _day, value in points]
    low, high = _scale(values, threshold) if values else (0.0, 1.0)
    plot = LINE_HEIGHT - TOP - BOTTOM

    def y(value) -> float:
        return round(TOP + plot * (1 - (float(value) - low) / (high - low)), 1)

    count = max(len(points), 1)
    step = (width - LEFT - RIGHT) / count
    xs = [round(LEFT + step * (i + 0.5), 1) for i in range(len(points))]
    every = max(1, -(-len(points) // MAX_LABELS[width]))
    step = _nice_step(high - low) if values else (high - low) / GRIDLINES
    levels = [low + step * i for i in range(round((high - low) / step) + 1)]
    gridlines = [{"y": y(level), "label": format_number(round(level, 6))} for level in levels]
    measured = [(x, y(value)) for x, (_day, value) in zip(xs, points, strict=True)]
    target_y = y(threshold)
    chart = {
        "width": width, "height": LINE_HEIGHT, "left": LEFT, "right": width - RIGHT,
        "gridlines": gridlines,
        "years": [
            {"x": x, "label": day.strftime("%Y-%m") if width == WIDTH else day.strftime("%m/%y")}
            for index, (x, (day, _value)) in enumerate(zip(xs, points, strict=True)) if index % every == 0
        ],
        "label_y": LINE_HEIGHT - BOTTOM + 20,
        "lines": [
            {"css": "line-target", "paths": [f"{LEFT},{target_y} {width - RIGHT},{target_y}"], "dots": []},
            {"css": "line-actual", "paths": _segments(measured),
             "dots": [{"x": x, "y": dot_y, "value": value}
                      for (x, dot_y), (_day, value) in zip(measured, points, strict=True)]},
        ],
    }
    if width == WIDTH:
        chart["narrow"] = figure_chart(points, threshold, unit, NARROW_WIDTH)
    return chart


def figure_summary(label: str, points: list[tuple], target_text: str, display) -> str:
    """The text alternative: the first and latest measurement and the target."""
    if not points:
        return _("%(figure)s: no measurement recorded yet.") % {"figure": label}
    (first_day, first), (last_day, last) = points[0], points[-1]
    return _("%(figure)s: %(first)s on %(first_day)s, %(last)s on %(last_day)s; the target is %(target)s.") % {
        "figure": label, "first": display(first), "first_day": first_day.isoformat(),
        "last": display(last), "last_day": last_day.isoformat(), "target": target_text,
    }
