"""The demonstration scenarios' demo (composed by `load_demo` after the registry's, procurement's and the
alliance's): storage stations, drone fleets and robot lines in every state, with a year of monthly measurements
(some meeting Table 3's targets, some not), local and outside battery suppliers, the storage stations' costs for
their LCOS, the drones' power draw for their flight time, and the incumbent's LCOS as officials would enter it.

The `anchor` login's company operates a storage station and a robot line: it records their measurements on /my/.
Idempotent: a project of the same name is never added twice.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from registry.models import Company, User

from .models import DemonstrationProject, Measurement, ScenarioReference
from .scenarios import Scenario

REASON = gettext_noop("Added in the admin")
CELL_CATEGORIES = ("solid-state-cells", "solid-state-packs")

P = DemonstrationProject.Status

# name, scenario, status, operator ("anchor", "other" or a free-text name), suppliers (local, outside), size kWh,
# units, months since commissioning (None: not commissioned), months of measurements (ending this many months
# ago), per-figure (first, last) values over those months, extra fields.
PROJECTS = [
    ("Suzhou Industrial Park grid-side storage station", Scenario.GRID_STORAGE, P.IN_OPERATION, "anchor", (2, 1),
     "100000", 40, 14, (12, 0), {"cycle_life": ("15200", "16100"), "round_trip_efficiency": ("95.4", "96.1")},
     {"site": "Suzhou Industrial Park, 110 kV Xinghu substation", "capex_cny": "120000000.00",
      "om_cny_per_year": "3600000.00", "replacement_cny_per_year": "1000000.00",
      "discharged_kwh_per_year": "31350000.000", "lifetime_years": 20}),
    ("Wujiang substation storage pilot", Scenario.GRID_STORAGE, P.ENDED, "State Grid Suzhou Power Supply Company",
     (0, 1), "50000", 20, 30, (12, 12), {"cycle_life": ("11800", "12600"), "round_trip_efficiency": ("93.2", "93.9")},
     {"site": "Wujiang District, Songling 220 kV substation", "capex_cny": "95000000.00",
      "om_cny_per_year": "1900000.00", "replacement_cny_per_year": "800000.00",
      "discharged_kwh_per_year": "13950000.000", "lifetime_years": 15}),
    ("Xiangcheng storage station, phase II", Scenario.GRID_STORAGE, P.UNDER_CONSTRUCTION, "other", (1, 0),
     "200000", 80, None, None, {}, {"site": "Xiangcheng District, Yangcheng Lake"}),
    ("Kunshan grid-side storage station", Scenario.GRID_STORAGE, P.PLANNED, "other", (1, 1), "150000", 60, None,
     None, {}, {"site": "Kunshan, Huaqiao economic zone"}),
    ("Taihu low-altitude logistics drone fleet", Scenario.DRONE, P.IN_OPERATION, "other", (1, 0), "72", 60, 13,
     (12, 0), {"specific_energy": ("405", "426"), "min_operating_temp": ("-21", "-24"),
               "max_operating_temp": ("60", "62")},
     {"site": "Wuzhong District, Taihu lakeside routes", "usable_fraction": "0.9000", "power_draw_w": "900.00"}),
    ("Gusu city inspection drones", Scenario.DRONE, P.IN_OPERATION, "Suzhou Urban Management Bureau", (0, 1),
     "24", 30, 12, (12, 0), {"specific_energy": ("360", "385"), "min_operating_temp": ("-12", "-16"),
                             "max_operating_temp": ("52", "56")},
     {"site": "Gusu District, old town", "usable_fraction": "0.8500", "power_draw_w": "450.00"}),
    ("Emergency rescue drones", Scenario.DRONE, P.PLANNED, "Suzhou Emergency Management Bureau", (1, 0), "30", 20,
     None, None, {}, {"site": "City-wide"}),
    ("Humanoid robot assembly line, SIP", Scenario.ROBOT, P.IN_OPERATION, "anchor", (1, 1), "96", 120, 13, (12, 0),
     {"volumetric_energy_density": ("1040", "1105"), "peak_discharge_rate": ("5.4", "6.1")},
     {"site": "Suzhou Industrial Park, Dushu Lake robotics park"}),
    ("Service humanoid robots pilot", Scenario.ROBOT, P.ENDED, "other", (0, 2), "20", 40, 26, (12, 12),
     {"volumetric_energy_density": ("880", "950"), "peak_discharge_rate": ("3.8", "4.4")},
     {"site": "Suzhou North railway station"}),
    ("Warehouse humanoid robots", Scenario.ROBOT, P.UNDER_CONSTRUCTION, "other", (1, 0), "36", 60, None, (2, 0),
     {"volumetric_energy_density": ("990", "1012"), "peak_discharge_rate": ("4.9", "5.2")},
     {"site": "Xiangcheng logistics park"}),
]

REFERENCES = [
    (Scenario.GRID_STORAGE, "Lithium iron phosphate storage stations", "0.62", "0.0600",
     "Demo figure: the bureau's survey of the province's LFP stations commissioned 2023–2025"),
    (Scenario.DRONE, "Lithium-ion (NCM) drone packs", None, "0.0600", ""),
    (Scenario.ROBOT, "Lithium-ion (NCM) robot packs", None, "0.0600", ""),
]


def _months_back(today: date, months: int) -> date:
    """The 15th of the month `months` before today's (today itself if that 15th is still to come)."""
    index = today.year * 12 + today.month - 1 - months
    day = date(index // 12, index % 12 + 1, 15)
    return min(day, today)


def _suppliers(local: int, outside: int, offset: int) -> list[Company]:
    pool = Company.objects.filter(categories__slug__in=CELL_CATEGORIES).distinct().order_by("uscc")
    local_pool = list(pool.filter(locality_confirmed=True, status=Company.Status.VERIFIED))
    outside_pool = list(pool.exclude(locality_confirmed=True))
    chosen = []
    for kind, count in ((local_pool, local), (outside_pool, outside)):
        for i in range(count):
            if kind:
                chosen.append(kind[(offset + i) % len(kind)])
    return chosen


def _save(obj, official, reason=REASON):
    obj._history_user = official
    obj._change_reason = reason
    obj.full_clean()
    obj.save()


def _load_references(official) -> int:
    created = 0
    for scenario, technology, lcos, rate, source in REFERENCES:
        if ScenarioReference.objects.filter(scenario=scenario).exists():
            continue
        _save(ScenarioReference(scenario=scenario, incumbent_technology=technology,
                                incumbent_lcos_cny_per_kwh=Decimal(lcos) if lcos else None,
                                discount_rate=Decimal(rate), source=source), official)
        created += 1
    return created


def _load_projects(official, today: date) -> tuple[int, int]:
    anchor_user = User.objects.filter(username="anchor").select_related("company").first()
    anchor = anchor_user.company if anchor_user else None
    others = list(Company.objects.published().filter(is_anchor=True).order_by("uscc"))
    others = [c for c in others if c != anchor] or others
    projects = measurements = 0
    for index, (name, scenario, status, operator, (local, outside), size, units, commissioned, measured, series,
                extra) in enumerate(PROJECTS):
        if DemonstrationProject.objects.filter(name=name).exists():
            continue
        project = DemonstrationProject(
            name=name, scenario=scenario, capacity_kwh=Decimal(size), units=units, status=P.PLANNED,
            **{k: (Decimal(v) if isinstance(v, str) and k != "site" else v) for k, v in extra.items()},
        )
        if operator == "anchor" and anchor is not None:
            project.operator = anchor
        elif operator in ("anchor", "other") and others:
            project.operator = others[index % len(others)]
        else:
            project.operator_name = operator if operator not in ("anchor", "other") else "Suzhou Energy Group"
        project.description = "Demo data: a demonstration project of the city's solid-state battery policy."
        _save(project, official)
        project.suppliers.set(_suppliers(local, outside, index))
        # Walk the project through its states so its page shows the history of status changes.
        path = {P.UNDER_CONSTRUCTION: [P.UNDER_CONSTRUCTION], P.IN_OPERATION: [P.UNDER_CONSTRUCTION, P.IN_OPERATION],
                P.ENDED: [P.UNDER_CONSTRUCTION, P.IN_OPERATION, P.ENDED]}.get(status, [])
        for step in path:
            if step in (P.IN_OPERATION, P.ENDED) and project.commissioned_on is None:
                project.commissioned_on = _months_back(today, commissioned or 0)
            project.status = step
            _save(project, official, gettext_noop("Edited in the admin"))
        projects += 1
        if not measured:
            continue
        months, ending = measured
        recorder = anchor_user if project.operator_id and anchor and project.operator_id == anchor.pk else None
        for i in range(months):
            day = _months_back(today, ending + months - 1 - i)
            share = Decimal(i) / Decimal(max(months - 1, 1))
            for figure, (first, last) in series.items():
                step = Decimal("1") if figure == "cycle_life" else Decimal("0.1")  # cycles are whole numbers
                value = (Decimal(first) + (Decimal(last) - Decimal(first)) * share).quantize(step)
                measurement = Measurement(project=project, measured_on=day, figure=figure, value=value,
                                          recorded_by=recorder, note="Monthly operator report")
                _save(measurement, recorder or official, gettext_noop("Recorded by the operator"))
                measurements += 1
    return projects, measurements


@transaction.atomic
def load_demonstration_demo(now=None) -> dict:
    now = now or timezone.now()
    official = User.objects.filter(username="official").first()
    if official is None:
        return {}
    projects, measurements = _load_projects(official, timezone.localdate(now))
    return {"references": _load_references(official), "projects": projects, "measurements": measurements}


def load_app_demo() -> str:
    created = load_demonstration_demo()
    return (
        f"Demonstration demo: {created.get('projects', 0)} projects, {created.get('measurements', 0)} measurements "
        f"and {created.get('references', 0)} scenario references added (now {DemonstrationProject.objects.count()} "
        f"projects, {Measurement.objects.count()} measurements)"
    )
