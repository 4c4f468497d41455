"""The city's R&D targets: each threshold is strict where the rule says "more than" / "less than"."""

import pytest

from calculators.city_targets import meets_city_target, target_thresholds


@pytest.mark.parametrize(
    ("category", "application", "figures", "meets"),
    [
        # sulfide electrolyte: ionic conductivity > 1e-2 S/cm
        ("sulfide-electrolyte", "", {"ionic_conductivity": 1e-2}, False),
        ("sulfide-electrolyte", "", {"ionic_conductivity": 1.0001e-2}, True),
        ("sulfide-electrolyte", "", {"ionic_conductivity": 9.9e-3}, False),
        # oxide electrolyte: area-specific resistance < 10 ohm cm2
        ("oxide-electrolyte", "", {"area_specific_resistance": 10.0}, False),
        ("oxide-electrolyte", "", {"area_specific_resistance": 9.99}, True),
        # Li-rich Mn cathode: capacity > 300 mAh/g and decay < 0.05 % per cycle
        ("li-rich-mn-cathode", "", {"specific_capacity": 300.0, "capacity_decay_per_cycle": 0.01}, False),
        ("li-rich-mn-cathode", "", {"specific_capacity": 300.1, "capacity_decay_per_cycle": 0.05}, False),
        ("li-rich-mn-cathode", "", {"specific_capacity": 300.1, "capacity_decay_per_cycle": 0.0499}, True),
        ("li-rich-mn-cathode", "", {"specific_capacity": 350.0}, False),
        # lithium metal anode: coulombic efficiency > 99.5 %
        ("lithium-metal-anode", "", {"coulombic_efficiency": 99.5}, False),
        ("lithium-metal-anode", "", {"coulombic_efficiency": 99.51}, True),
        # composite current collectors: weight reduction > 40 %
        ("composite-copper", "", {"weight_reduction": 40.0}, False),
        ("composite-copper", "", {"weight_reduction": 40.01}, True),
        ("composite-aluminium", "", {"weight_reduction": 40.01}, True),
        # grid storage cells: cycle life > 15,000 and round-trip efficiency > 95 %
        ("solid-state-cells", "grid_storage", {"cycle_life": 15000, "round_trip_efficiency": 96}, False),
        ("solid-state-cells", "grid_storage", {"cycle_life": 15001, "round_trip_efficiency": 95}, False),
        ("solid-state-cells", "grid_storage", {"cycle_life": 15001, "round_trip_efficiency": 95.01}, True),
        # drone packs: specific energy > 400 Wh/kg and working from -20 degC to 60 degC at least
        ("solid-state-packs", "drone", {"specific_energy": 400, "min_operating_temp": -20, "max_operating_temp": 60},
         False),
        ("solid-state-packs", "drone", {"specific_energy": 401, "min_operating_temp": -20, "max_operating_temp": 60},
         True),
        ("solid-state-packs", "drone", {"specific_energy": 401, "min_operating_temp": -19, "max_operating_temp": 60},
         False),
        ("solid-state-packs", "drone", {"specific_energy": 401, "min_operating_temp": -20, "max_operating_temp": 59},
         False),
        # robot cells: volumetric energy density > 1000 Wh/L and peak discharge > 5 C
        ("solid-state-cells", "robot", {"volumetric_energy_density": 1000, "peak_discharge_rate": 6}, False),
        ("solid-state-cells", "robot", {"volumetric_energy_density": 1001, "peak_discharge_rate": 5}, False),
        ("solid-state-cells", "robot", {"volumetric_energy_density": 1001, "peak_discharge_rate": 5.1}, True),
    ],
)
def test_thresholds_at_their_edges(category, application, figures, meets):
    assert meets_city_target(category, application, figures) is meets


def test_cells_are_judged_by_their_application():
    grid = {"cycle_life": 20000, "round_trip_efficiency": 97}
    assert meets_city_target("solid-state-cells", "grid_storage", grid) is True
    assert meets_city_target("solid-state-cells", "robot", grid) is False
    # A cell with no application named has no target to meet.
    assert meets_city_target("solid-state-cells", "", grid) is False


def test_a_category_without_a_target_never_meets_one():
    assert target_thresholds("graphene") == ()
    assert meets_city_target("graphene", "", {"ionic_conductivity": 1}) is False


def test_missing_figures_do_not_meet_the_target():
    assert meets_city_target("sulfide-electrolyte", "", {}) is False
