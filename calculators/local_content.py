"""The local content ratio (seed suggestion 2; the policy's "Purchases and the local content ratio" rules).

  LCR = Σ amount of local purchases / Σ amount of all purchases × 100 %

and the city's target path: from 40 % in the baseline year to 70 % five years on, linear,
target(k) = 40 % + 30 % × k / 5.
"""

from decimal import ROUND_HALF_UP, Decimal

from .money import to_decimal

HUNDRED = Decimal("100")
TARGET_START = Decimal("40")
TARGET_RISE = Decimal("30")
TARGET_YEARS = 5


def local_content_ratio(local_amount, total_amount) -> Decimal | None:
    """LCR in percent with two decimals (half-up), or None for an empty slice (no purchases: no ratio)."""
    local_amount = to_decimal(local_amount)
    total_amount = to_decimal(total_amount)
    if total_amount <= 0:
        return None
    if local_amount < 0 or local_amount > total_amount:
        raise ValueError("local amount must lie between 0 and the total amount")
    return (local_amount * HUNDRED / total_amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def lcr_target_percent(year: int, baseline_year: int) -> Decimal | None:
    """The city's LCR target for a year: 40 % at the baseline, +6 points a year, 70 % from year five on.

    None before the baseline year (the policy sets no target then).
    """
    k = year - baseline_year
    if k < 0:
        return None
    k = min(k, TARGET_YEARS)
    return (TARGET_START + TARGET_RISE * k / TARGET_YEARS).quantize(Decimal("0.01"))


def lcr_on_target(lcr_percent, target_percent) -> bool | None:
    """Whether a ratio reaches the year's target: at or above it is on target. None when either is missing (an
    empty slice has no ratio; the years before the baseline have no target), so nothing is claimed either way."""
    if lcr_percent is None or target_percent is None:
        return None
    return Decimal(lcr_percent) >= Decimal(target_percent)
