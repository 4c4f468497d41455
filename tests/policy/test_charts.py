"""The small trend charts' geometry and their text alternatives (no database)."""

from decimal import Decimal

import pytest

from policy import charts
from policy.scoreboard import Figure


def figure(trend, trend_target=(), unit="%", label="LCR"):
    return Figure(key="k", group="lcr", label=label, value=None, target=None, unit=unit, trend=tuple(trend),
                  trend_target=tuple(trend_target))


@pytest.mark.parametrize(("values", "unit", "top"), [
    ([Decimal("45")], "%", Decimal("100")),
    ([Decimal("450000")], "CNY", Decimal("500000")),
    ([Decimal("1800000")], "CNY", Decimal("2000000")),
    ([Decimal("3")], "", Decimal("5")),
    ([Decimal("10")], "", Decimal("10")),
    ([Decimal("0")], "", Decimal("1")),
    ([], "", Decimal("1")),
])
def test_the_axis_ends_at_a_round_number_above_every_value(values, unit, top):
    assert charts._axis_top(values, unit) == top


def test_no_trend_no_chart():
    assert charts.trend_chart(figure(())) is None


def test_bars_stand_on_the_axis_and_a_year_without_data_has_none():
    chart = charts.trend_chart(figure([(2025, Decimal("40")), (2026, None), (2027, Decimal("100"))],
                                      [(2025, Decimal("40")), (2026, Decimal("46")), (2027, Decimal("52"))]))
    first, empty, full = chart["bars"]
    assert first["y"] + first["height"] == chart["base_y"]
    assert full["y"] == chart["top_y"]  # 100 % reaches the top of the axis
    assert "y" not in empty
    assert first["centre"] < empty["centre"] < full["centre"] <= chart["right"]
    # The target path passes through every year that has a target, the 40 % dot level with the first bar's top.
    assert len(chart["target_dots"]) == 3
    assert chart["target_dots"][0]["y"] == first["y"]
    assert chart["top_label"] == "100.00 %"


def test_with_many_years_every_other_year_is_labelled_and_the_last_always():
    chart = charts.trend_chart(figure([(year, Decimal("1")) for year in range(2015, 2027)], unit=""))
    labelled = [bar["year"] for bar in chart["bars"] if bar["label"]]
    assert labelled[0] == 2015 and labelled[-1] == 2026
    assert len(labelled) < 12


def test_the_text_alternative_names_the_first_and_last_year_and_the_last_target():
    text = charts.trend_summary(figure([(2025, Decimal("40.00")), (2026, Decimal("45.00"))],
                                       [(2025, Decimal("40.00")), (2026, Decimal("46.00"))]))
    assert text == "LCR: 40.00 % in 2025, 45.00 % in 2026. The target for 2026 is 46.00 %."
    assert charts.trend_summary(figure([(2026, Decimal("3"))], unit="", label="Standards")) == (
        "Standards: 3 in 2026.")
    assert charts.trend_summary(figure([(2026, None)])) == "LCR: no data yet for any year."
