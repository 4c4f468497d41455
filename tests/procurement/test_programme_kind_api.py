"""The applications API for the R&D matching fund, the energy quota and the standards reward: the basis each kind
asks for, the server's amounts, hostile input answered with 400 naming the field, and the caller's own list."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from procurement import applications as workflow
from procurement.models import SubsidyApplication, SubsidyProgramme
from tests import factories

URL = "/api/v1/applications/"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def seeded(code):
    return SubsidyProgramme.objects.get(code=code, version=1)


@pytest.fixture
def rd(db):
    return seeded("rd-matching")


@pytest.fixture
def energy(db):
    return seeded("energy-quota")


@pytest.fixture
def reward(db):
    return seeded("standards-reward")


def project(**fields):
    values = {
        "name": "Sulfide cell pilot line", "national_programme": "National Key R&D Programme",
        "project_number": "2025YFB2400100", "started_on": "2025-07-01", "ends_on": "2028-06-30",
        "total_investment": "10000000.10",
    }
    values.update(fields)
    return values


def quota(**fields):
    values = {"base_name": "Wujiang cell base", "base_address": "1 Jiangxing Road", "quota_year": 2026,
              "standard_quota": "1000.000", "unit": "kWh"}
    values.update(fields)
    return values


def post(user, data):
    return api(user).post(URL, data, format="json")


def nothing_saved():
    return not SubsidyApplication.objects.exists()


# --- creating a draft of each kind ---------------------------------------------------------------------------

def test_create_an_rd_matching_draft(supplier_x, rd):
    response = post(supplier_x, {"programme": rd.pk, "major_project": project(), "amount": "1.00",
                                 "eligible_total": "1.00", "quota_granted": "5"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "rd_matching" and body["status"] == "draft"
    # 0.15 × 10,000,000.10 = 1,500,000.015 → 1,500,000.02
    assert body["amount"] == "1500000.02" and body["eligible_total"] == "10000000.10"
    assert body["quota_granted"] is None and body["quota_unit"] == ""
    assert body["basis"]["major_project"]["project_number"] == "2025YFB2400100"
    assert body["basis"]["major_project"]["total_investment"] == "10000000.10"


def test_create_an_energy_quota_draft(supplier_x, energy):
    response = post(supplier_x, {"programme": energy.pk, "energy_quota": quota(standard_quota="12.345", unit="tce"),
                                 "amount": "999.00"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "energy_quota"
    assert body["amount"] is None and body["eligible_total"] is None
    # 12.345 × 1.10 = 13.5795, kept to a thousandth of the unit: 13.580
    assert Decimal(body["quota_granted"]) == Decimal("13.580") and body["quota_unit"] == "tce"
    assert body["basis"]["energy_quota"]["standard_quota"] == "12.345"


def test_create_a_standards_reward_draft(supplier_x, reward):
    participation = factories.make_participation(
        supplier_x.company, factories.make_standard(body="IEC", code="IEC 62660-7"), role="lead", status="verified"
    )
    response = post(supplier_x, {"programme": reward.pk, "participation": participation.pk, "amount": "5.00"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "standards_reward" and body["amount"] == "1000000.00"
    assert body["basis"] == {"participation": participation.pk, "standard": "IEC 62660-7", "role": "lead"}


def test_submit_an_energy_quota_draft(supplier_x, energy):
    created = post(supplier_x, {"programme": energy.pk, "energy_quota": quota()}).json()
    response = api(supplier_x).post(f"{URL}{created['id']}/submit/")
    assert response.status_code == 200
    assert response.json()["status"] == "submitted" and Decimal(response.json()["quota_granted"]) == Decimal("1100")


def test_the_basis_of_another_kind_is_not_accepted(supplier_x, rd):
    response = post(supplier_x, {"programme": rd.pk, "energy_quota": quota()})
    assert response.status_code == 400 and "major_project" in response.json()
    assert nothing_saved()


# --- hostile input: 400 naming the field, never 500 ---------------------------------------------------------

def test_a_nul_byte_in_the_project_name_is_refused(supplier_x, rd):
    response = post(supplier_x, {"programme": rd.pk, "major_project": project(name="Pilot\x00line")})
    assert response.status_code == 400
    assert "name" in response.json()["major_project"]
    assert nothing_saved()


@pytest.mark.parametrize("investment", ["1E+26", 1e26, "1e400", "NaN", "Infinity", "-1", "0", "0.001",
                                        "100000000000000.00"])
def test_an_impossible_total_investment_is_refused(supplier_x, rd, investment):
    response = post(supplier_x, {"programme": rd.pk, "major_project": project(total_investment=investment)})
    assert response.status_code == 400, response.content
    assert "total_investment" in response.json()["major_project"]
    assert nothing_saved()


def test_the_largest_total_investment_accepted_is_kept_exactly(supplier_x, rd):
    # 15 significant digits: what every supported database (SQLite included) keeps exactly.
    response = post(supplier_x, {"programme": rd.pk, "major_project": project(total_investment="9999999999999.99")})
    assert response.status_code == 201, response.content
    # 0.15 × 9,999,999,999,999.99 = 1,499,999,999,999.9985 → 1,500,000,000,000.00 (half-up, once)
    assert response.json()["amount"] == "1500000000000.00"
    too_large = post(supplier_x, {"programme": rd.pk, "major_project": project(
        total_investment="10000000000000.00", project_number="2025YFB9999999")})
    assert too_large.status_code == 400 and "total_investment" in too_large.json()["major_project"]


@pytest.mark.parametrize("field, value", [
    ("started_on", "2025-02-30"), ("ends_on", "not a date"), ("project_number", "x" * 61), ("name", ""),
])
def test_a_bad_project_field_is_named(supplier_x, rd, field, value):
    response = post(supplier_x, {"programme": rd.pk, "major_project": project(**{field: value})})
    assert response.status_code == 400
    assert field in response.json()["major_project"]


def test_a_project_ending_before_it_starts_is_named(supplier_x, rd):
    response = post(supplier_x, {"programme": rd.pk,
                                 "major_project": project(started_on="2026-07-01", ends_on="2026-06-30")})
    assert response.status_code == 400 and "ends_on" in response.json()


def test_a_second_application_for_the_project_is_named(supplier_x, supplier_y, rd):
    assert post(supplier_x, {"programme": rd.pk, "major_project": project()}).status_code == 201
    response = post(supplier_y, {"programme": rd.pk, "major_project": project()})
    assert response.status_code == 400 and "project_number" in response.json()


@pytest.mark.parametrize("standard_quota", ["1e30", 1e30, "1E+16", "NaN", "0", "-5", "0.0001"])
def test_an_impossible_standard_quota_is_refused(supplier_x, energy, standard_quota):
    response = post(supplier_x, {"programme": energy.pk, "energy_quota": quota(standard_quota=standard_quota)})
    assert response.status_code == 400, response.content
    assert "standard_quota" in response.json()["energy_quota"]
    assert nothing_saved()


@pytest.mark.parametrize("field, value", [("unit", "MWh"), ("quota_year", 1999), ("quota_year", 2101),
                                          ("base_name", "Base\x00")])
def test_a_bad_quota_field_is_named(supplier_x, energy, field, value):
    response = post(supplier_x, {"programme": energy.pk, "energy_quota": quota(**{field: value})})
    assert response.status_code == 400
    assert field in response.json()["energy_quota"]


def test_another_companys_participation_is_refused_without_saying_whose(supplier_x, company_y, reward):
    company_y.name = "Hidden Rival Cells Ltd"
    company_y.save()
    theirs = factories.make_participation(
        company_y, factories.make_standard(body="ISO", code="ISO 12405-77"), role="lead", status="verified"
    )
    response = post(supplier_x, {"programme": reward.pk, "participation": theirs.pk})
    missing = post(supplier_x, {"programme": reward.pk, "participation": 987654321})
    assert response.status_code == 400 and missing.status_code == 400
    assert "participation" in response.json()
    assert response.json() == missing.json()
    text = response.content.decode()
    assert "Hidden Rival" not in text and "12405-77" not in text
    assert nothing_saved()


@pytest.mark.parametrize("participation", [99999999999999999999, "99999999999999999999", 2**63, 0, -1, "abc",
                                           None, 1.5, [1], {"id": 1}])
def test_an_impossible_participation_id_is_refused(supplier_x, reward, participation):
    response = post(supplier_x, {"programme": reward.pk, "participation": participation})
    assert response.status_code == 400, response.content
    assert "participation" in response.json()
    assert nothing_saved()


@pytest.mark.parametrize("programme", [99999999999999999999, "abc", None])
def test_an_impossible_programme_is_refused(supplier_x, db, programme):
    response = post(supplier_x, {"programme": programme, "participation": 1})
    assert response.status_code == 400 and "programme" in response.json()


# --- the caller's own applications ---------------------------------------------------------------------------

def test_the_list_shows_every_kind_of_the_callers_company_only(supplier_x, supplier_y, rd, energy, reward):
    colleague = factories.make_user(supplier_x.company)
    mine = {
        post(supplier_x, {"programme": rd.pk, "major_project": project()}).json()["id"],
        post(colleague, {"programme": energy.pk, "energy_quota": quota()}).json()["id"],
        post(supplier_x, {"programme": reward.pk, "participation": factories.make_participation(
            supplier_x.company, status="verified").pk}).json()["id"],
    }
    theirs = post(supplier_y, {"programme": energy.pk, "energy_quota": quota()}).json()["id"]
    body = api(supplier_x).get(URL).json()
    rows = body["results"] if isinstance(body, dict) else body
    assert {row["id"] for row in rows} == mine
    assert {row["kind"] for row in rows} == {"rd_matching", "energy_quota", "standards_reward"}
    assert api(supplier_x).get(f"{URL}{theirs}/").status_code == 404
    assert api(supplier_y).post(f"{URL}{min(mine)}/submit/").status_code == 404


def test_an_official_does_not_decide_through_the_api(official, supplier_x, energy):
    created = post(supplier_x, {"programme": energy.pk, "energy_quota": quota()}).json()
    workflow.application_submit(by=supplier_x, application=SubsidyApplication.objects.get(pk=created["id"]))
    response = api(official).post(f"{URL}{created['id']}/approve/")
    assert response.status_code in (403, 404, 405)
    assert SubsidyApplication.objects.get(pk=created["id"]).status == "submitted"


# --- the schema ----------------------------------------------------------------------------------------------

def test_the_openapi_schema_builds_and_describes_every_basis(db):
    response = api().get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for name in ("major_project", "energy_quota", "participation", "quota_granted", "quota_unit"):
        assert name in text
