"""The fund's figures on the policy scoreboard (policy.scoreboard): what the projects have reached so far.

  rd.projects.cost_reduction   the best cost cut a solid-electrolyte project reported vs its baseline (aim ≥ 50 %)
  rd.projects.<figure>         per Table 1 figure, the best value reported by granted projects vs Table 1
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from policy.scoreboard import Comparison, Figure

from . import selectors
from .targets import COST_PER_KG, TARGET_FIGURES, Direction


def _list_url(**query) -> str:
    return reverse("research:project_list") + "?" + urlencode(query)


def rd_project_figures(user, today) -> list[Figure]:
    """Public figures: they are computed from granted projects' reported values only."""
    figures = [Figure(
        key="rd.projects.cost_reduction", group="rd",
        label=_("Solid electrolytes: cost per kg reduced (best R&D fund project vs its baseline)"),
        value=selectors.best_cost_reduction(), target=Decimal("50"), unit="%", comparison=Comparison.AT_LEAST,
        url=_list_url(direction=Direction.SOLID_ELECTROLYTES), target_text=_("cost down by half or more"),
    )]
    best = selectors.best_reported_values()
    for code, definition in TARGET_FIGURES.items():
        if code == COST_PER_KG:
            continue
        figures.append(Figure(
            key=f"rd.projects.{code}", group="rd",
            label=_("%(figure)s: best value reported by R&D fund projects") % {"figure": definition.label},
            value=best.get(code), target=definition.city_threshold, unit=definition.unit,
            comparison=Comparison.MORE_THAN if definition.better == "higher" else Comparison.LESS_THAN,
            url=_list_url(direction=definition.direction, figure=code), target_text=definition.city_text,
            # Shown in the figure's own notation and unit (1.2 × 10⁻² S/cm), as the directory shows it.
            extra={"figure": code},
        ))
    return figures
