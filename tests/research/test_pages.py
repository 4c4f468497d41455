"""The fund's pages: the public list and project page, the company's projects and report form under /my/, the
evidence's privacy, and applying through the one application page."""

from datetime import date

import pytest

from procurement import applications as workflow
from research.models import ProgressReport, ResearchProject
from tests import factories
from tests.conftest import client_for
from tests.research.conftest import basis, file_report


@pytest.fixture
def draft_x(supplier_x, rd_fund):
    application = workflow.application_create_draft(by=supplier_x, programme=rd_fund,
                                                    basis=basis(title="Secret halide route"))
    return application.research_project


@pytest.fixture
def clients(supplier_x, supplier_y, official, anchor_user):
    return {"anonymous": client_for(None), "supplier_x": client_for(supplier_x), "supplier_y": client_for(supplier_y),
            "anchor": client_for(anchor_user), "official": client_for(official)}


def test_the_public_list_shows_granted_projects_only(clients, project_x, draft_x):
    for role in ("anonymous", "supplier_y", "anchor"):
        page = clients[role].get("/research/").content.decode()
        assert project_x.title in page and "Secret halide route" not in page, role
        assert "Solid electrolytes" in page and project_x.lead.name in page and "No data yet" in page


def test_the_lead_and_officials_also_see_the_draft(clients, project_x, draft_x):
    for role in ("supplier_x", "official"):
        assert "Secret halide route" in clients[role].get("/research/").content.decode(), role


def test_the_list_filters_by_direction_and_status(clients, supplier_x, official, rd_fund, project_x):
    from tests.research.conftest import granted_project

    electrode = granted_project(supplier_x, official, rd_fund, title="Li-rich cathode", direction="electrodes",
                                category="li-rich-mn-cathode",
                                targets={"specific_capacity": {"baseline": "250", "target": "310"}})
    page = clients["anonymous"].get("/research/?direction=electrodes").content.decode()
    assert electrode.title in page and project_x.title not in page
    page = clients["anonymous"].get("/research/?category=solid-electrolytes").content.decode()
    assert project_x.title in page and electrode.title not in page
    assert clients["anonymous"].get("/research/?direction=cold_fusion").status_code == 200  # a message, no results
    assert clients["anonymous"].get("/research/?directoin=electrodes").status_code == 400


@pytest.mark.parametrize("role", ["anonymous", "supplier_y", "anchor"])
def test_another_companys_draft_is_404(clients, draft_x, role):
    assert clients[role].get(f"/research/{draft_x.pk}/").status_code == 404


def test_the_project_page_shows_the_path_toward_each_target(clients, supplier_x, project_x):
    page = clients["anonymous"].get(f"/research/{project_x.pk}/").content.decode()
    assert "No data yet" in page
    file_report(supplier_x, project_x, on=date(2026, 3, 1), ionic_conductivity="7.5e-3")
    file_report(supplier_x, project_x, on=date(2026, 9, 1), ionic_conductivity="1.2e-2", cost_per_kg="1400")
    page = clients["anonymous"].get(f"/research/{project_x.pk}/").content.decode()
    assert "3 × 10⁻³ S/cm" in page and "1.2 × 10⁻² S/cm" in page and "7.5 × 10⁻³ S/cm" in page
    assert "100.00 %" in page and "60.00 %" in page  # conductivity at its target; cost 60 % of the way
    assert "¥2,000.00/kg" in page and "¥1,000.00/kg" in page and "¥1,400.00/kg" in page
    assert "<svg" in page  # the chart beside the table


def test_the_project_page_says_whether_the_leads_products_meet_the_city_target(clients, supplier_x, project_x):
    factories.make_product(supplier_x.company, name="LPSC-1", figures={"ionic_conductivity": 1.3e-2})
    factories.make_product(supplier_x.company, name="LPSC-0", figures={"ionic_conductivity": 4e-3})
    page = clients["anonymous"].get(f"/research/{project_x.pk}/").content.decode()
    assert "1 of 2 products in this category meet the city target." in page


