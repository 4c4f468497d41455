"""Subsidy and reward amounts (seed suggestions 1 and 4; the policy's "Subsidies and rewards" rules).

Every amount is computed from stored Decimals and rounded once, at the end. The workflow passes each
programme version's own parameters (rate, rewards, factor, caps); the constants below are the seed's values,
the defaults of the figures the policy proposal quotes.
"""

from collections.abc import Iterable
from decimal import Decimal

from .money import round_cny, to_decimal

LOCAL_PROCUREMENT_RATE = Decimal("0.05")
RD_MATCHING_RATE = Decimal("0.15")
STANDARD_REWARD_LEAD = Decimal("1000000.00")
STANDARD_REWARD_PARTICIPANT = Decimal("500000.00")
ENERGY_QUOTA_UPLIFT = Decimal("1.10")

ZERO = Decimal("0")


def capped(amount, *, cap_per_application=None, cap_per_year=None, already_granted=ZERO) -> Decimal:
    """The amount within the programme's caps: one per application, and one per applicant per year less what the
    applicant was already granted that year (so the yearly cap holds across several applications)."""
    amount = to_decimal(amount)
    if cap_per_application is not None:
        amount = min(amount, to_decimal(cap_per_application))
    if cap_per_year is not None:
        room = max(to_decimal(cap_per_year) - to_decimal(already_granted), ZERO)
        amount = min(amount, room)
    return round_cny(amount)


def subsidy_amount(
    amounts: Iterable, rate=LOCAL_PROCUREMENT_RATE, cap=None, already_granted=ZERO, cap_per_application=None
) -> Decimal:
    """S = rate × V_total, V_total the sum of the eligible purchase amounts; rounded half-up to the cent once.

    `cap` is the programme's optional cap per applicant per year; `already_granted` what the applicant
    has already been granted under it that year, so the cap holds across several applications.
    """
    total = sum((to_decimal(a) for a in amounts), ZERO)
    if total < 0:
        raise ValueError("eligible purchase amounts cannot sum below zero")
    amount = round_cny(to_decimal(rate) * total)
    return capped(amount, cap_per_application=cap_per_application, cap_per_year=cap, already_granted=already_granted)


def rd_matching_fund(
    total_investment, rate=RD_MATCHING_RATE, cap=None, already_granted=ZERO, cap_per_application=None
) -> Decimal:
    """R&D matching fund: rate (15 % in the seed) of a national major project's total investment, rounded once,
    within the programme's caps."""
    total = to_decimal(total_investment)
    if total <= 0:
        raise ValueError("a project's total investment must be more than zero")
    if not 0 < to_decimal(rate) <= 1:
        raise ValueError("a matching rate is a fraction above zero and at most one")
    amount = round_cny(to_decimal(rate) * total)
    return capped(amount, cap_per_application=cap_per_application, cap_per_year=cap, already_granted=already_granted)


def standards_reward(
    role: str, lead_reward=STANDARD_REWARD_LEAD, participant_reward=STANDARD_REWARD_PARTICIPANT,
    already_granted=ZERO,
) -> Decimal:
    """R_lead = 1,000,000 CNY for leading an international standard, R_part = 500,000 CNY for taking part, once per
    company per standard; leading supersedes taking part.

    `already_granted` is what the company was already granted for the same standard: a lead claim after a
    participant reward pays the difference (1,000,000 − 500,000), a participant claim after a lead reward
    nothing. The result is never negative.
    """
    rewards = {"lead": lead_reward, "participant": participant_reward}
    if role not in rewards:
        raise ValueError(f"unknown role {role!r}: expected 'lead' or 'participant'")
    return round_cny(max(to_decimal(rewards[role]) - to_decimal(already_granted), ZERO))


def energy_quota_granted(standard_quota, factor=ENERGY_QUOTA_UPLIFT) -> Decimal:
    """E_granted = E_standard × 1.10 (kWh or tce, not money: not rounded to cents, in the standard's unit)."""
    standard = to_decimal(standard_quota)
    if standard <= 0:
        raise ValueError("a standard energy quota must be more than zero")
    if to_decimal(factor) <= 0:
        raise ValueError("a quota factor must be more than zero")
    return standard * to_decimal(factor)
