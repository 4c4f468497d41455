"""The performance figures products carry: their units, plausible bounds, and which categories use them.

Values are stored as plain numbers in the unit given here (SI-consistent units the industry quotes).
Bounds refuse impossible input (a negative resistance, an efficiency over 100 %, 5 S/cm for a solid
electrolyte) with a message a person can act on.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    minimum: float | None = None
    maximum: float | None = None
    min_inclusive: bool = True
    max_inclusive: bool = True
    # Conductivities span orders of magnitude and are quoted as 1.2 × 10⁻² S/cm in the industry.
    scientific: bool = False

    def display(self, value) -> str:
        """The value with its unit, as shown on screen: 1.2 × 10⁻² S/cm, 320 mAh/g."""
        return f"{format_number(value, self.scientific)} {self.unit}"

    def problem(self, value: float):
        """A sentence saying why `value` is not plausible, or None when it is."""
        if self.minimum is not None:
            if value < self.minimum or (value == self.minimum and not self.min_inclusive):
                return _("%(label)s must be %(op)s %(bound)s %(unit)s.") % {
                    "label": self.label,
                    "op": _("at least") if self.min_inclusive else _("more than"),
                    "bound": format_number(self.minimum),
                    "unit": self.unit,
                }
        if self.maximum is not None:
            if value > self.maximum or (value == self.maximum and not self.max_inclusive):
                return _("%(label)s must be %(op)s %(bound)s %(unit)s.") % {
                    "label": self.label,
                    "op": _("at most") if self.max_inclusive else _("less than"),
                    "bound": format_number(self.maximum),
                    "unit": self.unit,
                }
        return None


FIGURES: dict[str, Figure] = {
    f.key: f
    for f in (
        # The best solid electrolytes reach a few 1e-2 S/cm; anything at or above 1 S/cm is a typing error.
        Figure("ionic_conductivity", _("Ionic conductivity at 25 °C"), "S/cm", 0, 1, False, False, scientific=True),
        Figure("area_specific_resistance", _("Area-specific resistance"), "Ω·cm²", 0, None, False),
        Figure("specific_capacity", _("Specific capacity"), "mAh/g", 0, 2000, False),
        Figure("capacity_decay_per_cycle", _("Capacity decay per cycle"), "%", 0, 100),
        Figure("coulombic_efficiency", _("Coulombic efficiency over 500 cycles"), "%", 0, 100),
        Figure("weight_reduction", _("Weight reduction vs copper foil"), "%", 0, 100),
        Figure("cycle_life", _("Cycle life"), _("cycles"), 0, 1_000_000),
        Figure("round_trip_efficiency", _("Round-trip efficiency"), "%", 0, 100),
        Figure("specific_energy", _("Specific energy"), "Wh/kg", 0, 2000, False),
        Figure("min_operating_temp", _("Lowest operating temperature"), "°C", -100, 200),
        Figure("max_operating_temp", _("Highest operating temperature"), "°C", -100, 200),
        Figure("volumetric_energy_density", _("Volumetric energy density"), "Wh/L", 0, 5000, False),
        Figure("peak_discharge_rate", _("Peak discharge rate"), "C", 0, 1000, False),
    )
}

_CELL_FIGURES = (
    "specific_energy",
    "volumetric_energy_density",
    "cycle_life",
    "round_trip_efficiency",
    "peak_discharge_rate",
    "min_operating_temp",
    "max_operating_temp",
)

# The figures a product of each category reports. A category not listed inherits its parent's.
FIGURES_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "solid-electrolytes": ("ionic_conductivity", "area_specific_resistance"),
    "sulfide-electrolyte": ("ionic_conductivity",),
    "oxide-electrolyte": ("ionic_conductivity", "area_specific_resistance"),
    "cathode-materials": ("specific_capacity", "capacity_decay_per_cycle"),
    "anode-materials": ("specific_capacity", "coulombic_efficiency"),
    "lithium-metal-anode": ("coulombic_efficiency",),
    "current-collectors": ("weight_reduction",),
    "cells-and-packs": _CELL_FIGURES,
}


def figures_for_category(category) -> tuple[str, ...]:
    """The figure keys a category uses, walking up to its parents when it has none of its own."""
    node = category
    while node is not None:
        if node.slug in FIGURES_BY_CATEGORY:
            return FIGURES_BY_CATEGORY[node.slug]
        node = node.parent
    return ()


def format_number(value: float, scientific: bool = False) -> str:
    """Scientific notation (1.2 × 10⁻²) when asked for or for very small or large numbers, others plainly."""
    if value is None:
        return ""
    value = float(value)
    if value != 0 and (scientific or abs(value) < 1e-3 or abs(value) >= 1e6):
        mantissa, exponent = f"{value:.2e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        superscript = str(int(exponent)).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
        return f"{mantissa} × 10{superscript}"
    if value == int(value):
        return f"{int(value):,}" if abs(value) >= 10000 else str(int(value))
    return f"{value:g}"
