"""The scoreboard's small trend charts: coordinates only, the template draws them (server-side SVG, no script).

One chart per figure with a trend: a bar per year for the measured value and, where the target moves by year (the
LCR path), the target as a dashed line over the bars. The axis runs from zero to a round number above the highest
value or target (100 for a percentage); every number is in the table beside the chart, and the text alternative
says the first and last year. The drawing is WIDTH units wide and shown at most that many pixels wide, so its
13-unit labels stay at least 12 px on a 360 px phone (the chart is never drawn narrower than 290 px there).
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from .formatting import display_value

WIDTH = 300
HEIGHT = 150
LEFT, RIGHT, TOP, BOTTOM = 8, 8, 22, 24


def _axis_top(values: list[Decimal], unit: str) -> Decimal:
    """A round number at or above the largest value: 1, 2 or 5 times a power of ten (100 for a percentage)."""
    largest = max(values, default=Decimal("0"))
    if unit == "%" and largest <= 100:
        return Decimal("100")
    if largest <= 0:
        return Decimal("1")
    power = Decimal(10) ** (largest.adjusted())
    for step in (1, 2, 5, 10):
        if largest <= power * step:
            return power * step
    return power * 10


def trend_chart(figure) -> dict | None:
    """Coordinates of a figure's trend (None when it has none)."""
    if not figure.trend:
        return None
    targets = dict(figure.trend_target)
    values = [Decimal(v) for _year, v in figure.trend if v is not None]
    values += [Decimal(v) for v in targets.values() if v is not None]
    top = _axis_top(values, figure.unit)
    plot_height = HEIGHT - TOP - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT
    count = len(figure.trend)
    step = plot_width / count
    bar_width = round(min(step * 0.6, 48), 1)
    # With many years, every other label: four digits at 13 px need about 32 units.
    label_every = 1 if step >= 34 else 2

    def y(value) -> float:
        return round(TOP + plot_height * (1 - float(Decimal(value) / top)), 1)

    bars, target_points = [], []
    for index, (year, value) in enumerate(figure.trend):
        centre = round(LEFT + step * (index + 0.5), 1)
        bar = {"year": year, "x": round(centre - bar_width / 2, 1), "centre": centre, "width": bar_width,
               "label": (index % label_every == 0 or index == count - 1), "value": value}
        if value is not None:
            bar["y"] = y(value)
            bar["height"] = round(HEIGHT - BOTTOM - bar["y"], 1)
        bars.append(bar)
        target = targets.get(year)
        if target is not None:
            target_points.append((centre, y(target)))
    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "base_y": HEIGHT - BOTTOM,
        "top_y": TOP, "top_label": display_value(top, figure.unit), "label_y": HEIGHT - 6,
        "bars": bars,
        "target_path": " ".join(f"{x},{y}" for x, y in target_points),
        "target_dots": [{"x": x, "y": y} for x, y in target_points],
    }


def trend_summary(figure) -> str:
    """The text alternative: the first and the last year with a value, and the last year's target where it moves."""
    known = [(year, value) for year, value in figure.trend if value is not None]
    if not known:
        return _("%(label)s: no data yet for any year.") % {"label": figure.label}
    (first_year, first), (last_year, last) = known[0], known[-1]
    key = figure.extra.get("figure", "")
    if first_year == last_year:
        text = _("%(label)s: %(last)s in %(last_year)s.") % {
            "label": figure.label, "last": display_value(last, figure.unit, key), "last_year": last_year}
    else:
        text = _("%(label)s: %(first)s in %(first_year)s, %(last)s in %(last_year)s.") % {
            "label": figure.label, "first": display_value(first, figure.unit, key), "first_year": first_year,
            "last": display_value(last, figure.unit, key), "last_year": last_year,
        }
    target = dict(figure.trend_target).get(last_year)
    if target is not None:
        text += " " + _("The target for %(year)s is %(target)s.") % {
            "year": last_year, "target": display_value(target, figure.unit, key)}
    return text
