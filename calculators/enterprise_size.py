"""Enterprise size class, MIIT 2011 classification for industry (工信部联企业〔2011〕300号).

large  = employees >= 1000 and revenue >= 400 M CNY
medium = employees >= 300  and revenue >= 20 M CNY
small  = employees >= 20   and revenue >= 3 M CNY
micro  = the rest
SME = medium, small or micro.
"""

from decimal import Decimal

LARGE = "large"
MEDIUM = "medium"
SMALL = "small"
MICRO = "micro"

# (class, minimum employees, minimum annual revenue in CNY), largest first.
_THRESHOLDS = (
    (LARGE, 1000, Decimal("400000000")),
    (MEDIUM, 300, Decimal("20000000")),
    (SMALL, 20, Decimal("3000000")),
)


def enterprise_size_class(employees: int, revenue_cny: Decimal) -> str:
    """Return the size class for an industrial enterprise; both thresholds of a class must be met."""
    if employees is None or revenue_cny is None:
        raise ValueError("employees and revenue are both required")
    # Converted first: a model field assigned a string ("900000000") still holds that string at save().
    revenue = Decimal(str(revenue_cny))
    if employees < 0 or revenue < 0:
        raise ValueError("employees and revenue cannot be negative")
    for size_class, min_employees, min_revenue in _THRESHOLDS:
        if employees >= min_employees and revenue >= min_revenue:
            return size_class
    return MICRO


def is_sme(size_class: str) -> bool:
    """SME means medium, small or micro."""
    return size_class in (MEDIUM, SMALL, MICRO)
