"""The standards reward calculator: the programme's lead / participant reward, less what was already paid."""

from decimal import Decimal

import pytest

from calculators.catalogue import CALCULATORS, InvalidInput, evaluate

from ._programmes import programme

CALCULATOR = CALCULATORS["standards-reward"]
SEEDED = programme(kind="standards_reward", lead_reward="1000000.00", participant_reward="500000.00")


def reward(version=SEEDED, **data):
    return evaluate(CALCULATOR, data, version).results["reward"]


@pytest.mark.parametrize(("role", "paid", "expected"), [
    ("lead", "", "1000000.00"), ("participant", "", "500000.00"),
    ("lead", "500000", "500000.00"),  # a lead claim after a participant reward pays the difference
    ("participant", "1000000", "0.00"),  # leading supersedes taking part
])
def test_reward_by_hand(role, paid, expected):
    assert reward(role=role, already_paid=paid) == Decimal(expected)


def test_the_programme_amounts_and_caps_apply():
    version = programme(kind="standards_reward", lead_reward="2000000", participant_reward="800000",
                        cap_per_application="1500000")
    assert reward(version, role="lead") == Decimal("1500000.00")
    assert reward(version, role="participant") == Decimal("800000.00")


def test_an_unknown_role_is_refused_naming_it():
    with pytest.raises(InvalidInput) as refused:
        reward(role="observer")
    assert list(refused.value.errors) == ["role"]
