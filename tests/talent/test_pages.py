"""An organisation enters its talent figures under /my/talent/: what is saved, and what hostile input gets (a
message beside the field, nothing saved, never a 500)."""

from decimal import Decimal

import pytest

from talent.models import OverseasSpecialist, Scholarship, TrainingBase, TrainingYear
from tests.conftest import client_for
from tests.talent.conftest import make_base, make_scholarship

pytestmark = pytest.mark.django_db

SPECIALIST = {"reference": "OS-1", "year": "2025", "field": "electrolytes", "base_salary": "900,000",
              "housing": "240000", "benefit_1_label": "Schooling", "benefit_1_amount": "80000"}


def field_errors(response, name):
    return response.context["form"].errors.get(name)


def test_record_a_base_and_its_year(supplier_x, university, company_y):
    client = client_for(supplier_x)
    response = client.post("/my/talent/bases/new/", {"name": "Joint base", "institution": university.pk,
                                                     "companies": [company_y.pk]})
    assert response.status_code == 302
    base = TrainingBase.objects.get()
    assert (base.organisation, base.institution, list(base.companies.all())) == (supplier_x.company, university,
                                                                                   [company_y])
    response = client.post(f"/my/talent/bases/{base.pk}/year/", {
        "year": "2025", "internships": "40", "placements": "20", "graduates": "1,200", "retained": "800"})
    assert response.status_code == 302
    assert TrainingYear.objects.get().graduates == 1200


def test_institution_must_be_a_university_or_institute(supplier_x, company_y):
    response = client_for(supplier_x).post("/my/talent/bases/new/", {"name": "B", "institution": company_y.pk})
    assert field_errors(response, "institution")
    assert not TrainingBase.objects.exists()


@pytest.mark.parametrize(("data", "field"), [
    ({"graduates": "10", "retained": "11"}, "retained"),
    ({"graduates": "99999999999999999999"}, "graduates"),
    ({"internships": "-1"}, "internships"),
    ({"year": "1999"}, "year"),
    ({"placements": "2.5"}, "placements"),
])
def test_year_figures_refused_beside_the_field(supplier_x, university, data, field):
    base = make_base(supplier_x.company, university)
    body = {"year": "2025", "internships": "0", "placements": "0", "graduates": "10", "retained": "5", **data}
    response = client_for(supplier_x).post(f"/my/talent/bases/{base.pk}/year/", body)
    assert response.status_code == 200 and field_errors(response, field)
    assert not TrainingYear.objects.exists()


def test_record_a_specialist_computes_the_total(supplier_x):
    response = client_for(supplier_x).post("/my/talent/specialists/new/", SPECIALIST)
    assert response.status_code == 302
    specialist = OverseasSpecialist.objects.get()
    assert specialist.total_compensation == Decimal("1220000.00")
    assert specialist.other_benefits == [{"label": "Schooling", "amount": "80000.00"}]
    assert specialist.company == supplier_x.company


@pytest.mark.parametrize(("data", "field"), [
    ({"base_salary": "1e30"}, "base_salary"),
    ({"base_salary": "99999999999999999999"}, "base_salary"),
    ({"housing": "-5"}, "housing"),
    ({"reference": "OS\x00"}, "reference"),
    ({"benefit_2_label": "Car"}, "benefit_2_amount"),
    ({"benefit_2_amount": "5"}, "benefit_2_label"),
    ({"field": "astrology"}, "field"),
])
def test_hostile_specialist_input_is_refused_beside_the_field(supplier_x, data, field):
    response = client_for(supplier_x).post("/my/talent/specialists/new/", {**SPECIALIST, **data})
    assert response.status_code == 200 and field_errors(response, field)
    assert not OverseasSpecialist.objects.exists()


def test_a_scholarship_and_its_recipients_make_the_fund(supplier_x, university):
    client = client_for(supplier_x)
    response = client.post("/my/talent/scholarships/new/", {"name": "SSB", "institution": university.pk,
                                                            "year": "2025", "award": "10,000"})
    assert response.status_code == 302
    scholarship = Scholarship.objects.get()
    response = client.post(f"/my/talent/scholarships/{scholarship.pk}/", {
        "count": "12", "degree": "doctorate", "field": "cells", "reference_prefix": "PHD-"})
    assert response.status_code == 302
    page = client.get(f"/my/talent/scholarships/{scholarship.pk}/").content.decode()
    assert "¥120,000.00" in page and "PHD-012" in page
    recipient = scholarship.recipients.first()
    assert client.post(f"/my/talent/recipients/{recipient.pk}/remove/").status_code == 302
    assert scholarship.recipients.count() == 11


@pytest.mark.parametrize("count", ["0", "501", "99999999999999999999", "x"])
def test_recipient_count_out_of_bounds_is_refused(supplier_x, count):
    scholarship = make_scholarship(supplier_x.company)
    response = client_for(supplier_x).post(f"/my/talent/scholarships/{scholarship.pk}/", {
        "count": count, "degree": "master", "field": "cells"})
    assert response.status_code == 200 and field_errors(response, "count")
    assert not scholarship.recipients.exists()


def test_the_same_scholarship_twice_a_year_is_refused_naming_it(supplier_x):
    make_scholarship(supplier_x.company, name="SSB", year=2025)
    response = client_for(supplier_x).post("/my/talent/scholarships/new/", {"name": "SSB", "year": "2025",
                                                                           "award": "1"})
    assert response.status_code == 200 and field_errors(response, "name")
