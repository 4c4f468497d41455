"""Q(n) = Q0·(1 − D)^n (calculators.materials)."""

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calculators.materials import capacity_after_cycles, capacity_retention, cycles_to_retention


@pytest.mark.parametrize(("q0", "d", "n", "expected"), [
    ("300", "0.0005", 0, "300"),
    ("300", "0.1", 1, "270"),
    ("300", "0.1", 2, "243"),
    ("200", "0.5", 3, "25"),
    ("300", "0", 1000, "300"),
])
def test_capacity_by_hand(q0, d, n, expected):
    assert capacity_after_cycles(q0, d, n) == Decimal(expected)


def test_capacity_matches_an_independent_float_computation():
    assert float(capacity_after_cycles("300", "0.0005", 500)) == pytest.approx(300 * (1 - 0.0005) ** 500, rel=1e-12)


def test_cycles_to_a_target_by_hand():
    assert cycles_to_retention("0.1", "0.81") == 2  # 0.9² = 0.81 exactly: reached at cycle 2
    assert cycles_to_retention("0.1", "0.8") == 3  # 0.729 ≤ 0.8 < 0.81
    assert cycles_to_retention("0.0005", "0.8") == math.ceil(math.log(0.8) / math.log(1 - 0.0005))
    assert cycles_to_retention("0.01", "1") == 0


def test_nothing_decays_never_reaches_a_target():
    assert cycles_to_retention("0", "0.8") is None


@given(
    d=st.decimals(min_value=Decimal("0.00001"), max_value=Decimal("0.5"), places=5),
    n=st.integers(min_value=0, max_value=5000),
)
def test_retention_falls_with_cycles(d, n):
    assert capacity_retention(d, n + 1) < capacity_retention(d, n) <= 1


@given(
    d=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("0.5"), places=4),
    target=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("0.99"), places=2),
)
def test_cycles_to_target_is_the_first_cycle_at_or_below_it(d, target):
    n = cycles_to_retention(d, target)
    assert capacity_retention(d, n) <= target
    assert n == 0 or capacity_retention(d, n - 1) > target


@pytest.mark.parametrize(("d", "n"), [("1", 1), ("-0.1", 1), ("0.1", -1), ("0.1", 1.5)])
def test_impossible_inputs_are_refused(d, n):
    with pytest.raises(ValueError):
        capacity_retention(d, n)
