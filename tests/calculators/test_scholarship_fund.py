"""F = n × A_scholar (calculators.talent.scholarship_fund)."""

from decimal import Decimal

import pytest

from calculators.talent import scholarship_fund


@pytest.mark.parametrize(("n", "award", "expected"), [(50, "20000", "1000000.00"), (0, "5000", "0.00"),
                                                      (3, "333.335", "1000.01")])
def test_fund_by_hand(n, award, expected):
    assert scholarship_fund(n, award) == Decimal(expected)


@pytest.mark.parametrize(("n", "award"), [(-1, "100"), (10, "-1"), (1.5, "100")])
def test_impossible_inputs_are_refused(n, award):
    with pytest.raises(ValueError):
        scholarship_fund(n, award)
