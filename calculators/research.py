"""The municipal R&D fund's arithmetic (seed suggestion 1; the policy's "The rest of the policy": R&D fund).

  grant               G = min(requested, max_share × budget, cap per application, cap per year − granted this year)
  progress share      p = (measured − baseline) / (target − baseline)   (0 at the baseline, 1 at the target)
  target reached      measured ≥ target when the target is above the baseline, measured ≤ target when below
  cost reduction      r = (C_baseline − C_measured) / C_baseline         (the fund's aim: r ≥ 50 %, C_target = 0.5 × C)

Plain functions over Decimals; no ORM. Percentages are rounded half-up to two places once, at the end.
"""

from decimal import ROUND_HALF_UP, Decimal

from .money import round_cny, to_decimal
from .subsidies import capped

HUNDRED = Decimal("100")
ZERO = Decimal("0")
PERCENT_PLACES = Decimal("0.01")


def rd_fund_grant(
    amount_requested, *, budget, max_share=None, cap_per_application=None, cap_per_year=None, already_granted=ZERO,
) -> Decimal:
    """G = the amount requested, never above `max_share` × the project's budget (when the programme sets a share),
    the programme's cap per application, nor what is left of its cap per applicant per year; rounded once."""
    requested = to_decimal(amount_requested)
    budget = to_decimal(budget)
    if requested <= 0:
        raise ValueError("the amount requested must be more than zero")
    if budget <= 0:
        raise ValueError("a project's budget must be more than zero")
    amount = min(requested, budget)
    if max_share is not None:
        share = to_decimal(max_share)
        if not ZERO < share <= 1:
            raise ValueError("a share of the budget is a fraction above zero and at most one")
        amount = min(amount, round_cny(share * budget))
    return capped(amount, cap_per_application=cap_per_application, cap_per_year=cap_per_year,
                  already_granted=already_granted)


def progress_share(baseline, target, measured) -> Decimal:
    """p = (measured − baseline) / (target − baseline): 0 at the baseline, 1 at the target, above 1 beyond it,
    below 0 when the measurement is worse than the baseline. Works for targets above and below the baseline."""
    baseline, target, measured = to_decimal(baseline), to_decimal(target), to_decimal(measured)
    if target == baseline:
        raise ValueError("a target equal to its baseline has no path to measure progress on")
    return (measured - baseline) / (target - baseline)


def progress_percent(baseline, target, measured) -> Decimal:
    """The progress share as a percentage, rounded half-up to two places (100.00 at the target)."""
    return (progress_share(baseline, target, measured) * HUNDRED).quantize(PERCENT_PLACES, ROUND_HALF_UP)


def target_reached(baseline, target, measured) -> bool:
    """The measurement is at or beyond the target, on the side the target lies from the baseline."""
    baseline, target, measured = to_decimal(baseline), to_decimal(target), to_decimal(measured)
    if target == baseline:
        raise ValueError("a target equal to its baseline has no direction")
    return measured >= target if target > baseline else measured <= target


def cost_reduction_percent(baseline_cost, measured_cost) -> Decimal:
    """r = (C_baseline − C_measured) / C_baseline × 100 %, rounded half-up to two places (50.00 at C_target)."""
    baseline, measured = to_decimal(baseline_cost), to_decimal(measured_cost)
    if baseline <= 0:
        raise ValueError("a baseline cost must be more than zero")
    if measured < 0:
        raise ValueError("a cost cannot be negative")
    return ((baseline - measured) / baseline * HUNDRED).quantize(PERCENT_PLACES, ROUND_HALF_UP)
