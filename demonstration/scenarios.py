"""The three scenarios of seed Table 3, the figures each measures and the targets they are held against.

The figures and their units and bounds are the registry's (`registry.figures`: the same figures cells and packs
report); the thresholds are the city's targets for cells and packs by application
(`calculators.city_targets`), so a demonstrated value and a product's data sheet are judged by one rule.
"""

import operator
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from calculators.city_targets import target_thresholds
from registry.figures import FIGURES, format_number


class Scenario(models.TextChoices):
    # The values are the products' applications (registry.Product.Application), whose targets these are.
    GRID_STORAGE = "grid_storage", _("Grid-side storage stations")
    DRONE = "drone", _("Low-altitude drones")
    ROBOT = "robot", _("Humanoid robots")


# The cells-and-packs category whose targets by application are Table 3's.
CELLS_CATEGORY = "solid-state-cells"

SCENARIO_FIGURES: dict[str, tuple[str, ...]] = {
    Scenario.GRID_STORAGE: ("cycle_life", "round_trip_efficiency"),
    Scenario.DRONE: ("specific_energy", "min_operating_temp", "max_operating_temp"),
    Scenario.ROBOT: ("volumetric_energy_density", "peak_discharge_rate"),
}
MEASURED_FIGURES: tuple[str, ...] = tuple(key for keys in SCENARIO_FIGURES.values() for key in keys)

_SYMBOLS = {operator.gt: ">", operator.ge: "≥", operator.lt: "<", operator.le: "≤"}
# The scoreboard's words for the same comparisons (policy.scoreboard.Comparison).
_COMPARISONS = {operator.gt: "more_than", operator.ge: "at_least", operator.lt: "less_than", operator.le: "at_most"}


class TargetStatus:
    MET = "met"
    NOT_MET = "not_met"
    NO_DATA = "no_data"

    LABELS = {MET: _("Meets target"), NOT_MET: _("Below target"), NO_DATA: _("No data yet")}
    # The site's coloured tags (static/css/site.css).
    TAGS = {MET: "meets", NOT_MET: "below", NO_DATA: "pending"}


@dataclass(frozen=True)
class Target:
    """One figure's target in a scenario: `value compare threshold` is met."""

    figure: str
    compare: object  # operator.gt / ge / lt / le
    threshold: Decimal

    @property
    def definition(self):
        return FIGURES[self.figure]

    @property
    def label(self):
        return self.definition.label

    @property
    def unit(self):
        return self.definition.unit

    @property
    def text(self) -> str:
        """The policy's words: "> 15,000 cycles", "≤ -20 °C"."""
        return f"{_SYMBOLS[self.compare]} {_grouped(self.threshold)} {self.unit}"

    @property
    def comparison(self) -> str:
        return _COMPARISONS[self.compare]

    @property
    def higher_is_better(self) -> bool:
        return self.compare in (operator.gt, operator.ge)

    def met_by(self, value) -> bool:
        return value is not None and self.compare(Decimal(value), self.threshold)

    def status_of(self, value) -> str:
        if value is None:
            return TargetStatus.NO_DATA
        return TargetStatus.MET if self.met_by(value) else TargetStatus.NOT_MET

    def best(self, values):
        """The best of the values in the target's direction (the lowest of lowest operating temperatures)."""
        values = [v for v in values if v is not None]
        if not values:
            return None
        return max(values) if self.higher_is_better else min(values)


def _grouped(value: Decimal) -> str:
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return format_number(value)


def targets_for(scenario: str) -> tuple[Target, ...]:
    """The targets of a scenario's figures, in the order SCENARIO_FIGURES lists them."""
    thresholds = {t.figure: t for t in target_thresholds(CELLS_CATEGORY, scenario)}
    return tuple(
        Target(key, thresholds[key].compare, Decimal(str(thresholds[key].value)))
        for key in SCENARIO_FIGURES[scenario]
    )


def target_for(scenario: str, figure: str) -> Target:
    return next(t for t in targets_for(scenario) if t.figure == figure)
