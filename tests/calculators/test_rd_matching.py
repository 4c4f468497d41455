"""The R&D matching fund calculator: the programme's rate (15 % seeded) of the total investment, within caps."""

from decimal import Decimal

import pytest

from calculators.catalogue import CALCULATORS, InvalidInput, evaluate

from ._programmes import programme

CALCULATOR = CALCULATORS["rd-matching"]


def matching(total, version=None):
    version = version or programme(kind="rd_matching", rate="0.15")
    return evaluate(CALCULATOR, {"total_investment": total}, version).results["matching"]


def test_fifteen_percent_by_hand():
    assert matching("20000000") == Decimal("3000000.00")
    assert matching("0.03") == Decimal("0.00")  # 0.0045
    assert matching("0.1") == Decimal("0.02")  # 0.015 half-up


def test_caps_apply():
    version = programme(kind="rd_matching", rate="0.15", cap_per_application="1000000", cap_per_applicant_year="800000")
    assert matching("20000000", version) == Decimal("800000.00")


def test_nothing_invested_is_refused():
    with pytest.raises(InvalidInput) as refused:
        matching("0")
    assert list(refused.value.errors) == ["total_investment"]
