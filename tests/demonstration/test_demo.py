"""`manage.py load_demo` also loads the demonstration scenarios: projects of the three scenarios in every state,
a year of monthly measurements, targets met and missed, local and outside suppliers; once only."""

import pytest

from demonstration import selectors
from demonstration.demo import load_demonstration_demo
from demonstration.models import DemonstrationProject, Measurement, ScenarioReference
from demonstration.scenarios import TargetStatus
from registry.models import User
from tests.conftest import client_for

pytestmark = pytest.mark.usefixtures("demo_private_media")


def test_every_scenario_in_every_state_with_suppliers_local_and_not(demo):
    projects = DemonstrationProject.objects.all()
    assert set(projects.values_list("scenario", flat=True)) == {"grid_storage", "drone", "robot"}
    assert set(projects.values_list("status", flat=True)) == {"planned", "under_construction", "in_operation",
                                                              "ended"}
    localities = {s.is_local for p in projects for s in p.suppliers.all()}
    assert localities == {True, False}


def test_a_year_of_monthly_measurements_some_meeting_the_targets_some_not(demo):
    running = DemonstrationProject.objects.get(name="Suzhou Industrial Park grid-side storage station")
    days = sorted(set(running.measurements.values_list("measured_on", flat=True)))
    assert len(days) == 12 and len({(d.year, d.month) for d in days}) == 12
    statuses = {s.status for s in selectors.standings(DemonstrationProject.objects.all())}
    assert statuses == {TargetStatus.MET, TargetStatus.NOT_MET, TargetStatus.NO_DATA}
    assert selectors.station_lcos(running).lower_than_incumbent is True
    assert ScenarioReference.objects.get(scenario="grid_storage").incumbent_lcos_cny_per_kwh is not None


def test_the_anchor_login_records_its_stations_measurements(demo):
    anchor = User.objects.get(username="anchor")
    page = client_for(anchor).get("/my/").content.decode()
    assert "Demonstration projects you operate" in page
    assert DemonstrationProject.objects.filter(operator=anchor.company).count() == 2


def test_loading_again_adds_nothing(demo):
    before = (DemonstrationProject.objects.count(), Measurement.objects.count(), ScenarioReference.objects.count())
    assert load_demonstration_demo() == {"references": 0, "projects": 0, "measurements": 0}
    assert (DemonstrationProject.objects.count(), Measurement.objects.count(),
            ScenarioReference.objects.count()) == before
