"""The fund's API: applying through /api/v1/applications/ with the R&D fund basis, the projects list and record
with their filters, the reports under a project (lead and officials only), and hostile input."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from procurement.models import SubsidyApplication
from research.models import ProgressReport, ResearchProject
from tests import factories
from tests.research.conftest import file_report, granted_project

PROJECTS = "/api/v1/research/projects/"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def project_body(**changes):
    values = {
        "title": "Sulfide electrolyte at ton scale", "summary": "Halve the cost.", "direction": "solid_electrolytes",
        "category": "sulfide-electrolyte", "partners": [], "budget": "8000000.00", "amount_requested": "3000000.00",
        "started_on": "2026-01-01", "ends_on": "2028-12-31",
        "targets": [{"figure": "ionic_conductivity", "baseline": "3e-3", "target": "1.2e-2"},
                    {"figure": "cost_per_kg", "baseline": "2000"}],
    }
    values.update(changes)
    return values


def apply(user, programme, **changes):
    return api(user).post("/api/v1/applications/", {"programme": programme.pk, "research_project":
                                                    project_body(**changes), "amount": "99999.00"}, format="json")


def test_apply_and_submit_through_the_applications_api(supplier_x, rd_fund):
    response = apply(supplier_x, rd_fund)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "rd_fund" and body["status"] == "draft"
    assert body["amount"] == "3000000.00" and body["eligible_total"] == "8000000.00"  # the client's amount ignored
    basis = body["basis"]["research_project"]
    assert basis["category"] == "sulfide-electrolyte"
    assert {"figure": "cost_per_kg", "baseline": "2000", "target": "1000"} in basis["targets"]
    submitted = api(supplier_x).post(f"/api/v1/applications/{body['id']}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": "Sulfide\x00electrolyte"}, "title"),
    ({"budget": "1e30"}, "budget"),
    ({"amount_requested": "6000000.00", "budget": "20000000.00"}, "amount_requested"),  # above the cap
    ({"targets": [{"figure": "ionic_conductivity", "baseline": "3e-3", "target": "5"},
                  {"figure": "cost_per_kg", "baseline": "2000"}]}, "target_ionic_conductivity"),
    ({"targets": [{"figure": "warp_speed", "baseline": "1", "target": "2"}]}, "research_project"),
    ({"targets": [{"figure": "cost_per_kg", "baseline": "2000"}, {"figure": "cost_per_kg", "baseline": "9"}]},
     "targets"),
    ({"targets": []}, "research_project"),
    ({"partners": [2**63]}, "research_project"),
    ({"category": "cathode-materials"}, "category"),
])
def test_hostile_applications_are_400_naming_the_field(supplier_x, rd_fund, changes, field):
    response = apply(supplier_x, rd_fund, **changes)
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body or field in body.get("research_project", {})
    assert not SubsidyApplication.objects.exists()


def test_the_list_is_public_for_granted_projects_only(supplier_x, supplier_y, official, rd_fund, project_x):
    apply(supplier_x, rd_fund, title="Draft of X")
    anonymous = api().get(PROJECTS).json()
    assert [p["title"] for p in anonymous["results"]] == [project_x.title]
    record = anonymous["results"][0]
    assert record["status"] == "approved" and record["grant"] == "3000000.00" and record["lead"]["name"]
    assert {t["figure"] for t in record["targets"]} == {"ionic_conductivity", "cost_per_kg"}
    assert record["targets"][0]["progress_percent"] is None  # no data yet
    assert len(api(supplier_y).get(PROJECTS).json()["results"]) == 1
    assert len(api(supplier_x).get(PROJECTS).json()["results"]) == 2
    assert len(api(official).get(PROJECTS).json()["results"]) == 2


def test_filters_are_the_pages_filters(supplier_x, official, rd_fund, project_x):
    electrode = granted_project(supplier_x, official, rd_fund, title="Li-rich", direction="electrodes",
                                category="li-rich-mn-cathode",
                                targets={"specific_capacity": {"baseline": "250", "target": "310"}})

    def titles(query):
        return [p["title"] for p in api().get(PROJECTS + query).json()["results"]]

    assert titles("?direction=electrodes") == [electrode.title]
    assert titles("?category=solid-electrolytes") == [project_x.title]
    assert titles("?status=approved") == [electrode.title, project_x.title]
    assert titles("?status=draft") == []
    assert titles("?figure=specific_capacity") == [electrode.title]
    assert api().get(PROJECTS + "?direction=nope").status_code == 400
    assert api().get(PROJECTS + "?category=isostatic-press").status_code == 400  # not a material of the fund
    assert api().get(PROJECTS + "?colour=red").status_code == 400


def test_the_record_shows_each_targets_path(supplier_x, project_x):
    file_report(supplier_x, project_x, ionic_conductivity="7.5e-3")
    record = api().get(f"{PROJECTS}{project_x.pk}/").json()
    conductivity = next(t for t in record["targets"] if t["figure"] == "ionic_conductivity")
    assert conductivity["progress_percent"] == "50.00" and conductivity["reached"] is False
    assert conductivity["path"] == [{"reported_on": "2026-06-01", "value": "0.007500000000",
                                     "progress_percent": "50.00"}]


@pytest.mark.parametrize("pk", ["999999", "99999999999999999999999", "abc"])
def test_unknown_ids_are_404(db, pk):
    assert api().get(f"{PROJECTS}{pk}/").status_code == 404


def test_another_companys_draft_is_404(supplier_x, supplier_y, rd_fund):
    draft = apply(supplier_x, rd_fund).json()
    project = ResearchProject.objects.get(application_id=draft["id"])
    assert api(supplier_y).get(f"{PROJECTS}{project.pk}/").status_code == 404
    assert api().get(f"{PROJECTS}{project.pk}/").status_code == 404
    assert api(supplier_x).get(f"{PROJECTS}{project.pk}/").status_code == 200


# --- reports -------------------------------------------------------------------------------------------------

def report_data(**changes):
    values = {"reported_on": "2026-06-01", "measurements": '{"ionic_conductivity": "9e-3"}',
              "evidence": factories.document_upload("pdf"), "note": "Batch 12"}
    values.update(changes)
    return values


def test_the_lead_files_and_reads_its_reports(supplier_x, project_x):
    url = f"{PROJECTS}{project_x.pk}/reports/"
    response = api(supplier_x).post(url, report_data(), format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["measurements"] == {"ionic_conductivity": "0.009000000000"}
    listed = api(supplier_x).get(url).json()["results"]
    assert len(listed) == 1 and listed[0]["evidence_url"].endswith(f"/research/reports/{listed[0]['id']}/evidence/")


@pytest.mark.parametrize("role", ["anonymous", "supplier_y", "anchor"])
def test_other_companies_never_see_the_reports(role, supplier_x, supplier_y, anchor_user, project_x):
    file_report(supplier_x, project_x, ionic_conductivity="9e-3")
    user = {"anonymous": None, "supplier_y": supplier_y, "anchor": anchor_user}[role]
    url = f"{PROJECTS}{project_x.pk}/reports/"
    assert api(user).get(url).status_code in (401, 403, 404)
    assert api(user).post(url, report_data(), format="multipart").status_code in (401, 403, 404)
    assert ProgressReport.objects.count() == 1
    record = api(user).get(f"{PROJECTS}{project_x.pk}/").content.decode()
    assert "evidence" not in record  # the public record carries no report files


def test_officials_read_every_report(official, supplier_x, project_x):
    file_report(supplier_x, project_x, ionic_conductivity="9e-3")
    assert len(api(official).get(f"{PROJECTS}{project_x.pk}/reports/").json()["results"]) == 1


@pytest.mark.parametrize(("changes", "field"), [
    ({"measurements": '{"ionic_conductivity": "5"}'}, "value_ionic_conductivity"),
    ({"measurements": '{"ionic_conductivity": "1e99999999"}'}, "value_ionic_conductivity"),
    ({"measurements": "not json"}, "measurements"),
    ({"measurements": '["9e-3"]'}, "measurements"),
    ({"measurements": '{"specific_capacity": "300"}'}, "measurements"),
    ({"note": "bad\x00note"}, "note"),
    ({"reported_on": "2099-01-01"}, "reported_on"),
    ({"evidence": factories.document_upload("pdf", name="evil.html", content=b"<script>")}, "evidence"),
])
def test_hostile_reports_are_400_naming_the_field(supplier_x, project_x, changes, field):
    response = api(supplier_x).post(f"{PROJECTS}{project_x.pk}/reports/", report_data(**changes), format="multipart")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not ProgressReport.objects.exists()


def test_a_report_on_a_project_not_granted_is_refused(supplier_x, rd_fund):
    draft = apply(supplier_x, rd_fund).json()
    project = ResearchProject.objects.get(application_id=draft["id"])
    response = api(supplier_x).post(f"{PROJECTS}{project.pk}/reports/", report_data(), format="multipart")
    assert response.status_code == 403 and not ProgressReport.objects.exists()


def test_grant_amounts_are_strings_of_decimals(supplier_x, official, rd_fund):
    granted_project(supplier_x, official, rd_fund, amount_requested=Decimal("1234567.89"))
    assert api().get(PROJECTS).json()["results"][0]["grant"] == "1234567.89"
