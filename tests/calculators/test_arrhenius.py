"""σ = A·exp(−Ea/kT) and the two-point fit (calculators.materials), against math's floats and the closed form."""

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calculators.materials import BOLTZMANN_EV_PER_K, arrhenius_conductivity, arrhenius_fit

K = 8.617333262e-5
ROOM = Decimal("298.15")  # 25 °C


def test_boltzmann_constant_is_codata_2018_in_ev():
    assert BOLTZMANN_EV_PER_K == Decimal("8.617333262e-5")


def test_lgps_conductivity_at_25_celsius():
    # Li10GeP2S12 (Kamaya et al., Nature Materials 2011): about 1.2e-2 S/cm at 25 °C with Ea ≈ 0.25 eV, which
    # takes a prefactor A = σ·exp(Ea/kT) ≈ 202 S/cm.
    sigma = arrhenius_conductivity("202", "0.25", ROOM)
    assert sigma == pytest.approx(Decimal("1.2e-2"), rel=Decimal("0.01"))
    assert float(sigma) > 1e-2  # beats the city's sulfide electrolyte target


@pytest.mark.parametrize(("a", "ea", "t"), [("202", "0.25", "298.15"), ("1e4", "0.5", "373.15"), ("1", "0", "300"),
                                             ("3.5e2", "0.31", "233.15")])
def test_conductivity_matches_an_independent_float_computation(a, ea, t):
    expected = float(a) * math.exp(-float(ea) / (K * float(t)))
    assert float(arrhenius_conductivity(a, ea, t)) == pytest.approx(expected, rel=1e-12)


def test_no_activation_energy_gives_the_prefactor():
    assert arrhenius_conductivity("5", "0", "300") == Decimal("5")


def test_two_point_fit_by_the_closed_form():
    s1, t1, s2, t2 = 1.2e-2, 298.15, 5e-2, 350.0
    ea = K * math.log(s2 / s1) / (1 / t1 - 1 / t2)
    a = s1 * math.exp(ea / (K * t1))
    fit = arrhenius_fit("1.2e-2", "298.15", "5e-2", "350")
    assert float(fit.activation_energy_ev) == pytest.approx(ea, rel=1e-12)
    assert float(fit.prefactor) == pytest.approx(a, rel=1e-12)


@given(
    a=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e5"), places=3),
    ea=st.decimals(min_value=Decimal("0.05"), max_value=Decimal("1.5"), places=3),
    t1=st.integers(min_value=200, max_value=600),
    dt=st.integers(min_value=5, max_value=300),
)
def test_the_fit_recovers_the_line_it_was_measured_on(a, ea, t1, dt):
    t2 = t1 + dt
    fit = arrhenius_fit(arrhenius_conductivity(a, ea, t1), t1, arrhenius_conductivity(a, ea, t2), t2)
    assert fit.activation_energy_ev == pytest.approx(ea, rel=Decimal("1e-15"))
    assert fit.prefactor == pytest.approx(a, rel=Decimal("1e-12"))


@given(t=st.integers(min_value=150, max_value=900))
def test_conductivity_rises_with_temperature(t):
    assert arrhenius_conductivity("202", "0.25", t + 1) > arrhenius_conductivity("202", "0.25", t)


@pytest.mark.parametrize("args", [("0", "0.25", "300"), ("202", "0.25", "0"), ("202", "0.25", "-5")])
def test_conductivity_refuses_what_physics_forbids(args):
    with pytest.raises(ValueError):
        arrhenius_conductivity(*args)


@pytest.mark.parametrize("args", [("0.01", "300", "0.02", "300"), ("0", "300", "0.02", "350"),
                                  ("0.01", "-1", "0.02", "350")])
def test_fit_refuses_what_it_cannot_fit(args):
    with pytest.raises(ValueError):
        arrhenius_fit(*args)
