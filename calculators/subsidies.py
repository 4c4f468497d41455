"""Subsidy and reward amounts (seed suggestions 1 and 4; DOMAIN.md "Subsidies and rewards").

Every amount is computed from stored Decimals and rounded once, at the end.
"""

from collections.abc import Iterable
from decimal import Decimal

from .money import round_cny, to_decimal

LOCAL_PROCUREMENT_RATE = Decimal("0.05")
RD_MATCHING_RATE = Decimal("0.15")
STANDARD_REWARD_LEAD = Decimal("1000000.00")
STANDARD_REWARD_PARTICIPANT = Decimal("500000.00")
ENERGY_QUOTA_UPLIFT = Decimal("1.10")


def subsidy_amount(amounts: Iterable, rate=LOCAL_PROCUREMENT_RATE, cap=None, already_granted=Decimal("0")) -> Decimal:
    """S = rate × V_total, V_total the sum of the eligible purchase amounts; rounded half-up to the cent once.

    `cap` is the programme's optional cap per applicant per year; `already_granted` what the applicant
    has already been granted under it that year, so the cap holds across several applications.
    """
    total = sum((to_decimal(a) for a in amounts), Decimal("0"))
    if total < 0:
        raise ValueError("eligible purchase amounts cannot sum below zero")
    amount = round_cny(to_decimal(rate) * total)
    if cap is not None:
        room = max(to_decimal(cap) - to_decimal(already_granted), Decimal("0"))
        amount = min(amount, round_cny(room))
    return amount


def rd_matching_fund(total_investment) -> Decimal:
    """R&D matching fund: 15 % of a national major project's total investment."""
    return round_cny(RD_MATCHING_RATE * to_decimal(total_investment))


def standards_reward(role: str) -> Decimal:
    """1,000,000 CNY for leading an international standard, 500,000 CNY for taking part."""
    rewards = {"lead": STANDARD_REWARD_LEAD, "participant": STANDARD_REWARD_PARTICIPANT}
    if role not in rewards:
        raise ValueError(f"unknown role {role!r}: expected 'lead' or 'participant'")
    return rewards[role]


def energy_quota_granted(standard_quota) -> Decimal:
    """E_granted = E_standard × 1.10 (kWh or tce, not money: not rounded to cents)."""
    return to_decimal(standard_quota) * ENERGY_QUOTA_UPLIFT
