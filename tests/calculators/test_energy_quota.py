"""The energy quota calculator: E_granted = E_standard × the programme's factor, in the quota's unit, to 0.001."""

from decimal import Decimal

import pytest

from calculators.catalogue import CALCULATORS, QUOTA_MAX, QUOTA_PLACES, InvalidInput, evaluate

from ._programmes import programme

CALCULATOR = CALCULATORS["energy-quota"]


def granted(quota, unit="kWh", factor="1.10"):
    outcome = evaluate(CALCULATOR, {"standard_quota": quota, "unit": unit}, programme(kind="energy_quota",
                                                                                        quota_factor=factor))
    return outcome.as_json()


def test_uplift_by_hand():
    assert granted("1000") == {**granted("1000"), "granted_quota": "1100.000", "unit": "kWh",
                               "units": {"granted_quota": "kWh"}}
    assert granted("0.005", "tce")["granted_quota"] == "0.006"  # 0.0055 half-up, as the workflow keeps it
    assert granted("1000", factor="1.25")["granted_quota"] == "1250.000"


def test_same_precision_and_bound_as_the_workflow():
    from procurement import energy_quota

    assert QUOTA_PLACES == energy_quota.QUOTA_PLACES
    assert QUOTA_MAX == energy_quota.MAX_QUOTA


@pytest.mark.parametrize(("quota", "unit", "field"), [("0", "kWh", "standard_quota"), ("1", "MWh", "unit"),
                                                      ("-5", "kWh", "standard_quota"), ("1", "", "unit")])
def test_bad_input_is_refused_naming_it(quota, unit, field):
    with pytest.raises(InvalidInput) as refused:
        granted(quota, unit)
    assert field in refused.value.errors


def test_it_is_not_money():
    assert Decimal(granted("1234.5678")["granted_quota"]) == Decimal("1358.025")
