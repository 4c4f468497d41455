"""`manage.py load_demo` also loads the R&D fund: projects in every direction and every state, granted ones with
progress reports, the `supplier` login's company leading one; running it again adds nothing."""

import pytest

from research.demo import load_research_demo
from research.models import ProgressReport, ResearchProject
from research.selectors import project_progress
from tests.conftest import client_for

pytestmark = pytest.mark.usefixtures("demo_private_media")


def test_projects_in_every_direction_and_every_state(demo):
    projects = ResearchProject.objects.select_related("application")
    assert {p.direction for p in projects} == {"solid_electrolytes", "electrodes", "auxiliary_materials"}
    assert {p.application.status for p in projects} == {"draft", "submitted", "returned", "approved", "rejected",
                                                       "paid"}
    for direction in ("solid_electrolytes", "electrodes", "auxiliary_materials"):
        states = {p.application.status for p in projects if p.direction == direction}
        assert {"draft", "submitted", "rejected"} <= states and states & {"approved", "paid"}, direction


def test_granted_projects_report_progress_with_evidence(demo):
    reported = ResearchProject.objects.filter(reports__isnull=False).distinct()
    assert reported.count() >= 3 and all(p.is_granted for p in reported)
    assert all(report.evidence for report in ProgressReport.objects.all())
    sulfide = reported.get(category__slug="sulfide-electrolyte")
    assert sulfide.lead.users.filter(username="supplier").exists()
    progress = project_progress(sulfide)
    assert progress.has_data and all(row.points for row in progress.targets)


def test_the_public_list_shows_granted_projects_and_the_scoreboard_has_values(demo):
    page = client_for(None).get("/research/").content.decode()
    assert "Ton-scale Li6PS5Cl sulfide electrolyte at half the cost" in page
    assert "Solvent-free dry-process PTFE binder" not in page  # a draft
    from research.scoreboard import rd_project_figures

    figures = {f.key: f for f in rd_project_figures(None, None)}
    assert figures["rd.projects.cost_reduction"].value is not None
    assert figures["rd.projects.specific_capacity"].value is not None


def test_loading_again_adds_nothing(demo):
    before = ResearchProject.objects.count()
    assert load_research_demo() == 0 and ResearchProject.objects.count() == before
