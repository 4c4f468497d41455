"""The amount rules of every programme kind: caps, the R&D matching fund, the standards reward and the energy quota."""

from decimal import Decimal

import pytest

from calculators.subsidies import capped, energy_quota_granted, rd_matching_fund, standards_reward

D = Decimal


# --- capped ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("amount, cap, expected", [
    ("999.99", "1000.00", "999.99"),
    ("1000.00", "1000.00", "1000.00"),
    ("1000.01", "1000.00", "1000.00"),
    ("5000000.00", "1000.00", "1000.00"),
])
def test_the_cap_per_application(amount, cap, expected):
    assert capped(D(amount), cap_per_application=D(cap)) == D(expected)


@pytest.mark.parametrize("amount, already, expected", [
    ("300.00", "0", "300.00"),
    ("300.00", "700.00", "300.00"),    # exactly fills the year
    ("300.00", "700.01", "299.99"),    # one cent over
    ("300.00", "1000.00", "0.00"),     # nothing left
    ("300.00", "1500.00", "0.00"),     # granted beyond the cap (an earlier, higher cap): never negative
])
def test_the_cap_per_year_counts_what_was_already_granted(amount, already, expected):
    assert capped(D(amount), cap_per_year=D("1000.00"), already_granted=D(already)) == D(expected)


def test_both_caps_apply_and_the_smaller_wins():
    assert capped(D("900.00"), cap_per_application=D("500.00"), cap_per_year=D("1000.00"),
                  already_granted=D("800.00")) == D("200.00")
    assert capped(D("900.00"), cap_per_application=D("500.00"), cap_per_year=D("1000.00"),
                  already_granted=D("100.00")) == D("500.00")


def test_no_cap_leaves_the_amount():
    assert capped(D("123456789.12")) == D("123456789.12")
    assert capped(D("0.004")) == D("0.00") and capped(D("0.005")) == D("0.01")


# --- R&D matching fund ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("investment, expected", [
    ("0.10", "0.02"),          # 0.015 → 0.02 (half-up)
    ("0.03", "0.00"),          # 0.0045 → 0.00
    ("0.01", "0.00"),          # 0.0015 → 0.00
    ("0.04", "0.01"),          # 0.006 → 0.01
    ("0.07", "0.01"),          # 0.0105 → 0.01
    ("10000000.10", "1500000.02"),  # 1,500,000.015 → 1,500,000.02
    ("12345678.91", "1851851.84"),  # 1,851,851.8365 → 1,851,851.84
    ("99999999999999.99", "15000000000000.00"),  # 14,999,999,999,999.9985 → rounded once
])
def test_rd_matching_is_fifteen_percent_rounded_once_half_up(investment, expected):
    assert rd_matching_fund(D(investment)) == D(expected)


def test_rd_matching_takes_the_programmes_rate():
    assert rd_matching_fund(D("1000.00"), rate=D("0.2")) == D("200.00")
    assert rd_matching_fund("1000.00", rate="0.1234") == D("123.40")


def test_rd_matching_within_the_caps():
    assert rd_matching_fund(D("10000000.00"), cap_per_application=D("1000000.00")) == D("1000000.00")
    assert rd_matching_fund(D("10000000.00"), cap=D("2000000.00"), already_granted=D("1500000.00")) == D("500000.00")
    assert rd_matching_fund(D("10000000.00"), cap=D("2000000.00"), already_granted=D("2500000.00")) == D("0.00")


@pytest.mark.parametrize("investment", ["0", "0.00", "-0.01", "-1000"])
def test_rd_matching_refuses_no_investment(investment):
    with pytest.raises(ValueError):
        rd_matching_fund(D(investment))


# --- standards reward -----------------------------------------------------------------------------------------

def test_the_seed_rewards():
    assert standards_reward("lead") == D("1000000.00")
    assert standards_reward("participant") == D("500000.00")


def test_lead_after_a_granted_participant_reward_pays_the_difference():
    assert standards_reward("lead", already_granted=D("500000.00")) == D("500000.00")


def test_participant_after_a_lead_reward_pays_nothing():
    assert standards_reward("participant", already_granted=D("1000000.00")) == D("0.00")
    assert standards_reward("participant", already_granted=D("500000.00")) == D("0.00")
    assert standards_reward("lead", already_granted=D("1000000.00")) == D("0.00")


def test_the_programmes_own_rewards():
    assert standards_reward("lead", lead_reward=D("800000.00"), participant_reward=D("300000.00")) == D("800000.00")
    assert standards_reward("participant", lead_reward=D("800000.00"), participant_reward=D("300000.00")) == D(
        "300000.00"
    )
    assert standards_reward("lead", lead_reward=D("800000.00"), participant_reward=D("300000.00"),
                            already_granted=D("300000.00")) == D("500000.00")


@pytest.mark.parametrize("role", ["Lead", "convenor", "", None])
def test_an_unknown_role_is_refused(role):
    with pytest.raises(ValueError):
        standards_reward(role)


# --- energy quota ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("standard, factor, expected", [
    ("1000", "1.10", "1100.00"),
    ("12.345", "1.10", "13.5795"),       # never rounded to cents
    ("0.001", "1.10", "0.0011"),
    ("999999999999999.999", "1.10", "1099999999999999.9989"),
    ("1000", "1.2345", "1234.5000"),     # the factor from the argument
    ("1000", "0.9", "900.0"),
])
def test_energy_quota_is_the_exact_product(standard, factor, expected):
    granted = energy_quota_granted(D(standard), factor=D(factor))
    assert isinstance(granted, Decimal)
    assert granted == D(expected)


def test_energy_quota_default_factor_is_the_seeds():
    assert energy_quota_granted(D("1000")) == D("1100")


@pytest.mark.parametrize("standard", ["0", "0.000", "-1", "-0.001"])
def test_energy_quota_refuses_no_standard_quota(standard):
    with pytest.raises(ValueError):
        energy_quota_granted(D(standard))


@pytest.mark.parametrize("factor", ["0", "-1.10"])
def test_energy_quota_refuses_a_factor_that_is_not_positive(factor):
    # A zero or negative factor would grant no quota or a negative one: not an uplift.
    with pytest.raises(ValueError):
        energy_quota_granted(D("1000"), factor=D(factor))


# --- floats ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda: capped(100.0),
    lambda: capped(D("100"), cap_per_application=50.0),
    lambda: capped(D("100"), cap_per_year=50.0),
    lambda: capped(D("100"), cap_per_year=D("50"), already_granted=10.0),
    lambda: rd_matching_fund(0.1),
    lambda: rd_matching_fund(D("100"), rate=0.15),
    lambda: standards_reward("lead", lead_reward=1e6),
    lambda: standards_reward("lead", already_granted=5e5),
    lambda: energy_quota_granted(1000.0),
    lambda: energy_quota_granted(D("1000"), factor=1.1),
])
def test_floats_are_refused(call):
    with pytest.raises(TypeError):
        call()
