"""The local procurement subsidy calculator: S = rate × V with the programme's rate and caps, rounded once."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from calculators.catalogue import CALCULATORS, evaluate
from calculators.subsidies import subsidy_amount

from ._programmes import programme

CALCULATOR = CALCULATORS["local-procurement-subsidy"]
SEEDED = programme(rate="0.05")


def subsidy(amount, version=SEEDED):
    return evaluate(CALCULATOR, {"amount": str(amount)}, version).results["subsidy"]


def test_five_percent_by_hand():
    assert subsidy("1000000") == Decimal("50000.00")
    assert subsidy("0.10") == Decimal("0.01")  # 0.005 half-up
    assert subsidy("0.09") == Decimal("0.00")  # 0.0045


def test_the_programme_rate_and_caps_apply():
    assert subsidy("1000", programme(rate="0.08")) == Decimal("80.00")
    assert subsidy("1000000", programme(rate="0.05", cap_per_application="20000")) == Decimal("20000.00")
    assert subsidy("1000000", programme(rate="0.05", cap_per_applicant_year="30000")) == Decimal("30000.00")


def test_it_agrees_with_the_workflows_amount_function():
    version = programme(rate="0.0725", cap_per_application="1000000")
    assert subsidy("1234567.89", version) == subsidy_amount(
        [Decimal("1234567.89")], rate=version.rate, cap_per_application=version.cap_per_application)


amounts = st.lists(st.decimals(min_value=0, max_value=10**9, places=2), min_size=1, max_size=20)


@given(amounts)
def test_subsidy_of_a_sum_is_within_a_cent_per_part_of_the_sum_of_subsidies(parts):
    whole = subsidy(sum(parts, Decimal("0")))
    separately = sum((subsidy(p) for p in parts), Decimal("0"))
    # Each separate subsidy is rounded once, so they drift by at most half a cent each.
    assert abs(whole - separately) <= Decimal("0.005") * len(parts) + Decimal("0.005")


@given(st.decimals(min_value=0, max_value=10**9, places=2), st.decimals(min_value=0, max_value=10**9, places=2))
def test_subsidy_of_two_purchases_within_a_cent_of_the_two_subsidies(a, b):
    assert abs(subsidy(a + b) - (subsidy(a) + subsidy(b))) <= Decimal("0.01")
