"""Subsidy amounts at their rounding edges and caps; rewards; the energy quota uplift."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calculators.subsidies import energy_quota_granted, rd_matching_fund, standards_reward, subsidy_amount


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [
        (["0.10"], Decimal("0.01")),  # 0.005 rounds half-up to a cent
        (["0.30"], Decimal("0.02")),  # 0.015 -> 0.02
        (["0.09"], Decimal("0.00")),  # 0.0045 -> 0.00
        (["1000000.00"], Decimal("50000.00")),
        (["0.10"] * 10, Decimal("0.05")),  # rounded once on the sum, not per purchase (would give 0.10)
        ([], Decimal("0.00")),
    ],
)
def test_five_percent_rounded_once_half_up(amounts, expected):
    assert subsidy_amount([Decimal(a) for a in amounts]) == expected


def test_cap_limits_the_amount_and_counts_what_was_granted_before():
    assert subsidy_amount([Decimal("10000000")], cap=Decimal("300000")) == Decimal("300000.00")
    assert subsidy_amount([Decimal("10000000")], cap=Decimal("300000"), already_granted=Decimal("250000")) == Decimal(
        "50000.00"
    )
    assert subsidy_amount([Decimal("100")], cap=Decimal("300000"), already_granted=Decimal("400000")) == Decimal("0.00")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        subsidy_amount([0.1])


def test_rewards_and_uplift():
    assert standards_reward("lead") == Decimal("1000000.00")
    assert standards_reward("participant") == Decimal("500000.00")
    with pytest.raises(ValueError):
        standards_reward("observer")
    assert rd_matching_fund(Decimal("2000000")) == Decimal("300000.00")
    assert energy_quota_granted(Decimal("1000")) == Decimal("1100.00")


amounts = st.lists(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000000"), places=2), max_size=40)


@given(amounts)
def test_subsidy_of_a_sum_within_a_cent_per_part_of_the_sum_of_subsidies(parts):
    whole = subsidy_amount(parts)
    separately = sum((subsidy_amount([p]) for p in parts), Decimal("0"))
    # Each separate rounding moves at most half a cent.
    assert abs(whole - separately) <= Decimal("0.005") * len(parts) + Decimal("0.005")


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000000"), places=2),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000000"), places=2),
)
def test_subsidy_of_two_amounts_together_is_within_one_cent_of_the_two_subsidies(a, b):
    assert abs(subsidy_amount([a, b]) - (subsidy_amount([a]) + subsidy_amount([b]))) <= Decimal("0.01")
