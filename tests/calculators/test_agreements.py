"""Supply agreements' arithmetic, without a database: agreement years, delivered against committed, the windows."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calculators.agreements import (
    add_years,
    agreement_years,
    delivered_by_agreement_year,
    percent_of,
    window_before,
    window_since,
)


def spans(years):
    return [(y.number, y.start, y.end, y.is_partial) for y in years]


def test_three_calendar_years_are_three_full_agreement_years():
    assert spans(agreement_years(date(2025, 1, 1), date(2027, 12, 31))) == [
        (1, date(2025, 1, 1), date(2025, 12, 31), False),
        (2, date(2026, 1, 1), date(2026, 12, 31), False),
        (3, date(2027, 1, 1), date(2027, 12, 31), False),
    ]


def test_agreement_years_run_from_the_start_date_and_the_last_is_cut_at_the_end():
    assert spans(agreement_years(date(2025, 3, 15), date(2026, 6, 30))) == [
        (1, date(2025, 3, 15), date(2026, 3, 14), False),
        (2, date(2026, 3, 15), date(2026, 6, 30), True),
    ]


def test_an_agreement_of_one_day_has_one_short_year():
    assert spans(agreement_years(date(2025, 5, 5), date(2025, 5, 5))) == [(1, date(2025, 5, 5), date(2025, 5, 5), True)]


def test_a_start_on_29_february_has_its_anniversaries_on_28_february():
    assert spans(agreement_years(date(2024, 2, 29), date(2026, 12, 31))) == [
        (1, date(2024, 2, 29), date(2025, 2, 27), False),
        (2, date(2025, 2, 28), date(2026, 2, 27), False),
        (3, date(2026, 2, 28), date(2026, 12, 31), True),
    ]
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_an_agreement_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        agreement_years(date(2025, 1, 2), date(2025, 1, 1))


def test_delivered_against_committed_per_agreement_year_by_hand():
    deliveries = [
        (date(2025, 3, 14), Decimal("777.00")),  # the day before the start: not a delivery
        (date(2025, 3, 15), Decimal("100000.00")),  # the first day of year 1
        (date(2026, 3, 14), "250000.50"),  # the last day of year 1
        (date(2026, 3, 15), Decimal("50000.00")),  # the first day of year 2
        (date(2026, 7, 1), Decimal("999.00")),  # after the end
    ]
    rows = delivered_by_agreement_year(date(2025, 3, 15), date(2026, 6, 30), Decimal("1000000.00"), deliveries)
    assert [(r["number"], r["delivered"], r["delivery_count"], r["committed"], r["percent"], r["shortfall"])
            for r in rows] == [
        # 350,000.50 / 1,000,000 = 35.00005 % → 35.00 %
        (1, Decimal("350000.50"), 2, Decimal("1000000.00"), Decimal("35.00"), Decimal("649999.50")),
        # The short last year is measured against the whole year's commitment: not pro-rated.
        (2, Decimal("50000.00"), 1, Decimal("1000000.00"), Decimal("5.00"), Decimal("950000.00")),
    ]
    assert rows[1]["is_partial"] is True


def test_more_delivered_than_committed_has_no_shortfall():
    rows = delivered_by_agreement_year(date(2025, 1, 1), date(2025, 12, 31), "100.00", [(date(2025, 6, 1), "120.00")])
    assert rows[0]["percent"] == Decimal("120.00")
    assert rows[0]["shortfall"] == Decimal("0")


def test_nothing_committed_gives_no_percentage_rather_than_a_division_by_zero():
    rows = delivered_by_agreement_year(date(2025, 1, 1), date(2025, 12, 31), "0", [(date(2025, 6, 1), "10.00")])
    assert rows[0]["percent"] is None
    assert rows[0]["shortfall"] == Decimal("0")


def test_a_year_without_deliveries_shows_zero():
    rows = delivered_by_agreement_year(date(2025, 1, 1), date(2026, 12, 31), "500.00", [])
    assert [(r["delivered"], r["percent"], r["shortfall"]) for r in rows] == [
        (Decimal("0"), Decimal("0.00"), Decimal("500.00"))
    ] * 2


def test_floats_are_refused_as_money():
    with pytest.raises(TypeError):
        delivered_by_agreement_year(date(2025, 1, 1), date(2025, 12, 31), 100.5, [])


@pytest.mark.parametrize(("part", "whole", "expected"), [
    ("1", "3", Decimal("33.33")),
    ("2", "3", Decimal("66.67")),
    ("0", "5", Decimal("0.00")),
    ("5", "5", Decimal("100.00")),
    ("1", "0", None),
    ("0", "0", None),
])
def test_percent_of(part, whole, expected):
    assert percent_of(part, whole) == expected


def test_window_before_is_the_twelve_months_before_the_start():
    assert window_before(date(2025, 3, 1)) == (date(2024, 3, 1), date(2025, 2, 28))
    assert window_before(date(2024, 2, 29)) == (date(2023, 2, 28), date(2024, 2, 28))


def test_window_since_ends_at_the_end_date_or_today_whichever_is_earlier():
    assert window_since(date(2025, 1, 1), date(2027, 12, 31), date(2026, 5, 1)) == (date(2025, 1, 1), date(2026, 5, 1))
    assert window_since(date(2025, 1, 1), date(2025, 6, 30), date(2026, 5, 1)) == (date(2025, 1, 1), date(2025, 6, 30))
    assert window_since(date(2025, 1, 1), None, date(2025, 1, 1)) == (date(2025, 1, 1), date(2025, 1, 1))
    assert window_since(date(2026, 1, 1), None, date(2025, 12, 31)) is None


starts = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@given(starts, st.integers(min_value=0, max_value=4000), st.lists(
    st.tuples(st.integers(min_value=-400, max_value=4400),
              st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2)),
    max_size=30,
))
def test_the_years_tile_the_period_and_the_deliveries_inside_it_add_up(start, length, offsets):
    end = start + timedelta(days=length)
    years = agreement_years(start, end)
    assert years[0].start == start and years[-1].end == end
    for previous, following in zip(years, years[1:], strict=False):
        assert following.start == previous.end + timedelta(days=1)
    deliveries = [(start + timedelta(days=offset), amount) for offset, amount in offsets]
    rows = delivered_by_agreement_year(start, end, "1000.00", deliveries)
    inside = sum((amount for day, amount in deliveries if start <= day <= end), Decimal("0"))
    assert sum((row["delivered"] for row in rows), Decimal("0")) == inside
