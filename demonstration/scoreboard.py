"""The scoreboard's "Demonstration scenarios (Table 3)" figures (a provider of policy.scoreboard, registered from
DemonstrationConfig.ready()).

Each Table 3 metric: the best demonstrated value (each project's latest measurement, the best across projects)
against its target, with the trend by year; and the lowest storage station LCOS against the incumbent's.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from policy.scoreboard import Comparison, Figure

from .scenarios import Scenario, TargetStatus
from .selectors import best_demonstrated, projects_queryset, reference_for, station_lcos

GROUP = "demonstration"


def _plain(value: Decimal | None) -> Decimal | None:
    """16100.0000 → 16100, 95.5000 → 95.5: the stored four places without their trailing zeros (never 1.61E+4)."""
    if value is None:
        return None
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value


def _list_url(scenario: str) -> str:
    return reverse("demonstration:project_list") + "?" + urlencode({"scenario": scenario})


def _metric_figures() -> list[Figure]:
    figures = []
    for scenario in Scenario:
        for key, best in best_demonstrated(scenario).items():
            target = best["target"]
            figures.append(Figure(
                key=f"demonstration.{scenario.value}.{key}",
                group=GROUP,
                label=_("%(scenario)s: %(figure)s") % {"scenario": scenario.label, "figure": target.label},
                value=_plain(best["best"]),
                target=_plain(target.threshold),
                unit=str(target.unit),
                comparison=target.comparison,
                trend=tuple((year, _plain(value)) for year, value in best["trend"]),
                url=_list_url(scenario.value),
                # Shown in the registry figure's own notation and unit.
                extra={"figure": key},
                detail=ngettext(
                    "%(meeting)d of %(count)d project meets it (latest measurement)",
                    "%(meeting)d of %(count)d projects meet it (latest measurements)",
                    best["projects"],
                ) % {"meeting": best["meeting"], "count": best["projects"]} if best["projects"]
                else str(TargetStatus.LABELS[TargetStatus.NO_DATA]),
                target_text=target.text,
            ))
    return figures


def _lcos_figure() -> Figure:
    reference = reference_for(Scenario.GRID_STORAGE)
    stations = projects_queryset().filter(scenario=Scenario.GRID_STORAGE)
    results = [station_lcos(p, reference, reference_given=True) for p in stations]
    values = [r.value for r in results if r.value is not None]
    incumbent = reference.incumbent_lcos_cny_per_kwh if reference else None
    lower = sum(1 for r in results if r.lower_than_incumbent)
    if not values:
        detail = _("No station has its costs and yearly energy recorded yet.")
    elif incumbent is None:
        detail = _("The industry bureau has not entered the incumbent technology’s LCOS yet.")
    else:
        detail = ngettext(
            "%(lower)d of %(count)d station below the incumbent’s %(incumbent)s CNY/kWh",
            "%(lower)d of %(count)d stations below the incumbent’s %(incumbent)s CNY/kWh",
            len(values),
        ) % {"lower": lower, "count": len(values), "incumbent": incumbent}
    technology = reference.incumbent_technology if reference and reference.incumbent_technology else ""
    return Figure(
        key="demonstration.grid_storage.lcos",
        group=GROUP,
        label=_("Grid-side storage: lowest station LCOS"),
        value=min(values) if values else None,
        target=incumbent,
        unit="CNY/kWh",
        comparison=Comparison.LESS_THAN,
        url=_list_url(Scenario.GRID_STORAGE.value),
        detail=detail,
        target_text=(_("lower than the incumbent (%(technology)s)") % {"technology": technology}) if technology
        else _("lower than the incumbent technology"),
    )


def demonstration_figures(user, today) -> list[Figure]:
    """Every figure here is public: projects and measurements are published records."""
    return [*_metric_figures(), _lcos_figure()]
