"""C_target = 0.5 × C_current (calculators.materials.cost_target)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calculators.materials import cost_target


@pytest.mark.parametrize(("current", "reduction", "expected"), [
    ("1200", "0.5", "600.00"),
    ("0", "0.5", "0.00"),
    ("0.01", "0.5", "0.01"),  # 0.005 rounds half-up
    ("333.33", "0.5", "166.67"),
    ("1000", "0.6", "400.00"),
    ("1000", "0", "1000.00"),
])
def test_cost_target_by_hand(current, reduction, expected):
    assert cost_target(current, reduction) == Decimal(expected)


def test_the_seed_halves_by_default():
    assert cost_target(Decimal("850.50")) == Decimal("425.25")


@pytest.mark.parametrize(("current", "reduction"), [("-1", "0.5"), ("10", "1"), ("10", "-0.1")])
def test_impossible_inputs_are_refused(current, reduction):
    with pytest.raises(ValueError):
        cost_target(current, reduction)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        cost_target(12.5)


@given(st.decimals(min_value=0, max_value=10**9, places=2))
def test_the_target_is_never_above_the_current_cost(current):
    assert Decimal("0") <= cost_target(current) <= current
