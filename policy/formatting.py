"""How a scoreboard figure's number reads on screen (UI.md): the platform's own formats, chosen by the unit.

Percentages with two decimals, money as ¥ (compact for large amounts, in the page's language), a product figure
through registry.figures (1.2 × 10⁻² S/cm), counts and other quantities plainly with their unit. Files and the
API carry the exact number instead.
"""

from decimal import Decimal

from registry.figures import FIGURES
from registry.templatetags.platform_format import cny_compact, percent2, quantity

NO_VALUE = "—"


def display_value(value, unit: str = "", figure_key: str = "") -> str:
    """The value with its unit as people read it; a dash for None (no data yet)."""
    if value is None:
        return NO_VALUE
    if figure_key in FIGURES:
        return FIGURES[figure_key].display(value)
    if unit == "%":
        return percent2(value)
    if unit == "CNY":
        return cny_compact(value)
    return quantity(Decimal(value), str(unit))


def number_text(value) -> str:
    """An exact number as text for the API: plain notation, never an exponent ("0.012", not "1.2E-2")."""
    if value is None:
        return None
    return format(Decimal(value), "f")
