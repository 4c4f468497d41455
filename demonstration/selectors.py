"""Reads of demonstration records: latest measurements against the targets, a station's LCOS beside the incumbent's,
a drone's flight time, and the best demonstrated values for the scoreboard. The arithmetic is calculators'."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch
from django.utils.translation import gettext as _

from calculators import scenarios as formulas
from registry.models import Company

from .models import DemonstrationProject, Measurement, ScenarioReference
from .scenarios import Scenario, Target, TargetStatus, targets_for

WH_PER_KWH = Decimal("1000")


def projects_queryset():
    """Projects with what their pages and the API show beside them (operator, suppliers with their locality)."""
    return DemonstrationProject.objects.select_related("operator").prefetch_related(
        Prefetch("suppliers", queryset=Company.objects.order_by("name"))
    )


def with_local_supplier(queryset):
    local = DemonstrationProject.suppliers.through.objects.filter(
        demonstrationproject_id=OuterRef("pk"), company__locality_confirmed=True
    )
    return queryset.annotate(has_local_supplier=Exists(local))


# --- latest measurements against the targets ---------------------------------------------------------------------

@dataclass
class FigureStanding:
    """One figure of a project: its target, the latest measurement (or none) and whether it meets the target."""

    target: Target
    latest: Measurement | None

    @property
    def status(self) -> str:
        return self.target.status_of(self.latest.value if self.latest else None)

    @property
    def status_label(self):
        return TargetStatus.LABELS[self.status]

    @property
    def tag(self) -> str:
        return TargetStatus.TAGS[self.status]


@dataclass
class ProjectStanding:
    project: DemonstrationProject
    figures: list[FigureStanding] = field(default_factory=list)

    @property
    def status(self) -> str:
        """Met when every figure's latest value meets its target; no data until every figure has one."""
        statuses = {standing.status for standing in self.figures}
        if TargetStatus.NOT_MET in statuses:
            return TargetStatus.NOT_MET
        if TargetStatus.NO_DATA in statuses or not statuses:
            return TargetStatus.NO_DATA
        return TargetStatus.MET

    @property
    def status_label(self):
        return TargetStatus.LABELS[self.status]

    @property
    def tag(self) -> str:
        return TargetStatus.TAGS[self.status]


def latest_by_project(project_ids) -> dict[int, dict[str, Measurement]]:
    """{project id: {figure: its latest measurement}} for the given projects."""
    latest: dict[int, dict[str, Measurement]] = defaultdict(dict)
    rows = Measurement.objects.filter(project_id__in=list(project_ids)).order_by("project_id", "figure", "-measured_on")
    for measurement in rows:
        latest[measurement.project_id].setdefault(measurement.figure, measurement)
    return latest


def standings(projects) -> list[ProjectStanding]:
    projects = list(projects)
    latest = latest_by_project(p.pk for p in projects)
    return [
        ProjectStanding(
            project, [FigureStanding(t, latest[project.pk].get(t.figure)) for t in targets_for(project.scenario)]
        )
        for project in projects
    ]


def measurement_table(project: DemonstrationProject) -> tuple[list[Target], list[dict]]:
    """The project's measurements by date: one row a date, one column a figure of its scenario (None if not
    measured that day), each value with whether it meets the target."""
    targets = list(targets_for(project.scenario))
    by_date: dict = defaultdict(dict)
    for measurement in project.measurements.order_by("measured_on"):
        by_date[measurement.measured_on][measurement.figure] = measurement
    rows = []
    for day in sorted(by_date):
        cells = []
        for target in targets:
            measurement = by_date[day].get(target.figure)
            status = target.status_of(measurement.value if measurement else None)
            cells.append({"measurement": measurement, "label": target.label, "status": status,
                          "tag": TargetStatus.TAGS[status], "status_label": TargetStatus.LABELS[status]})
        rows.append({"date": day, "cells": cells})
    return targets, rows


# --- grid-side storage: LCOS beside the incumbent's ------------------------------------------------------------

LCOS_INPUTS = ("capex_cny", "om_cny_per_year", "replacement_cny_per_year", "discharged_kwh_per_year",
               "lifetime_years")


def reference_for(scenario: str) -> ScenarioReference | None:
    return ScenarioReference.objects.filter(scenario=scenario).first()


