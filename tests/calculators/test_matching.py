"""calculators.matching: the score of a fitting supplier and the yearly value of an accepted offer (no database)."""

from decimal import Decimal

import pytest

from calculators.matching import figure_margin, match_score, offer_annual_value

BASE = {"margins": [], "capacity": None, "quantity": Decimal("100"), "certificates_held": 0,
        "certificates_required": 0, "is_local": False, "has_collaboration": False}


@pytest.mark.parametrize(("value", "threshold", "bound", "expected"), [
    (0.02, 0.01, "min", Decimal("1")),          # twice the minimum: 100 % over
    (0.01, 0.01, "min", Decimal("0")),          # exactly on it
    (0.05, 0.1, "max", Decimal("0.5")),         # half the maximum: 50 % under
    (-40, -20, "max", Decimal("1")),            # temperatures: relative to |t|
    (5, 0, "min", None),                        # no relative margin over zero
])
def test_figure_margin(value, threshold, bound, expected):
    assert figure_margin(value, threshold, bound) == expected


def test_figure_margin_refuses_an_unknown_bound():
    with pytest.raises(ValueError):
        figure_margin(1, 1, "between")


def test_the_perfect_supplier_scores_100():
    score = match_score(**{**BASE, "margins": [Decimal("2")], "capacity": Decimal("150"), "certificates_held": 2,
                           "certificates_required": 2, "is_local": True, "has_collaboration": True})
    assert score.total == Decimal("100.0")
    assert (score.figures, score.capacity, score.certificates, score.local, score.collaboration) == (
        Decimal("40.0"), Decimal("25.0"), Decimal("20.0"), Decimal("10.0"), Decimal("5.0"))


def test_nothing_but_the_filter_scores_the_figures_met_and_no_certificates_asked():
    # No figures asked: the whole 40; no certificates asked: the whole 20; no capacity in the unit: 0.
    assert match_score(**BASE).total == Decimal("60.0")
    assert match_score(**{**BASE, "margins": [Decimal("0")]}).total == Decimal("40.0")


def test_parts_are_proportional():
    score = match_score(**{**BASE, "margins": [Decimal("0.5"), None], "capacity": Decimal("40"),
                           "certificates_held": 1, "certificates_required": 3})
    assert score.figures == Decimal("25.0")       # 20 + 20 × mean(0.5, 0)
    assert score.capacity == Decimal("10.0")      # 25 × 40/100
    assert score.certificates == Decimal("6.7")   # 20 × 1/3
    assert score.total == Decimal("41.7")


@pytest.mark.parametrize("quantity", [Decimal("0"), Decimal("-1")])
def test_no_capacity_share_without_a_positive_quantity(quantity):
    assert match_score(**{**BASE, "capacity": Decimal("10"), "quantity": quantity}).capacity == 0


def test_total_stays_within_0_and_100_for_extreme_inputs():
    for margins in ([Decimal("-5")], [Decimal("1e9")]):
        for capacity in (Decimal("0"), Decimal("1e12")):
            total = match_score(**{**BASE, "margins": margins, "capacity": capacity, "certificates_held": 9,
                                   "certificates_required": 1, "is_local": True}).total
            assert Decimal("0") <= total <= Decimal("100")


def test_offer_annual_value_is_the_quantity_at_the_middle_price_rounded_once():
    assert offer_annual_value(Decimal("12"), Decimal("100.00"), Decimal("200.00")) == Decimal("1800.00")
    assert offer_annual_value(Decimal("0.333"), Decimal("0.01"), Decimal("0.02")) == Decimal("0.00")
    assert offer_annual_value("1", "0.01", "0.02") == Decimal("0.02")  # 0.015 half-up
