"""LCOS = (capex + Σ O&M_t/(1+r)^t + Σ replacement_t/(1+r)^t) / Σ E_t/(1+r)^t (calculators.scenarios), against
numpy-financial's net present value as an independent implementation of the discounting."""

from decimal import Decimal

import numpy_financial as npf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from calculators.scenarios import lcos


def _reference(capex, rate, om, replacement, energy):
    # npv discounts values[t] by (1+r)^t from t = 0: capex sits at t = 0, the yearly flows from t = 1.
    costs = npf.npv(rate, [capex] + [o + r for o, r in zip(om, replacement, strict=True)])
    return costs / npf.npv(rate, [0] + energy), costs, npf.npv(rate, [0] + energy)


def test_by_hand_with_no_discounting():
    result = lcos("1000", "0", 2, ["100"], ["0", "300"], ["700"])
    # (1000 + 200 + 300) / 1400
    assert result.lcos_cny_per_kwh == Decimal("1.07")
    assert result.discounted_cost == Decimal("1500.00")
    assert result.discounted_energy_kwh == Decimal("1400")


def test_by_hand_with_discounting():
    # r = 10 %: factors 1/1.1 and 1/1.21. Costs 1000 + 110/1.1 + 121/1.21 = 1200; energy 1100/1.1 + 1210/1.21 = 2000.
    result = lcos("1000", "0.1", 2, ["110", "121"], ["0"], ["1100", "1210"])
    assert result.discounted_om == Decimal("200.00")
    assert result.discounted_energy_kwh == Decimal("2000")
    assert result.lcos_cny_per_kwh == Decimal("0.60")


@pytest.mark.parametrize(("capex", "rate", "om", "replacement", "energy"), [
    (2_000_000, 0.08, [30_000] * 15, [0] * 7 + [400_000] + [0] * 7, [1_200_000] * 15),
    (500_000, 0.05, [10_000, 12_000, 14_000], [0, 0, 50_000], [300_000, 290_000, 280_000]),
    (1, 0.3, [0] * 40, [0] * 40, [1] * 40),
])
def test_matches_numpy_financial(capex, rate, om, replacement, energy):
    expected, costs, discounted_energy = _reference(capex, rate, om, replacement, energy)
    result = lcos(str(capex), str(rate), len(om), [str(v) for v in om], [str(v) for v in replacement],
                  [str(v) for v in energy])
    assert abs(result.lcos_cny_per_kwh - Decimal(str(expected))) <= Decimal("0.005")
    assert abs(result.discounted_cost - Decimal(str(costs))) <= Decimal("0.01")
    assert float(result.discounted_energy_kwh) == pytest.approx(discounted_energy, rel=1e-12)


def test_one_value_stands_for_every_year():
    assert lcos("100", "0.05", 3, ["10"], ["0"], ["50"]) == lcos("100", "0.05", 3, ["10"] * 3, ["0"] * 3, ["50"] * 3)


@pytest.mark.parametrize(("years", "om", "energy"), [(3, ["1", "2"], ["1"]), (2, ["1"], ["0"]), (0, ["1"], ["1"])])
def test_refuses_wrong_lengths_no_energy_and_no_years(years, om, energy):
    with pytest.raises(ValueError):
        lcos("100", "0.05", years, om, ["0"], energy)


money = st.decimals(min_value=0, max_value=10**7, places=2)


# At least 1 CNY more a year: the first year alone adds over 0.76 CNY at 30 %, more than the cent the sums are
# rounded to (a cent more a year, discounted over 30 years at 30 %, can vanish in that rounding).
@given(capex=money, om=money, extra=st.decimals(min_value=Decimal("1"), max_value=10**6, places=2),
       rate=st.decimals(min_value=0, max_value=Decimal("0.3"), places=3),
       energy=st.decimals(min_value=1, max_value=10**7, places=1), years=st.integers(min_value=1, max_value=30))
def test_lcos_rises_with_om(capex, om, extra, rate, energy, years):
    low = lcos(capex, rate, years, [om], ["0"], [energy])
    high = lcos(capex, rate, years, [om + extra], ["0"], [energy])
    assert high.discounted_cost > low.discounted_cost
    assert high.lcos_cny_per_kwh >= low.lcos_cny_per_kwh
