"""The talent plan's figures computed from stored records: I = N_grad × p_retain, C = S_base + B_housing + Σ other,
F = n × A_scholar; an empty year is "no data yet", never a division by zero; the scoreboard's four figures."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from policy.scoreboard import Comparison, Status
from talent import selectors
from talent.scoreboard import talent_figures
from tests.talent.conftest import make_base, make_scholarship, make_specialist

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)


def by_year(rows):
    return {row.year: row for row in rows}


def test_no_records_at_all_is_no_years_and_no_data_on_the_scoreboard():
    assert selectors.talent_years() == []
    figures = {figure.key: figure for figure in talent_figures(AnonymousUser(), TODAY)}
    assert figures["talent.graduates"].value is None
    assert figures["talent.graduates"].resolved_status == Status.NO_DATA
    assert figures["talent.retention"].value is None
    assert figures["talent.scholarships"].resolved_status == Status.NO_DATA
    # With no specialist recorded at all the platform cannot tell "none recruited" from "none entered yet".
    assert figures["talent.specialists"].value is None
    assert figures["talent.specialists"].resolved_status == Status.NO_DATA


def test_yearly_totals_sum_the_bases_and_apply_the_formulas(company_x, company_y, university):
    make_base(company_x, university, name="Base A", years=[(2024, 100, 40, 300, 200)])
    make_base(company_y, university, name="Base B", years=[(2024, 50, 20, 200, 100), (2025, 10, 5, 0, 0)])
    rows = by_year(selectors.talent_years())
    year = rows[2024]
    assert (year.graduates, year.retained, year.internships, year.placements) == (500, 300, 150, 60)
    assert year.retention_percent == Decimal("60.00")
    assert year.influx == Decimal("300.00")  # 500 × 0.6
    # A year with figures but no graduate: no retention and no influx, not a division by zero.
    assert rows[2025].has_training_data and rows[2025].graduates == 0
    assert rows[2025].retention is None and rows[2025].influx is None


def test_a_year_between_two_with_records_is_listed_as_no_data(company_x, university):
    make_base(company_x, university, years=[(2022, 1, 1, 10, 5), (2024, 1, 1, 10, 5)])
    rows = by_year(selectors.talent_years())
    assert sorted(rows) == [2022, 2023, 2024]
    assert not rows[2023].has_training_data and rows[2023].retention_percent is None


def test_retained_cannot_outnumber_graduates(company_x, university):
    with pytest.raises(ValidationError) as error:
        make_base(company_x, university, years=[(2024, 0, 0, 10, 11)])
    assert "retained" in error.value.message_dict


def test_a_second_entry_for_the_same_year_replaces_the_first(company_x, university):
    base = make_base(company_x, university, years=[(2024, 1, 1, 10, 5)])
    from talent import services

    services.training_year_save(by=None, base=base, year=2024, internships=2, placements=2, graduates=20, retained=15)
    assert base.years.count() == 1
    assert by_year(selectors.talent_years())[2024].graduates == 20


def test_specialist_total_is_salary_housing_and_other_benefits(company_x):
    specialist = make_specialist(company_x, base_salary="900000", housing="240000.50",
                                 other=[("Schooling", "80000"), ("Relocation", "49999.49")])
    specialist.refresh_from_db()
    assert specialist.total_compensation == Decimal("1269999.99")


def test_changing_a_package_part_recomputes_the_total(company_x):
    from talent import services

    specialist = make_specialist(company_x, base_salary="100", housing="0")
    services.specialist_save(by=None, company=company_x, data={"housing": Decimal("50")}, specialist=specialist)
    specialist.refresh_from_db()
    assert specialist.total_compensation == Decimal("150.00")


@pytest.mark.parametrize("other", [
    "not a list", [{"label": "", "amount": "1"}], [{"label": "x", "amount": "-1"}],
    [{"label": "x", "amount": "NaN"}], [{"label": "x", "amount": "1e30"}], [{"label": "x", "amount": "1", "y": 2}],
    [{"label": "x", "amount": "1"}] * 11,
])
def test_other_benefits_are_refused_naming_the_field(company_x, other):
    from talent import services

    with pytest.raises(ValidationError) as error:
        services.specialist_save(by=None, company=company_x, data={
            "year": 2025, "field": "cells", "base_salary": Decimal("1"), "housing": Decimal("0"),
            "other_benefits": other})
    assert "other_benefits" in error.value.message_dict


def test_scholarship_fund_is_recipients_times_award_summed_over_the_year(company_x, company_y):
    make_scholarship(company_x, year=2025, award="10000", recipients=30)
    make_scholarship(company_y, year=2025, award="8000.50", recipients=20, name="Other")
    make_scholarship(company_y, year=2024, award="5000", recipients=0)  # no recipient yet: F = 0
    rows = by_year(selectors.talent_years())
    assert (rows[2025].scholarships, rows[2025].recipients, rows[2025].fund) == (2, 50, Decimal("460010.00"))
    assert (rows[2024].scholarships, rows[2024].recipients, rows[2024].fund) == (1, 0, Decimal("0.00"))


def test_scoreboard_figures_against_the_plans_targets(company_x, university):
    make_base(company_x, university, years=[(2024, 0, 0, 400, 250), (2025, 0, 0, 510, 300)])
    for year, count in ((2023, 5), (2024, 8), (2025, 7), (2026, 6)):
        for n in range(count):
            make_specialist(company_x, year=year, reference=f"{year}-{n}")
    make_scholarship(company_x, year=2024, recipients=50)
    make_scholarship(company_x, year=2025, recipients=49)
    figures = {figure.key: figure for figure in talent_figures(AnonymousUser(), TODAY)}

    graduates = figures["talent.graduates"]
    assert (graduates.value, graduates.target, graduates.comparison) == (Decimal("510"), Decimal("500"),
                                                                         Comparison.MORE_THAN)
    assert graduates.resolved_status == Status.MET
    # Every year with any record of the plan, a year without the bases' figures as None (no data yet).
    assert dict(graduates.trend) == {2023: None, 2024: Decimal("400"), 2025: Decimal("510"), 2026: None}

    retention = figures["talent.retention"]
    assert retention.value == Decimal("58.82")  # 300 / 510
    assert retention.resolved_status == Status.BEHIND

    specialists = figures["talent.specialists"]  # 2024–2026: 8 + 7 + 6
    assert (specialists.value, specialists.target_low, specialists.target) == (Decimal("21"), 20, 30)
    assert specialists.comparison == Comparison.BETWEEN and specialists.resolved_status == Status.MET
    assert dict(specialists.trend)[2025] == Decimal("20")  # 2023–2025: 5 + 8 + 7

    scholarships = figures["talent.scholarships"]
    assert scholarships.value == Decimal("49") and scholarships.resolved_status == Status.BEHIND
    assert dict(scholarships.trend)[2024] == Decimal("50")
    assert all(figure.public and figure.group == "talent" and figure.url == "/talent/" for figure in figures.values())


def test_too_many_specialists_in_three_years_is_not_met(company_x):
    for n in range(31):
        make_specialist(company_x, year=2026, reference=f"x{n}")
    figure = {f.key: f for f in talent_figures(AnonymousUser(), TODAY)}["talent.specialists"]
    assert figure.value == Decimal("31") and figure.resolved_status == Status.BEHIND
