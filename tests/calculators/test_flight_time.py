"""T ≈ η·E/P (calculators.scenarios.flight_time_minutes)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calculators.scenarios import flight_time_minutes


@pytest.mark.parametrize(("eta", "wh", "w", "minutes"), [
    ("1", "100", "100", "60"),
    ("0.85", "500", "400", "63.75"),
    ("0.9", "1000", "1500", "36"),
    ("0.5", "0", "10", "0"),
])
def test_flight_time_by_hand(eta, wh, w, minutes):
    assert flight_time_minutes(eta, wh, w) == Decimal(minutes)


@pytest.mark.parametrize("args", [("1.01", "100", "100"), ("0", "100", "100"), ("0.9", "100", "0"),
                                  ("0.9", "-1", "100"), ("0.9", "100", "-5")])
def test_impossible_inputs_are_refused(args):
    with pytest.raises(ValueError):
        flight_time_minutes(*args)


@given(st.decimals(min_value=1, max_value=10**5, places=1), st.decimals(min_value=1, max_value=10**5, places=1))
def test_more_power_flies_shorter(wh, w):
    assert flight_time_minutes("0.9", wh, w + 1) < flight_time_minutes("0.9", wh, w)
