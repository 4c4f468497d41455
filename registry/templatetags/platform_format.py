"""How numbers look on screen (UI.md): money as ¥1,234,567.89, percentages with two decimals,
scientific figures as 1.2 × 10⁻² S/cm, and status tags."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.html import format_html

from registry.figures import FIGURES, format_number

register = template.Library()


@register.filter
def cny(value):
    """¥1,234,567.89; empty for None."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return value
    sign = "−" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


@register.filter
def quantity(value, unit=""):
    """1,100,000.5 kWh: a measured quantity in its own unit, with no trailing zeros and never a currency sign."""
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value)).normalize()
    except InvalidOperation:
        return value
    return f"{number:,f} {unit}".strip()


@register.filter
def percent2(value):
    """12.34 %; a dash for None (a slice with no data has no ratio)."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(str(value)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)} %"


@register.filter
def sci(value):
    """A figure's number alone, in scientific notation when very small or large."""
    return format_number(value)


@register.simple_tag
def figure_display(key, value):
    """A figure's value with its unit: 1.2 × 10⁻² S/cm."""
    figure = FIGURES.get(key)
    return figure.display(value) if figure else format_number(value)


@register.simple_tag
def status_tag(value, label=None):
    """A coloured tag for a status (pending, verified, suspended, ...)."""
    return format_html('<span class="tag tag-{}">{}</span>', value, label or value)
