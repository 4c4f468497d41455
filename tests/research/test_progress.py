"""Progress reports and what is computed from them: each target's path, "no data yet", the scoreboard's figures."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from policy import scoreboard
from procurement import applications as workflow
from research import selectors
from tests import factories
from tests.research.conftest import basis, file_report, granted_project


def test_no_report_is_no_data_yet(project_x):
    progress = selectors.project_progress(project_x)
    assert not progress.has_data and progress.reached_count == 0
    assert all(row.latest is None and not row.reached for row in progress.targets)


def test_each_target_has_its_path_oldest_first(supplier_x, project_x):
    file_report(supplier_x, project_x, on=date(2026, 9, 1), ionic_conductivity="1.2e-2", cost_per_kg="1400")
    file_report(supplier_x, project_x, on=date(2026, 3, 1), ionic_conductivity="7.5e-3")
    progress = selectors.project_progress(project_x)
    rows = {row.target.figure: row for row in progress.targets}
    conductivity = rows["ionic_conductivity"]
    assert [p.reported_on for p in conductivity.points] == [date(2026, 3, 1), date(2026, 9, 1)]
    # (7.5e-3 − 3e-3) / (1.2e-2 − 3e-3) = 50 %, then at the target.
    assert [p.percent for p in conductivity.points] == [Decimal("50.00"), Decimal("100.00")]
    assert conductivity.reached and conductivity.meets_city_threshold is True
    # Cost: (2000 − 1400) / (2000 − 1000) = 60 % of the way to half the cost.
    assert rows["cost_per_kg"].latest.percent == Decimal("60.00") and not rows["cost_per_kg"].reached
    assert progress.has_data and progress.reached_count == 1


def test_the_table_1_threshold_is_judged_apart_from_the_projects_own_target(supplier_x, official, rd_fund):
    project = granted_project(supplier_x, official, rd_fund, targets={
        "ionic_conductivity": {"baseline": "1e-3", "target": "5e-3"}, "cost_per_kg": {"baseline": "2000"}})
    file_report(supplier_x, project, ionic_conductivity="6e-3")
    row = next(r for r in selectors.project_progress(project).targets if r.target.figure == "ionic_conductivity")
    assert row.reached and row.meets_city_threshold is False  # its own target, but not yet above 1e-2 S/cm


@pytest.mark.parametrize(("changes", "field"), [
    ({"measurements": {"ionic_conductivity": "5"}}, "value_ionic_conductivity"),  # 5 S/cm is not plausible
    ({"measurements": {"ionic_conductivity": "-1e-3"}}, "value_ionic_conductivity"),
    ({"measurements": {"ionic_conductivity": "1e999999"}}, "value_ionic_conductivity"),
    ({"measurements": {"specific_capacity": "320"}}, "measurements"),  # not one of the project's figures
    ({"measurements": {}}, "measurements"),
    ({"reported_on": timezone.localdate() + timedelta(days=1)}, "reported_on"),
    ({"reported_on": date(2025, 12, 31)}, "reported_on"),  # before the project started
    ({"evidence": None}, "evidence"),
    ({"evidence": factories.document_upload("pdf", name="report.exe")}, "evidence"),
    ({"evidence": factories.document_upload("pdf", content=b"MZ\x90\x00 not a pdf", name="r.pdf")}, "evidence"),
    ({"note": "bad\x00note"}, "note"),
])
def test_a_bad_report_is_refused_by_field(supplier_x, project_x, changes, field):
    from research import services

    values = {"reported_on": date(2026, 6, 1), "measurements": {"ionic_conductivity": "8e-3"},
              "evidence": factories.document_upload("pdf"), "note": ""}
    values.update(changes)
    with pytest.raises(ValidationError) as excinfo:
        services.progress_report_file(by=supplier_x, project=project_x, **values)
    assert field in excinfo.value.message_dict
    assert not project_x.reports.exists()


def test_only_the_lead_reports_and_only_on_a_granted_project(supplier_x, supplier_y, partner_user, rd_fund,
                                                             project_x):
    with pytest.raises(PermissionDenied):
        file_report(supplier_y, project_x, ionic_conductivity="8e-3")
    application = workflow.application_create_draft(by=supplier_x, programme=rd_fund, basis=basis(title="Draft"))
    with pytest.raises(PermissionDenied):
        file_report(supplier_x, application.research_project, ionic_conductivity="8e-3")


@pytest.fixture
def partner_user(db):
    return factories.make_user(factories.make_company(organisation_type="university"))


# --- the scoreboard ------------------------------------------------------------------------------------------

def rd_figures(user=None):
    return {f.key: f for f in scoreboard.figures(user) if f.key.startswith("rd.projects.")}


def test_the_scoreboard_has_no_data_before_any_report(project_x):
    figures = rd_figures()
    assert figures["rd.projects.cost_reduction"].value is None
    assert figures["rd.projects.ionic_conductivity"].resolved_status == scoreboard.Status.NO_DATA
    assert {f.group for f in figures.values()} == {"rd"}
    assert figures["rd.projects.ionic_conductivity"].url == "/research/?direction=solid_electrolytes&figure=" \
                                                             "ionic_conductivity"


def test_the_scoreboard_takes_the_best_values_of_granted_projects(supplier_x, supplier_y, official, rd_fund,
                                                                  project_x):
    other = granted_project(supplier_y, official, rd_fund, targets={
        "ionic_conductivity": {"baseline": "2e-3", "target": "1.1e-2"}, "cost_per_kg": {"baseline": "3000"}})
    file_report(supplier_x, project_x, ionic_conductivity="8e-3", cost_per_kg="1100")  # 45 % cheaper
    file_report(supplier_y, other, ionic_conductivity="1.3e-2", cost_per_kg="1400")  # 53.33 % cheaper
    figures = rd_figures()
    conductivity = figures["rd.projects.ionic_conductivity"]
    assert conductivity.value == Decimal("0.013") and conductivity.resolved_status == scoreboard.Status.MET
    cost = figures["rd.projects.cost_reduction"]
    assert cost.value == Decimal("53.33") and cost.resolved_status == scoreboard.Status.MET
    assert figures["rd.projects.specific_capacity"].value is None


def test_lower_is_better_figures_take_the_lowest(supplier_x, official, rd_fund):
    project = granted_project(supplier_x, official, rd_fund, direction="electrodes", category="li-rich-mn-cathode",
                              targets={"capacity_decay_per_cycle": {"baseline": "0.12", "target": "0.04"}})
    file_report(supplier_x, project, on=date(2026, 3, 1), capacity_decay_per_cycle="0.08")
    file_report(supplier_x, project, on=date(2026, 6, 1), capacity_decay_per_cycle="0.045")
    decay = rd_figures()["rd.projects.capacity_decay_per_cycle"]
    assert decay.value == Decimal("0.045") and decay.resolved_status == scoreboard.Status.MET  # below 0.05 %
