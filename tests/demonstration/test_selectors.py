"""Latest values against the targets, LCOS and flight time from stored records, and the scoreboard's figures."""

from datetime import date
from decimal import Decimal

import pytest

from calculators.scenarios import flight_time_minutes, lcos
from demonstration import selectors
from demonstration.scenarios import TargetStatus, targets_for
from demonstration.scoreboard import demonstration_figures
from policy.scoreboard import Status, figures

from .conftest import make_project, measure

pytestmark = pytest.mark.django_db


def test_table_3_targets_come_from_the_city_targets_with_units():
    assert [(t.figure, t.text) for t in targets_for("grid_storage")] == [
        ("cycle_life", "> 15,000 cycles"), ("round_trip_efficiency", "> 95 %")]
    assert [(t.figure, t.text) for t in targets_for("drone")] == [
        ("specific_energy", "> 400 Wh/kg"), ("min_operating_temp", "≤ -20 °C"), ("max_operating_temp", "≥ 60 °C")]
    assert [(t.figure, t.text) for t in targets_for("robot")] == [
        ("volumetric_energy_density", "> 1,000 Wh/L"), ("peak_discharge_rate", "> 5 C")]


def test_a_project_without_measurements_has_no_data_yet():
    standing = selectors.standings([make_project()])[0]
    assert standing.status == TargetStatus.NO_DATA
    assert [f.status for f in standing.figures] == [TargetStatus.NO_DATA, TargetStatus.NO_DATA]


def test_the_latest_measurement_counts_and_every_figure_must_meet_its_target():
    project = make_project()
    measure(project, "cycle_life", 16000, date(2026, 1, 15))
    standing = selectors.standings([project])[0]
    assert standing.status == TargetStatus.NO_DATA  # efficiency not measured yet
    measure(project, "round_trip_efficiency", "95.5", date(2026, 1, 15))
    assert selectors.standings([project])[0].status == TargetStatus.MET
    measure(project, "cycle_life", 15000, date(2026, 2, 15))  # "> 15,000": exactly 15,000 is not enough
    standing = selectors.standings([project])[0]
    assert standing.status == TargetStatus.NOT_MET
    assert standing.figures[0].latest.value == Decimal("15000")


def test_the_drone_range_is_met_only_across_minus_20_to_60():
    drone = make_project(scenario="drone")
    for figure, value in (("specific_energy", 410), ("min_operating_temp", -20), ("max_operating_temp", 59)):
        measure(drone, figure, value)
    statuses = {f.target.figure: f.status for f in selectors.standings([drone])[0].figures}
    assert statuses == {"specific_energy": "met", "min_operating_temp": "met", "max_operating_temp": "not_met"}


def test_the_stations_lcos_is_the_calculators_from_its_stored_figures(station, reference):
    result = selectors.station_lcos(station)
    expected = lcos(capex=Decimal("120000000.00"), discount_rate=Decimal("0.06"), years=20, om=["3600000.00"],
                    replacement=["1000000.00"], energy_kwh=["31350000.000"])
    assert result.lcos == expected
    assert result.value == Decimal("0.48")
    assert result.incumbent == Decimal("0.62") and result.lower_than_incumbent is True
    reference.incumbent_lcos_cny_per_kwh = Decimal("0.45")
    reference.save()
    assert selectors.station_lcos(station).lower_than_incumbent is False


def test_a_station_without_its_costs_or_the_reference_has_no_comparison(company_x):
    bare = make_project(operator=company_x)
    result = selectors.station_lcos(bare)
    assert result.value is None and result.lower_than_incumbent is None and result.missing
    assert selectors.station_lcos(make_project(scenario="drone")) is None


def test_the_flight_time_is_the_calculators_from_one_packs_energy():
    drone = make_project(scenario="drone", capacity_kwh=Decimal("72"), units=60, usable_fraction=Decimal("0.9"),
                         power_draw_w=Decimal("900"))
    flight = selectors.drone_flight_time(drone)
    assert flight.pack_wh == Decimal("1200")
    assert flight.minutes == flight_time_minutes(Decimal("0.9"), Decimal("1200"), Decimal("900")) == Decimal("72")
    unknown = selectors.drone_flight_time(make_project(scenario="drone"))
    assert unknown.minutes is None and unknown.missing


def test_the_scoreboard_takes_each_projects_latest_value_and_the_best_across_projects(station):
    other = make_project()
    measure(station, "cycle_life", 17000, date(2025, 6, 15))
    measure(station, "cycle_life", 15500, date(2026, 6, 15))  # its latest: 15,500
    measure(other, "cycle_life", 14000, date(2026, 7, 15))
    drone_a, drone_b = make_project(scenario="drone"), make_project(scenario="drone")
    measure(drone_a, "min_operating_temp", -18, date(2026, 3, 1))
    measure(drone_b, "min_operating_temp", -25, date(2026, 3, 1))
    by_key = {f.key: f for f in demonstration_figures(None, date(2026, 12, 1))}
    cycle = by_key["demonstration.grid_storage.cycle_life"]
    assert cycle.group == "demonstration"
    assert cycle.value == Decimal("15500") and cycle.target == Decimal("15000")
    assert cycle.resolved_status == Status.MET
    assert cycle.trend == ((2025, Decimal("17000")), (2026, Decimal("15500")))
    assert cycle.url == "/demonstration/?scenario=grid_storage"
    assert "1 of 2" in cycle.detail
    low = by_key["demonstration.drone.min_operating_temp"]
    assert low.value == Decimal("-25") and low.resolved_status == Status.MET  # the lowest is the best
    assert by_key["demonstration.robot.peak_discharge_rate"].resolved_status == Status.NO_DATA


def test_the_scoreboard_holds_the_lowest_station_lcos_against_the_incumbent(station, reference):
    lcos_figure = {f.key: f for f in demonstration_figures(None, date(2026, 12, 1))}["demonstration.grid_storage.lcos"]
    assert (lcos_figure.value, lcos_figure.target, lcos_figure.resolved_status) == (
        Decimal("0.48"), Decimal("0.62"), Status.MET)
    reference.delete()
    lcos_figure = {f.key: f for f in demonstration_figures(None, date(2026, 12, 1))}["demonstration.grid_storage.lcos"]
    assert lcos_figure.resolved_status == Status.NO_DATA


def test_the_provider_is_registered_with_the_scoreboard():
    assert any(f.group == "demonstration" for f in figures(None))
