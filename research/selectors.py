"""Reads of the R&D fund: each target's path from its baseline toward its target, the lead's products against the
city's targets, and the best values projects reported (for the scoreboard). The arithmetic is calculators.research.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch

from calculators.research import cost_reduction_percent, progress_percent, target_reached
from registry.models import Product

from .models import GRANTED, ProjectTarget, ReportMeasurement, ResearchProject
from .targets import COST_PER_KG, TARGET_FIGURES, Direction


@dataclass
class PathPoint:
    reported_on: date
    value: Decimal
    display: str
    percent: Decimal
    reached: bool


@dataclass
class TargetProgress:
    """One target of a project and the values measured for it, oldest first."""

    target: ProjectTarget
    points: list[PathPoint] = field(default_factory=list)

    @property
    def definition(self):
        return self.target.definition

    @property
    def baseline_display(self) -> str:
        return self.definition.display(self.target.baseline)

    @property
    def target_display(self) -> str:
        return self.definition.display(self.target.target)

    @property
    def latest(self) -> PathPoint | None:
        return self.points[-1] if self.points else None

    @property
    def reached(self) -> bool:
        return bool(self.points) and self.points[-1].reached

    @property
    def meets_city_threshold(self) -> bool | None:
        """Whether the latest measurement beats Table 1's threshold (None without a threshold or a measurement)."""
        threshold = self.definition.city_threshold
        if threshold is None or not self.points:
            return None
        value = self.points[-1].value
        return value > threshold if self.definition.better == "higher" else value < threshold


@dataclass
class ProjectProgress:
    targets: list[TargetProgress]

    @property
    def has_data(self) -> bool:
        return any(t.points for t in self.targets)

    @property
    def reached_count(self) -> int:
        return sum(1 for t in self.targets if t.reached)


def project_progress(project: ResearchProject) -> ProjectProgress:
    """Each target with its path: (date, value, progress %) per report that measured it, oldest first."""
    targets = list(project.targets.all())
    measurements = (
        ReportMeasurement.objects.filter(report__project=project)
        .select_related("report").order_by("report__reported_on", "report_id")
    )
    by_figure: dict[str, list] = {}
    for measurement in measurements:
        by_figure.setdefault(measurement.figure, []).append(measurement)
    rows = []
    for target in targets:
        definition = target.definition
        points = [
            PathPoint(
                reported_on=m.report.reported_on, value=m.value, display=definition.display(m.value),
                percent=progress_percent(target.baseline, target.target, m.value),
                reached=target_reached(target.baseline, target.target, m.value),
            )
            for m in by_figure.get(target.figure, [])
        ]
        rows.append(TargetProgress(target=target, points=points))
    return ProjectProgress(targets=rows)


def progress_chart_series(progress: TargetProgress) -> list[dict]:
    """Rows for procurement.charts.line_chart: progress % per report (drawn within 0–100), the target at 100."""
    return [
        {"year": point.reported_on.isoformat(), "share": min(max(point.percent, Decimal("0")), Decimal("100")),
         "target": Decimal("100")}
        for point in progress.points
    ]


def lead_products(project: ResearchProject):
    """The lead organisation's directory products in the project's category (or below it), with the city-target flag."""
    return (
        Product.objects.filter(company=project.lead, category_id__in=project.category.descendant_ids())
        .select_related("category").order_by("-meets_target", "name")
    )


def granted_projects():
    return ResearchProject.objects.filter(application__status__in=GRANTED)


def projects_for_list(queryset):
    """A list's projects with what its rows show (lead, category, status, targets and their measurements)."""
    return queryset.select_related("lead", "category", "application").prefetch_related(
        "targets",
        Prefetch("reports__measurements", queryset=ReportMeasurement.objects.all()),
    )


def progress_summary(project: ResearchProject) -> dict:
    """How many targets the latest measurements reach, from prefetched rows (None: no data yet)."""
    targets = list(project.targets.all())
    latest: dict[str, Decimal] = {}
    for report in sorted(project.reports.all(), key=lambda r: (r.reported_on, r.pk)):
        for measurement in report.measurements.all():
            latest[measurement.figure] = measurement.value
    if not latest:
        return {"has_data": False, "reached": 0, "total": len(targets)}
    reached = sum(
        1 for t in targets if t.figure in latest and target_reached(t.baseline, t.target, latest[t.figure])
    )
    return {"has_data": True, "reached": reached, "total": len(targets)}


def best_reported_values() -> dict[str, Decimal | None]:
    """Per Table 1 figure, the best value any granted project reported (the highest, or the lowest where lower is
    better); None where no project reported it."""
    values: dict[str, list[Decimal]] = {}
    measured = ReportMeasurement.objects.filter(report__project__application__status__in=GRANTED).exclude(
        figure=COST_PER_KG
    ).values_list("figure", "value")
    for figure, value in measured:
        values.setdefault(figure, []).append(value)
    return {code: definition.best(values.get(code, [])) for code, definition in TARGET_FIGURES.items()
            if code != COST_PER_KG}


def best_cost_reduction() -> Decimal | None:
    """The largest cost reduction (%) any granted solid-electrolyte project reported against its own baseline."""
    baselines = dict(
        ProjectTarget.objects.filter(
            figure=COST_PER_KG, project__direction=Direction.SOLID_ELECTROLYTES,
            project__application__status__in=GRANTED,
        ).values_list("project_id", "baseline")
    )
    measured = ReportMeasurement.objects.filter(
        figure=COST_PER_KG, report__project_id__in=list(baselines)
    ).values_list("report__project_id", "value")
    reductions = [cost_reduction_percent(baselines[project_id], value) for project_id, value in measured]
    return max(reductions) if reductions else None
