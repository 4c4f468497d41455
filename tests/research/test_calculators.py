"""The fund's arithmetic (calculators.research), without a database: grants within caps, progress along a path."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calculators.research import (
    cost_reduction_percent,
    progress_percent,
    progress_share,
    rd_fund_grant,
    target_reached,
)

D = Decimal


@pytest.mark.parametrize(("requested", "budget", "kwargs", "expected"), [
    ("3000000", "8000000", {}, "3000000.00"),
    ("3000000", "8000000", {"max_share": D("0.25")}, "2000000.00"),  # a quarter of the budget
    ("3000000", "8000000", {"cap_per_application": D("2500000")}, "2500000.00"),
    ("3000000", "8000000", {"cap_per_year": D("10000000"), "already_granted": D("9000000")}, "1000000.00"),
    ("3000000", "8000000", {"cap_per_year": D("10000000"), "already_granted": D("12000000")}, "0.00"),
    ("0.005", "1", {}, "0.01"),  # rounded half-up once, at the end
    ("9000", "8000", {}, "8000.00"),  # never more than the budget
])
def test_rd_fund_grant_is_the_request_within_every_cap(requested, budget, kwargs, expected):
    assert rd_fund_grant(D(requested), budget=D(budget), **kwargs) == D(expected)


@pytest.mark.parametrize("bad", [{"amount_requested": D("0")}, {"budget": D("0")}, {"max_share": D("1.5")}])
def test_rd_fund_grant_refuses_impossible_inputs(bad):
    values = {"amount_requested": D("10"), "budget": D("100"), **bad}
    requested = values.pop("amount_requested")
    with pytest.raises(ValueError):
        rd_fund_grant(requested, **values)


@pytest.mark.parametrize(("baseline", "target", "measured", "percent", "reached"), [
    ("3e-3", "1.2e-2", "3e-3", "0.00", False),  # at the baseline
    ("3e-3", "1.2e-2", "7.5e-3", "50.00", False),  # half way
    ("3e-3", "1.2e-2", "1.2e-2", "100.00", True),  # at the target
    ("3e-3", "1.2e-2", "1.5e-2", "133.33", True),  # beyond it
    ("3e-3", "1.2e-2", "2e-3", "-11.11", False),  # worse than the baseline
    ("0.1", "0.04", "0.07", "50.00", False),  # decay per cycle: lower is better
    ("0.1", "0.04", "0.04", "100.00", True),
    ("2000", "1000", "900", "110.00", True),  # cost per kg
])
def test_progress_along_the_path_from_baseline_to_target(baseline, target, measured, percent, reached):
    assert progress_percent(D(baseline), D(target), D(measured)) == D(percent)
    assert target_reached(D(baseline), D(target), D(measured)) is reached


def test_a_target_equal_to_its_baseline_has_no_path():
    with pytest.raises(ValueError):
        progress_share(D("1"), D("1"), D("2"))


@pytest.mark.parametrize(("baseline", "measured", "expected"), [
    ("2000", "1000", "50.00"), ("2000", "2000", "0.00"), ("2000", "2400", "-20.00"), ("3", "2", "33.33"),
])
def test_cost_reduction_against_the_baseline(baseline, measured, expected):
    assert cost_reduction_percent(D(baseline), D(measured)) == D(expected)


@given(
    baseline=st.decimals(min_value=D("0.001"), max_value=D("1000"), places=3),
    target=st.decimals(min_value=D("0.001"), max_value=D("1000"), places=3),
    fraction=st.decimals(min_value=D("0"), max_value=D("1"), places=2),
)
def test_a_measurement_between_baseline_and_target_is_between_0_and_100_percent(baseline, target, fraction):
    if baseline == target:
        return
    measured = baseline + (target - baseline) * fraction
    assert D("0") <= progress_percent(baseline, target, measured) <= D("100")
