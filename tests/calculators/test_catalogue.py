"""The calculators' registry: how raw text becomes inputs, and what it refuses (shared by the page and the API)."""

from decimal import Decimal

import pytest

from calculators.catalogue import CALCULATORS, InvalidInput, evaluate, parse, significant


def refused(name, data) -> dict:
    with pytest.raises(InvalidInput) as error:
        parse(CALCULATORS[name], data)
    return error.value.errors


def test_every_calculator_has_parameters_results_and_a_working_example():
    from ._programmes import programme

    version = programme(rate="0.05", lead_reward="1000000", participant_reward="500000", quota_factor="1.10")
    for calculator in CALCULATORS.values():
        assert calculator.parameters and calculator.results and calculator.formula
        outcome = evaluate(calculator, calculator.example, version if calculator.programme_kind else None)
        assert any(outcome.results.get(r.name) is not None for r in calculator.results), calculator.name


@pytest.mark.parametrize("text", ["nan", "NaN", "-inf", "Infinity", "sNaN"])
def test_not_a_finite_number_is_refused(text):
    assert "finite" in refused("cost-target", {"current_cost": text})["current_cost"][0]


@pytest.mark.parametrize("text", ["abc", "1.2.3", "0x10", "1e", "--1", "1_000", "½", "1e99999"])
def test_not_a_number_is_refused(text):
    assert "current_cost" in refused("cost-target", {"current_cost": text})


def test_too_long_and_too_large_numbers_are_refused():
    assert "at most 40 characters" in refused("cost-target", {"current_cost": "1" * 41})["current_cost"][0]
    assert "current_cost" in refused("cost-target", {"current_cost": "1e9999"})
    assert "graduates" in refused("talent-influx", {"graduates": "9" * 30, "retention": "0.5"})


def test_grouped_thousands_and_full_width_digits_are_read():
    values = parse(CALCULATORS["cost-target"], {"current_cost": "1,200.50"})
    assert values["current_cost"] == Decimal("1200.50")
    assert parse(CALCULATORS["cost-target"], {"current_cost": "１２００"})["current_cost"] == Decimal("1200")


def test_missing_values_are_named_and_defaults_filled():
    assert list(refused("cost-target", {})) == ["current_cost"]
    assert parse(CALCULATORS["cost-target"], {"current_cost": "10"})["reduction"] == Decimal("0.5")


def test_lists_name_the_item_at_fault():
    errors = refused("lcos", {"capex": "1", "discount_rate": "0.1", "years": "2", "om": "1,,2", "replacement": "0",
                              "energy_kwh": "1,x"})
    assert "Value 2" in errors["om"][0] and "Value 2" in errors["energy_kwh"][0]


def test_arrhenius_takes_exactly_one_set():
    assert set(refused("arrhenius", {})) == {"prefactor", "activation_energy_ev", "temperature_k"}
    assert set(refused("arrhenius", {"sigma1": "0.01"})) == {"t1_k", "sigma2", "t2_k"}
    both = refused("arrhenius", {"prefactor": "1", "activation_energy_ev": "0.2", "temperature_k": "300",
                                 "sigma1": "0.01"})
    assert list(both) == ["sigma1"]


def test_significant_figures():
    assert significant(Decimal("0.0120082345")) == 0.0120082
    assert significant(Decimal("123456789")) == 123457000.0
