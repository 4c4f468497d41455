"""How numbers look on screen (UI.md): money as ¥1,234,567.89, percentages with two decimals,
scientific figures as 1.2 × 10⁻² S/cm, and status tags."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

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


# Large amounts on a page, as each language counts them: 万 (10⁴) and 亿 (10⁸) in Chinese, million and billion in
# English. Files and the API keep the exact figure.
_COMPACT_UNITS = {
    "zh": [(Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万")],
    "en": [(Decimal(10) ** 9, " billion"), (Decimal(10) ** 6, " million")],
}


@register.filter
def cny_compact(value):
    """¥4.12 亿 or ¥412.15 million for a large amount, in the page's language; smaller amounts exact (¥9,876.50)."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return value
    language = "zh" if (get_language() or "en").startswith("zh") else "en"
    for size, word in _COMPACT_UNITS[language]:
        if abs(amount) >= size:
            scaled = (amount / size).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            sign = "−" if scaled < 0 else ""
            return f"{sign}¥{abs(scaled):,.2f}{word}"
    return cny(amount)


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


@register.simple_tag
def lcr_target_tag(lcr_percent, target_percent):
    """"On target" or "Below target" for a ratio against its year's target (calculators.local_content), in words
    and colour; nothing when either is missing."""
    from calculators.local_content import lcr_on_target

    on_target = lcr_on_target(lcr_percent, target_percent)
    if on_target is None:
        return ""
    if on_target:
        return format_html('<span class="tag tag-meets">{}</span>', _("On target"))
    return format_html('<span class="tag tag-below">{}</span>', _("Below target"))
