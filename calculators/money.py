"""Money rules: Decimal only, rounded half-up to 0.01 CNY once, at the end (the policy's "Subsidies" rules)."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_decimal(value) -> Decimal:
    """Decimal from a Decimal, int or string; floats are refused because they already lost the cents."""
    if isinstance(value, float):
        raise TypeError("money must not be a float; pass a Decimal or a string")
    return value if isinstance(value, Decimal) else Decimal(str(value))


def round_cny(amount) -> Decimal:
    """Round half-up to the cent: the single rounding step of every money rule."""
    return to_decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
