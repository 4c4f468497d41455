"""The LCR formula and the city's target path, on hand-computed cases."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calculators.local_content import lcr_target_percent, local_content_ratio


@pytest.mark.parametrize(
    ("local", "total", "expected"),
    [
        ("100.00", "100.00", Decimal("100.00")),  # all local
        ("0", "250.00", Decimal("0.00")),  # none local
        ("38.00", "100.00", Decimal("38.00")),
        ("1", "3", Decimal("33.33")),
        ("2", "3", Decimal("66.67")),  # half-up at the second decimal
        ("0.01", "100000000.00", Decimal("0.00")),
    ],
)
def test_ratio_of_hand_computed_slices(local, total, expected):
    assert local_content_ratio(Decimal(local), Decimal(total)) == expected


def test_empty_slice_has_no_ratio():
    assert local_content_ratio(Decimal("0"), Decimal("0")) is None


def test_local_above_total_is_refused():
    with pytest.raises(ValueError):
        local_content_ratio(Decimal("2"), Decimal("1"))


def test_float_amounts_are_refused():
    with pytest.raises(TypeError):
        local_content_ratio(0.1, 0.3)


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2024, None), (2025, Decimal("40.00")), (2026, Decimal("46.00")), (2028, Decimal("58.00")),
     (2030, Decimal("70.00")), (2035, Decimal("70.00"))],
)
def test_target_path_is_linear_from_40_to_70_over_five_years(year, expected):
    assert lcr_target_percent(year, baseline_year=2025) == expected


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000000"), places=2)


@given(st.lists(st.tuples(amounts, st.booleans()), min_size=1, max_size=50))
def test_ratio_always_between_0_and_100(rows):
    total = sum(a for a, _ in rows)
    local = sum(a for a, is_local in rows if is_local)
    assert Decimal("0") <= local_content_ratio(local, total) <= Decimal("100")
