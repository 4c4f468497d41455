"""The city's R&D targets per category (the policy's "Products and the R&D targets" rules, seed Tables 1 and 3).

A product "meets city target" when every figure its rule names is present and beats the threshold.
Figures are in the units of `registry.figures` (S/cm, ohm*cm2, mAh/g, %, cycles, Wh/kg, degC, Wh/L, C).
Cells and packs are judged by their application (grid storage, drones, robots).
"""

import operator
from dataclasses import dataclass

_GT = operator.gt
_LT = operator.lt
_LE = operator.le
_GE = operator.ge


@dataclass(frozen=True)
class Threshold:
    figure: str
    compare: object  # one of operator.gt/lt/ge/le
    value: float

    def met_by(self, figures: dict) -> bool:
        given = figures.get(self.figure)
        return given is not None and self.compare(float(given), self.value)


# Keyed by category slug, then by product application ("" when the category does not depend on it).
CITY_TARGETS: dict[str, dict[str, tuple[Threshold, ...]]] = {
    "sulfide-electrolyte": {"": (Threshold("ionic_conductivity", _GT, 1e-2),)},
    "oxide-electrolyte": {"": (Threshold("area_specific_resistance", _LT, 10.0),)},
    "li-rich-mn-cathode": {
        "": (
            Threshold("specific_capacity", _GT, 300.0),
            Threshold("capacity_decay_per_cycle", _LT, 0.05),
        )
    },
    "lithium-metal-anode": {"": (Threshold("coulombic_efficiency", _GT, 99.5),)},
    "composite-copper": {"": (Threshold("weight_reduction", _GT, 40.0),)},
    "composite-aluminium": {"": (Threshold("weight_reduction", _GT, 40.0),)},
}
_CELL_TARGETS = {
    "grid_storage": (Threshold("cycle_life", _GT, 15000), Threshold("round_trip_efficiency", _GT, 95.0)),
    # "operating range -20 degC to 60 degC": the product must work at least across that range.
    "drone": (
        Threshold("specific_energy", _GT, 400.0),
        Threshold("min_operating_temp", _LE, -20.0),
        Threshold("max_operating_temp", _GE, 60.0),
    ),
    "robot": (Threshold("volumetric_energy_density", _GT, 1000.0), Threshold("peak_discharge_rate", _GT, 5.0)),
}
CITY_TARGETS["solid-state-cells"] = _CELL_TARGETS
CITY_TARGETS["solid-state-packs"] = _CELL_TARGETS


def target_thresholds(category_slug: str, application: str = "") -> tuple[Threshold, ...]:
    """The thresholds a product of this category (and application) is judged by; empty if none."""
    by_application = CITY_TARGETS.get(category_slug, {})
    return by_application.get(application or "", ()) or by_application.get("", ())


def meets_city_target(category_slug: str, application: str, figures: dict) -> bool:
    """True when the category has a target and every threshold of it is beaten by the given figures."""
    thresholds = target_thresholds(category_slug, application)
    return bool(thresholds) and all(t.met_by(figures) for t in thresholds)
