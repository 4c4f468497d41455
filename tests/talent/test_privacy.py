"""Who sees the talent plan's records: the organisation that entered them and officials; the public sees yearly
totals only. Another organisation and anonymous callers get a 404 (pages, API records) or nothing (lists)."""

import pytest
from django.test import Client

from talent.models import OverseasSpecialist
from talent.permissions import can_see_talent_record
from tests.conftest import client_for
from tests.talent.conftest import make_base, make_scholarship, make_specialist

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(company_x, university):
    return {
        "base": make_base(company_x, university, name="X base", years=[(2025, 40, 20, 120, 80)]),
        "specialist": make_specialist(company_x, year=2025, reference="OS-SECRET-7"),
        "scholarship": make_scholarship(company_x, year=2025, recipients=3),
    }


def test_the_predicate_by_role(records, supplier_x, supplier_y, official, anchor_user):
    from django.contrib.auth.models import AnonymousUser

    for record in (records["specialist"], records["base"], records["base"].years.get(),
                   records["scholarship"], records["scholarship"].recipients.first()):
        assert can_see_talent_record(supplier_x, record)
        assert can_see_talent_record(official, record)
        assert not can_see_talent_record(supplier_y, record)
        assert not can_see_talent_record(anchor_user, record)
        assert not can_see_talent_record(AnonymousUser(), record)


def test_public_page_shows_totals_and_no_record(records):
    response = Client().get("/talent/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-year="2025"' in html
    assert "66.67 %" in html  # 80 of 120 graduates retained
    assert "X base" in html  # a base is organisations, public
    assert "OS-SECRET-7" not in html and "S-001" not in html


def test_public_page_with_nothing_recorded_says_no_data_yet(db):
    response = Client().get("/talent/")
    assert response.status_code == 200
    assert "No data yet" in response.content.decode()


def test_public_page_refuses_an_unknown_parameter(db):
    response = Client().get("/talent/", {"yeer": "2025"})
    assert response.status_code == 400 and "yeer" in response.content.decode()


def test_own_pages_show_the_organisations_records(records, supplier_x):
    html = client_for(supplier_x).get("/my/talent/").content.decode()
    assert "OS-SECRET-7" in html and "X base" in html
    assert "Talent plan" in client_for(supplier_x).get("/my/").content.decode()


def _record_urls(records):
    return [
        f"/my/talent/bases/{records['base'].pk}/edit/",
        f"/my/talent/bases/{records['base'].pk}/year/",
        f"/my/talent/specialists/{records['specialist'].pk}/edit/",
        f"/my/talent/scholarships/{records['scholarship'].pk}/",
        f"/my/talent/scholarships/{records['scholarship'].pk}/edit/",
    ]


def test_another_organisation_gets_404_on_every_record_page(records, supplier_x, supplier_y):
    for url in _record_urls(records):
        assert client_for(supplier_x).get(url).status_code == 200, url
        assert client_for(supplier_y).get(url).status_code == 404, url
    recipient = records["scholarship"].recipients.first()
    assert client_for(supplier_y).post(f"/my/talent/recipients/{recipient.pk}/remove/").status_code == 404
    assert records["scholarship"].recipients.count() == 3


def test_anonymous_is_sent_to_log_in(records):
    for url in ["/my/talent/", *_record_urls(records)]:
        response = Client().get(url)
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]


def test_api_totals_are_public(records):
    response = Client().get("/api/v1/talent/years/")
    assert response.status_code == 200
    (row,) = response.json()
    assert row == {
        "year": 2025, "graduates": 120, "retained": 80, "retention_percent": "66.67", "influx": "80.00",
        "internships": 40, "placements": 20, "specialists": 1, "scholarships": 1, "recipients": 3,
        "fund": "30000.00",
    }


RECORD_LISTS = ["/api/v1/talent/training-bases/", "/api/v1/talent/training-years/",
                "/api/v1/talent/specialists/", "/api/v1/talent/scholarships/"]


def test_api_records_by_role(records, supplier_x, supplier_y, official):
    for url in RECORD_LISTS:
        assert Client().get(url).status_code == 401, url
        assert client_for(supplier_x).get(url).json()["count"] == 1, url
        assert client_for(official).get(url).json()["count"] == 1, url
        assert client_for(supplier_y).get(url).json()["count"] == 0, url
    detail = f"/api/v1/talent/specialists/{records['specialist'].pk}/"
    assert client_for(supplier_y).get(detail).status_code == 404
    assert Client().get(detail).status_code == 401
    body = client_for(supplier_x).get(detail).json()
    assert body["reference"] == "OS-SECRET-7" and body["total_compensation"] == "1140000.00"
    scholarship = client_for(official).get(f"/api/v1/talent/scholarships/{records['scholarship'].pk}/").json()
    assert (scholarship["recipient_count"], scholarship["fund"]) == (3, "30000.00")


def test_api_records_are_read_only(records, supplier_x):
    response = client_for(supplier_x).post("/api/v1/talent/specialists/", {"year": 2025},
                                           content_type="application/json")
    assert response.status_code == 405
    assert OverseasSpecialist.objects.count() == 1


@pytest.mark.parametrize("url", ["/api/v1/talent/years/", *RECORD_LISTS])
def test_api_lists_refuse_unknown_parameters(records, supplier_x, url):
    response = client_for(supplier_x).get(url, {"yeer": "2025"})
    assert response.status_code == 400 and "yeer" in response.json()


@pytest.mark.parametrize(("params", "field"), [
    ({"from": "1999"}, "from"), ({"to": "20x5"}, "to"), ({"from": "2026", "to": "2025"}, "to"),
    ({"from": "99999999999999999999999"}, "from"),
])
def test_api_totals_refuse_bad_years_naming_them(db, params, field):
    response = Client().get("/api/v1/talent/years/", params)
    assert response.status_code == 400 and field in response.json()


@pytest.mark.parametrize("params", [{"year": "2025.5"}, {"year": "99999999999999999999"}])
def test_api_record_filters_refuse_bad_values(records, supplier_x, params):
    response = client_for(supplier_x).get("/api/v1/talent/specialists/", params)
    assert response.status_code == 400 and "year" in response.json()


def test_huge_record_id_is_a_404(records, supplier_x):
    assert client_for(supplier_x).get("/api/v1/talent/specialists/99999999999999999999999/").status_code == 404
    assert client_for(supplier_x).get("/my/talent/specialists/99999999999999999999999/edit/").status_code == 404


def test_officials_admin_lists_and_changes_with_history(records, official, supplier_x):
    client = client_for(official)
    assert "OS-SECRET-7" in client.get("/admin/talent/overseasspecialist/").content.decode()
    specialist = records["specialist"]
    response = client.post(f"/admin/talent/overseasspecialist/{specialist.pk}/change/", {
        "reference": "OS-SECRET-7", "year": "2025", "field": "cells", "base_salary": "1000000", "housing": "0",
        "other_benefits": '[{"label": "Schooling", "amount": "5000"}]',
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    specialist.refresh_from_db()
    assert specialist.total_compensation == 1005000  # computed again from the corrected parts
    assert specialist.history.count() == 2
    assert client.get(f"/admin/talent/overseasspecialist/{specialist.pk}/history/").status_code == 200
    # A company's user is not staff: the admin is closed to it.
    assert client_for(supplier_x).get("/admin/talent/overseasspecialist/").status_code == 302
