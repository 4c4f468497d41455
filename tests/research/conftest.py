"""Fixtures of the R&D fund's tests: the seeded programme, a project basis with Table 1 targets, granted projects."""

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps

from procurement import applications as workflow
from procurement.models import SubsidyProgramme
from research.models import ResearchProject
from tests import factories


@pytest.fixture
def rd_fund(db):
    # Seeded by research's data migration; seeded again (idempotent) after a transactional test's flush.
    importlib.import_module("research.migrations.0002_seed_rd_fund_programme").seed(apps, None)
    return SubsidyProgramme.objects.get(code="rd-fund", version=1)


def basis(**changes) -> dict:
    """A solid-electrolyte project: conductivity 3e-3 → 1.2e-2 S/cm, cost 2,000 → 1,000 CNY/kg."""
    values = {
        "title": "Sulfide electrolyte at ton scale",
        "summary": "Halve the cost of Li6PS5Cl and raise its conductivity.",
        "direction": "solid_electrolytes", "category": "sulfide-electrolyte", "partners": [],
        "budget": Decimal("8000000.00"), "amount_requested": Decimal("3000000.00"),
        "started_on": date(2026, 1, 1), "ends_on": date(2028, 12, 31),
        "targets": {
            "ionic_conductivity": {"baseline": "3e-3", "target": "1.2e-2"},
            "cost_per_kg": {"baseline": "2000", "target": ""},
        },
    }
    values.update(changes)
    return values


def granted_project(user, official, programme, **changes) -> ResearchProject:
    application = workflow.application_create_draft(by=user, programme=programme, basis=basis(**changes))
    application = workflow.application_submit(by=user, application=application)
    workflow.application_approve(by=official, application=application)
    return ResearchProject.objects.get(application=application)


@pytest.fixture
def project_x(supplier_x, official, rd_fund):
    return granted_project(supplier_x, official, rd_fund)


def file_report(user, project, *, on=date(2026, 6, 1), **values):
    from research import services

    return services.progress_report_file(
        by=user, project=project, reported_on=on, measurements=values, evidence=factories.document_upload("pdf"),
    )
