"""How a calculator's result is written on the page: money as ¥1,234.56 (per kg, per kWh when the unit says so),
quantities in their unit, physical figures to four significant figures (1.200 × 10⁻² S/cm)."""

from decimal import Decimal

from django import template

from registry.templatetags.platform_format import cny, quantity

from ..catalogue import MONEY, QUANTITY, WHOLE

register = template.Library()

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def scientific(value, figures: int = 4) -> str:
    """1.200 × 10⁻² for small or large numbers, 123.4 otherwise (four significant figures)."""
    number = Decimal(value)
    if number == 0:
        return "0"
    exponent = number.adjusted()
    if -1 <= exponent < 6:
        places = max(figures - 1 - exponent, 0)
        return f"{number:,.{places}f}"
    mantissa = number.scaleb(-exponent)
    text = f"{mantissa:.{figures - 1}f}"
    if text.startswith("10."):  # rounding carried into the next power of ten
        mantissa, exponent = mantissa / 10, exponent + 1
        text = f"{mantissa:.{figures - 1}f}"
    return f"{text} × 10{str(exponent).translate(_SUPERSCRIPT)}"


@register.simple_tag
def result_display(row) -> str:
    """One result row's value with its unit, as people read it."""
    result, value, unit = row["field"], row["value"], str(row["unit"] or "")
    if value is None:
        return "—"
    if result.kind == MONEY:
        per = unit.removeprefix("CNY")
        return f"{cny(value)}{per}"
    if result.kind == QUANTITY:
        return quantity(value, unit)
    if result.kind == WHOLE:
        return f"{int(value):,}"
    return f"{scientific(value)} {unit}".strip()
