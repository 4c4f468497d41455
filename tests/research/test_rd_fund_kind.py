"""The R&D fund grant through the one application workflow, like every other programme kind: apply, submit,
approve, the caps; and the project's targets checked against the registry's figure definitions and bounds."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from procurement import applications as workflow
from procurement import programme_kinds
from procurement.models import SubsidyApplication, SubsidyProgramme
from research.models import ResearchProject
from tests import factories
from tests.research.conftest import basis, granted_project

Status = SubsidyApplication.Status


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_the_kind_is_registered_and_its_rule_quotes_the_programme(rd_fund):
    kind = programme_kinds.kind_of(rd_fund)
    assert kind.kind == SubsidyProgramme.Kind.RD_FUND
    assert rd_fund in workflow.open_programmes()
    text = kind.rule_text(rd_fund)
    assert "50 %" in text and "¥5,000,000.00" in text and "¥10,000,000.00" in text


def test_a_programme_version_without_a_cap_per_application_is_refused(rd_fund):
    rd_fund.cap_per_application = None
    with pytest.raises(ValidationError) as excinfo:
        rd_fund.full_clean()
    assert "cap_per_application" in errors_of(excinfo)


def test_apply_submit_approve(supplier_x, official, rd_fund):
    partner = factories.make_company(name="Suzhou Institute of Materials", organisation_type="institute")
    application = workflow.application_create_draft(
        by=supplier_x, programme=rd_fund, basis=basis(partners=[partner.pk])
    )
    project = ResearchProject.objects.get(application=application)
    assert application.status == Status.DRAFT
    assert project.lead == supplier_x.company and list(project.partners.all()) == [partner]
    # The amount is the request, computed on the server; the budget is the basis.
    assert application.amount == Decimal("3000000.00") and application.eligible_total == Decimal("8000000.00")
    targets = {t.figure: (t.baseline, t.target) for t in project.targets.all()}
    assert targets["ionic_conductivity"] == (Decimal("0.003"), Decimal("0.012"))
    # No cost target given: C_target = 0.5 × C_current.
    assert targets["cost_per_kg"] == (Decimal("2000"), Decimal("1000"))

    application = workflow.application_submit(by=supplier_x, application=application)
    assert application.status == Status.SUBMITTED
    application = workflow.application_approve(by=official, application=application)
    assert application.status == Status.APPROVED and application.amount == Decimal("3000000.00")
    assert [e.to_status for e in application.events.all()] == ["draft", "submitted", "approved"]


def test_the_applicant_never_approves_its_own(supplier_x, rd_fund):
    application = workflow.application_create_draft(by=supplier_x, programme=rd_fund, basis=basis())
    application = workflow.application_submit(by=supplier_x, application=application)
    with pytest.raises(PermissionDenied):
        workflow.application_approve(by=supplier_x, application=application)


def test_a_request_above_the_cap_per_application_is_refused(supplier_x, rd_fund):
    with pytest.raises(ValidationError) as excinfo:
        workflow.application_create_draft(by=supplier_x, programme=rd_fund, basis=basis(
            budget=Decimal("20000000.00"), amount_requested=Decimal("6000000.00")))
    assert "¥5,000,000.00" in errors_of(excinfo)["amount_requested"][0]
    assert not ResearchProject.objects.exists()


def test_a_request_above_the_share_of_the_budget_is_refused(supplier_x, rd_fund):
    with pytest.raises(ValidationError) as excinfo:
        workflow.application_create_draft(by=supplier_x, programme=rd_fund, basis=basis(
            budget=Decimal("4000000.00"), amount_requested=Decimal("2500000.00")))
    assert "50 %" in errors_of(excinfo)["amount_requested"][0]


def test_the_yearly_cap_holds_across_applications(supplier_x, official, rd_fund):
    granted_project(supplier_x, official, rd_fund, amount_requested=Decimal("4000000.00"))
    granted_project(supplier_x, official, rd_fund, amount_requested=Decimal("4000000.00"), title="Oxide")
    third = granted_project(supplier_x, official, rd_fund, amount_requested=Decimal("4000000.00"), title="Halide")
    # 10,000,000 a year: 4 + 4 granted, 2 left for the third.
    assert third.application.amount == Decimal("2000000.00")


def test_rejection_keeps_the_project_out_of_the_public_list(supplier_x, official, rd_fund):
    application = workflow.application_create_draft(by=supplier_x, programme=rd_fund, basis=basis())
    application = workflow.application_submit(by=supplier_x, application=application)
    workflow.application_reject(by=official, application=application, reason="Not a solid-state material.")
    project = ResearchProject.objects.get(application=application)
    assert project.status == Status.REJECTED and not project.is_granted


def test_a_returned_application_takes_a_changed_project(supplier_x, official, rd_fund):
    application = workflow.application_create_draft(by=supplier_x, programme=rd_fund, basis=basis())
    application = workflow.application_submit(by=supplier_x, application=application)
    workflow.application_return(by=official, application=application, reason="Add the interface target.")
    changed = basis(targets={
        "ionic_conductivity": {"baseline": "3e-3", "target": "1.2e-2"},
        "area_specific_resistance": {"baseline": "25", "target": "8"},
        "cost_per_kg": {"baseline": "2000", "target": "900"},
    }, category="oxide-electrolyte")
    workflow.application_set_basis(by=supplier_x, application=application, basis=changed)
    project = ResearchProject.objects.get(application=application)
    assert sorted(t.figure for t in project.targets.all()) == [
        "area_specific_resistance", "cost_per_kg", "ionic_conductivity"]
    assert workflow.application_submit(by=supplier_x, application=application).status == Status.SUBMITTED


# --- targets in the registry's figures -----------------------------------------------------------------------

@pytest.mark.parametrize(("targets", "field", "words"), [
    # Ionic conductivity of 5 S/cm: the registry refuses anything at or above 1 S/cm.
    ({"ionic_conductivity": {"baseline": "3e-3", "target": "5"}}, "target_ionic_conductivity", "less than 1"),
    ({"ionic_conductivity": {"baseline": "-1", "target": "1e-2"}}, "baseline_ionic_conductivity", "more than 0"),
    ({"ionic_conductivity": {"baseline": "1.2e-2", "target": "3e-3"}}, "target_ionic_conductivity", "above"),
    ({"ionic_conductivity": {"baseline": "3e-3", "target": ""}}, "target_ionic_conductivity", "both"),
    ({"ionic_conductivity": {"baseline": "lots", "target": "1e-2"}}, "baseline_ionic_conductivity", "number"),
    ({"ionic_conductivity": {"baseline": "1e400", "target": "1e-2"}}, "baseline_ionic_conductivity", "less than"),
    ({"ionic_conductivity": {"baseline": "NaN", "target": "1e-2"}}, "baseline_ionic_conductivity", "number"),
    # A sulfide electrolyte reports no specific capacity (registry.figures.FIGURES_BY_CATEGORY).
    ({"specific_capacity": {"baseline": "200", "target": "320"}}, "target_specific_capacity", "do not set"),
    # The fund asks for cost down by half or more.
    ({"cost_per_kg": {"baseline": "2000", "target": "1500"}}, "target_cost_per_kg", "¥1,000.00"),
    ({"cost_per_kg": {"baseline": "99999999999999999", "target": ""}}, "baseline_cost_per_kg", "too large"),
])
def test_targets_are_checked_against_the_figure_definitions(supplier_x, rd_fund, targets, field, words):
    all_targets = {"cost_per_kg": {"baseline": "2000", "target": ""}, **targets}
    with pytest.raises(ValidationError) as excinfo:
        workflow.application_create_draft(by=supplier_x, programme=rd_fund, basis=basis(targets=all_targets))
    assert words in " ".join(errors_of(excinfo)[field])
    assert not SubsidyApplication.objects.exists()


def test_an_electrode_project_sets_table_1_targets_in_its_figures(supplier_x, rd_fund):
    application = workflow.application_create_draft(by=supplier_x, programme=rd_fund, basis=basis(
        direction="electrodes", category="li-rich-mn-cathode", targets={
            "specific_capacity": {"baseline": "250", "target": "310"},
            "capacity_decay_per_cycle": {"baseline": "0.12", "target": "0.04"},
        }))
    project = application.research_project
    assert {t.figure for t in project.targets.all()} == {"specific_capacity", "capacity_decay_per_cycle"}


def test_decay_per_cycle_above_100_percent_is_refused(supplier_x, rd_fund):
    with pytest.raises(ValidationError) as excinfo:
        workflow.application_create_draft(by=supplier_x, programme=rd_fund, basis=basis(
            direction="electrodes", category="li-rich-mn-cathode",
            targets={"capacity_decay_per_cycle": {"baseline": "120", "target": "0.04"}}))
    assert "at most 100" in errors_of(excinfo)["baseline_capacity_decay_per_cycle"][0]


def test_a_solid_electrolyte_project_gives_todays_cost(supplier_x, rd_fund):
    with pytest.raises(ValidationError) as excinfo:
        workflow.application_create_draft(by=supplier_x, programme=rd_fund, basis=basis(
            targets={"ionic_conductivity": {"baseline": "3e-3", "target": "1.2e-2"}}))
    assert "baseline_cost_per_kg" in errors_of(excinfo)


def test_a_category_outside_the_direction_is_refused(supplier_x, rd_fund):
    with pytest.raises(ValidationError) as excinfo:
        workflow.application_create_draft(by=supplier_x, programme=rd_fund, basis=basis(
            direction="electrodes", category="sulfide-electrolyte"))
    assert "category" in errors_of(excinfo)


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": "Sulfide\x00electrolyte"}, "title"),
    ({"title": ""}, "title"),
    ({"direction": "cold_fusion"}, "direction"),
    ({"category": "no-such-category"}, "category"),
    ({"budget": Decimal("99999999999999999999")}, "budget"),
    ({"amount_requested": Decimal("9000000.00")}, "amount_requested"),  # above the budget's half and the cap
    ({"ends_on": date(2025, 12, 31)}, "ends_on"),
    ({"started_on": date(2031, 1, 1), "ends_on": date(2032, 1, 1)}, "started_on"),
    ({"partners": [2**62]}, "partners"),
    ({"targets": {}}, "targets"),
])
def test_hostile_project_fields_are_refused_by_name(supplier_x, rd_fund, changes, field):
    with pytest.raises(ValidationError) as excinfo:
        workflow.application_create_draft(by=supplier_x, programme=rd_fund, basis=basis(**changes))
    assert field in errors_of(excinfo)


def test_the_lead_is_not_its_own_partner(supplier_x, rd_fund):
    with pytest.raises(ValidationError) as excinfo:
        workflow.application_create_draft(by=supplier_x, programme=rd_fund,
                                          basis=basis(partners=[supplier_x.company_id]))
    assert "partners" in errors_of(excinfo)


def test_an_unverified_company_cannot_apply(rd_fund):
    newcomer = factories.make_user(factories.make_company(status="pending"))
    with pytest.raises(PermissionDenied):
        workflow.application_create_draft(by=newcomer, programme=rd_fund, basis=basis())
