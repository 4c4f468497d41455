"""C = S_base + B_housing + Σ other (calculators.talent.compensation_total)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calculators.talent import compensation_total


def test_compensation_by_hand():
    assert compensation_total("800000", "120000", ["20000", "15000.50"]) == Decimal("955000.50")
    assert compensation_total("1", "0") == Decimal("1.00")


def test_rounded_once_at_the_end():
    # Three parts of 0.005 each: rounding each would give 0.03, the rule gives 0.02 (0.015 half-up).
    assert compensation_total("0.005", "0.005", ["0.005"]) == Decimal("0.02")


def test_negative_parts_are_refused():
    with pytest.raises(ValueError):
        compensation_total("100", "-1")


@given(st.lists(st.decimals(min_value=0, max_value=10**6, places=2), min_size=2, max_size=10))
def test_the_total_is_the_sum_of_its_parts(parts):
    assert compensation_total(parts[0], parts[1], parts[2:]) == sum(parts, Decimal("0"))
