"""Builders for the demonstration tests: projects of each scenario and their measurements."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from demonstration.models import DemonstrationProject, Measurement, ScenarioReference

_n = itertools.count(1)


def make_project(*, scenario="grid_storage", status="in_operation", operator=None, suppliers=(), **fields):
    defaults = {
        "name": f"Project {next(_n)}", "site": "Suzhou Industrial Park", "capacity_kwh": Decimal("1000"),
        "units": 4, "commissioned_on": date(2025, 1, 10) if status in ("in_operation", "ended") else None,
    }
    defaults.update(fields)
    if operator is None and "operator_name" not in defaults:
        defaults["operator_name"] = "State Grid Suzhou"
    project = DemonstrationProject.objects.create(scenario=scenario, status=status, operator=operator, **defaults)
    project.suppliers.set(suppliers)
    return project


def measure(project, figure, value, measured_on=None):
    return Measurement.objects.create(project=project, figure=figure, value=Decimal(str(value)),
                                      measured_on=measured_on or timezone.localdate() - timedelta(days=1))


@pytest.fixture
def reference(db):
    return ScenarioReference.objects.create(
        scenario="grid_storage", incumbent_technology="LFP stations", incumbent_lcos_cny_per_kwh=Decimal("0.62"),
        discount_rate=Decimal("0.06"),
    )


@pytest.fixture
def station(company_x, reference):
    """A station operated by company X, with its costs for the LCOS."""
    return make_project(
        name="Xinghu storage station", operator=company_x, capex_cny=Decimal("120000000.00"),
        om_cny_per_year=Decimal("3600000.00"), replacement_cny_per_year=Decimal("1000000.00"),
        discharged_kwh_per_year=Decimal("31350000.000"), lifetime_years=20,
    )