@dataclass(frozen=True)
class StationLcos:
    """A station's LCOS from its own figures (or why there is none), and the incumbent's to hold it against."""

    lcos: formulas.Lcos | None
    missing: str
    incumbent: Decimal | None
    incumbent_technology: str
    discount_rate: Decimal | None

    @property
    def value(self) -> Decimal | None:
        return self.lcos.lcos_cny_per_kwh if self.lcos else None

    @property
    def lower_than_incumbent(self) -> bool | None:
        if self.value is None or self.incumbent is None:
            return None
        return self.value < self.incumbent


def station_lcos(project: DemonstrationProject, reference: ScenarioReference | None = None,
                 *, reference_given: bool = False) -> StationLcos | None:
    """LCOS = (capex + Σ O&M_t/(1+r)^t + Σ replacement_t/(1+r)^t) / Σ E_t/(1+r)^t from the station's stored capital,
    yearly O&M, replacement and discharged energy over its lifetime, at the reference's discount rate
    (calculators.scenarios.lcos). None for projects of the other scenarios."""
    if project.scenario != Scenario.GRID_STORAGE:
        return None
    if not reference_given:
        reference = reference_for(Scenario.GRID_STORAGE)
    incumbent = reference.incumbent_lcos_cny_per_kwh if reference else None
    technology = reference.incumbent_technology if reference else ""
    rate = reference.discount_rate if reference else None
    missing = ""
    result = None
    if any(getattr(project, name) is None for name in LCOS_INPUTS):
        missing = _("The station’s costs, yearly energy or lifetime are not all recorded yet.")
    elif rate is None:
        missing = _("The industry bureau has not set the discount rate (scenario reference) yet.")
    else:
        try:
            result = formulas.lcos(
                capex=project.capex_cny, discount_rate=rate, years=project.lifetime_years,
                om=[project.om_cny_per_year], replacement=[project.replacement_cny_per_year],
                energy_kwh=[project.discharged_kwh_per_year],
            )
        except ValueError:
            missing = _("The station discharges no energy, so it has no LCOS.")
    return StationLcos(result, missing, incumbent, technology, rate)


# --- low-altitude drones: flight time ---------------------------------------------------------------------------

@dataclass(frozen=True)
class FlightTime:
    pack_wh: Decimal | None
    minutes: Decimal | None
    missing: str


def drone_flight_time(project: DemonstrationProject) -> FlightTime | None:
    """T ≈ η·E/P (calculators.scenarios.flight_time_minutes), E one pack's energy: the fleet's kWh ÷ its units."""
    if project.scenario != Scenario.DRONE:
        return None
    pack_wh = project.capacity_kwh * WH_PER_KWH / project.units if project.units else None
    if project.usable_fraction is None or project.power_draw_w is None or pack_wh is None:
        return FlightTime(pack_wh, None, _("The usable fraction and the power draw are not recorded yet."))
    try:
        minutes = formulas.flight_time_minutes(project.usable_fraction, pack_wh, project.power_draw_w)
    except ValueError as error:
        return FlightTime(pack_wh, None, str(error))
    return FlightTime(pack_wh, minutes, "")


# --- the scoreboard's figures ------------------------------------------------------------------------------------

def best_demonstrated(scenario: str) -> dict[str, dict]:
    """Per figure of the scenario: the best of the projects' latest values, how many projects meet the target, and
    the trend by year (each year: the best of the projects' latest value in that year)."""
    targets = targets_for(scenario)
    rows = Measurement.objects.filter(project__scenario=scenario).order_by("project_id", "figure", "-measured_on")
    latest: dict[str, dict[int, Decimal]] = defaultdict(dict)
    latest_in_year: dict[str, dict[int, dict[int, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for project_id, figure, measured_on, value in rows.values_list("project_id", "figure", "measured_on", "value"):
        latest[figure].setdefault(project_id, value)
        latest_in_year[figure][measured_on.year].setdefault(project_id, value)
    result = {}
    for target in targets:
        values = list(latest[target.figure].values())
        years = latest_in_year[target.figure]
        result[target.figure] = {
            "target": target,
            "best": target.best(values),
            "projects": len(values),
            "meeting": sum(1 for v in values if target.met_by(v)),
            # A year between two measured ones without any measurement has no value (not the previous year's).
            "trend": tuple(
                (year, target.best(years[year].values()) if year in years else None)
                for year in range(min(years), max(years) + 1)
            ) if years else (),
        }
    return result