def test_evidence_only_to_the_lead_and_officials(clients, supplier_x, project_x):
    report = file_report(supplier_x, project_x, ionic_conductivity="8e-3")
    url = f"/research/reports/{report.pk}/evidence/"
    for role in ("anonymous", "supplier_y", "anchor"):
        page = clients[role].get(f"/research/{project_x.pk}/").content.decode()
        assert url not in page and "Progress reports" not in page, role
        response = clients[role].get(url)
        assert response.status_code in (302, 404), role
    for role in ("supplier_x", "official"):
        assert url in clients[role].get(f"/research/{project_x.pk}/").content.decode()
        response = clients[role].get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_filing_a_report_through_the_form(clients, project_x):
    response = clients["supplier_x"].post(f"/my/research/{project_x.pk}/report/", {
        "reported_on": "2026-06-01", "value_ionic_conductivity": "9e-3", "value_cost_per_kg": "",
        "evidence": factories.document_upload("pdf"), "note": "Batch 12",
    }, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Progress report filed" in page and "9 × 10⁻³ S/cm" in page and "66.67 %" in page
    assert ProgressReport.objects.get().measurements.get().figure == "ionic_conductivity"


def test_the_report_form_names_bad_values_and_keeps_the_typing(clients, project_x):
    response = clients["supplier_x"].post(f"/my/research/{project_x.pk}/report/", {
        "reported_on": "2026-06-01", "value_ionic_conductivity": "5", "value_cost_per_kg": "lots",
        "evidence": factories.document_upload("pdf"),
    })
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "less than 1 S/cm" in page and "Enter a number" in page and 'value="lots"' in page
    assert not ProgressReport.objects.exists()


def test_another_companys_report_form_is_404(clients, project_x):
    assert clients["supplier_y"].get(f"/my/research/{project_x.pk}/report/").status_code == 404
    response = clients["supplier_y"].post(f"/my/research/{project_x.pk}/report/", {
        "reported_on": "2026-06-01", "value_ionic_conductivity": "9e-3", "evidence": factories.document_upload("pdf")})
    assert response.status_code == 404 and not ProgressReport.objects.exists()


def test_my_home_shows_the_companys_projects(clients, project_x, draft_x):
    page = clients["supplier_x"].get("/my/").content.decode()
    assert "R&D fund projects" in page and project_x.title in page and "Secret halide route" in page
    assert f"/my/research/{project_x.pk}/report/" in page and "Apply for an R&D fund grant" in page
    assert project_x.title not in clients["supplier_y"].get("/my/").content.decode()


def test_applying_through_the_application_page(clients, rd_fund):
    form = clients["supplier_x"].get(f"/my/applications/new/?programme={rd_fund.pk}").content.decode()
    assert "Ionic conductivity at 25 °C: baseline (S/cm)" in form and "¥5,000,000.00" in form
    response = clients["supplier_x"].post(f"/my/applications/new/?programme={rd_fund.pk}", {
        "programme": rd_fund.pk, "title": "Oxide separator", "summary": "LLZO films.",
        "direction": "solid_electrolytes", "category": factories.category("oxide-electrolyte").pk,
        "budget": "6,000,000", "amount_requested": "2,000,000", "started_on": "2026-02-01", "ends_on": "2027-12-31",
        "baseline_area_specific_resistance": "40", "target_area_specific_resistance": "8",
        "baseline_cost_per_kg": "5000", "target_cost_per_kg": "",
    })
    assert response.status_code == 302, response.content.decode()
    project = ResearchProject.objects.get()
    assert project.title == "Oxide separator" and project.application.amount == 2_000_000
    detail = clients["supplier_x"].get(response["Location"]).content.decode()
    assert "Area-specific resistance" in detail and "¥2,500.00/kg" in detail


def test_the_application_page_names_bad_targets(clients, rd_fund):
    response = clients["supplier_x"].post(f"/my/applications/new/?programme={rd_fund.pk}", {
        "programme": rd_fund.pk, "title": "Oxide", "summary": "LLZO.", "direction": "solid_electrolytes",
        "category": factories.category("oxide-electrolyte").pk, "budget": "6000000", "amount_requested": "2000000",
        "started_on": "2026-02-01", "ends_on": "2027-12-31",
        "baseline_ionic_conductivity": "1e-3", "target_ionic_conductivity": "5",
        "baseline_cost_per_kg": "5000",
    })
    assert response.status_code == 400
    page = response.content.decode()
    assert "less than 1 S/cm" in page and 'value="5"' in page
    assert not ResearchProject.objects.exists()


def test_a_partner_sees_the_project_it_is_named_in_before_the_decision_but_not_the_evidence(
        clients, supplier_x, company_y, rd_fund, project_x):
    application = workflow.application_create_draft(
        by=supplier_x, programme=rd_fund, basis=basis(title="Joint halide route", partners=[company_y.pk]))
    draft = application.research_project
    assert clients["supplier_y"].get(f"/research/{draft.pk}/").status_code == 200
    assert "Joint halide route" in clients["supplier_y"].get("/research/").content.decode()
    mine = clients["supplier_y"].get("/my/research/").content.decode()
    assert "Projects your organisation is a partner of" in mine and "Joint halide route" in mine
    assert project_x.title not in mine  # company Y is not a partner of X's own project
    # Listed once even with other partners on it (a join on partners would repeat it).
    draft.partners.add(factories.make_company(name="Third partner"))
    assert clients["supplier_y"].get("/api/v1/research/projects/").json()["count"] == 2  # X's granted one and this
    # Reporting progress and reading the evidence stay with the lead organisation.
    assert clients["supplier_y"].get(f"/my/research/{draft.pk}/report/").status_code == 404
    # Others still do not see the draft.
    assert clients["anchor"].get(f"/research/{draft.pk}/").status_code == 404
