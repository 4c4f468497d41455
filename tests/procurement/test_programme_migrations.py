"""The migrations that opened the workflow to every programme keep the applications and programmes already there."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("procurement", "0002_seed_local_procurement_programme"), ("alliance", None)]
AFTER = [
    ("procurement", "0005_fixed_amount_becomes_lead_reward"), ("alliance", "0001_members_standards_collaborations"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_existing_applications_and_programmes_survive_and_gain_the_new_kinds():
    old = migrate(BEFORE)
    Company = old.get_model("registry", "Company")
    Programme = old.get_model("procurement", "SubsidyProgramme")
    Application = old.get_model("procurement", "SubsidyApplication")
    company = Company.objects.create(
        uscc="91320583MA00000015", name="Before the change Ltd", employees=50, revenue_cny=Decimal("9000000"),
        size_class="small",
    )
    local = Programme.objects.get(code="local-procurement", version=1)
    reward = Programme.objects.create(
        code="old-reward", version=1, name="Reward entered before", kind="standards_reward",
        fixed_amount=Decimal("800000.00"), period_start=date(2025, 1, 1), period_end=date(2025, 12, 31),
        active_from=date(2025, 1, 1),
    )
    application = Application.objects.create(
        applicant=company, programme=local, status="approved", eligible_total=Decimal("200000.00"),
        amount=Decimal("10000.00"),
    )
    try:
        new = migrate(AFTER)
        Programme = new.get_model("procurement", "SubsidyProgramme")
        Application = new.get_model("procurement", "SubsidyApplication")
        kept = Application.objects.get(pk=application.pk)
        assert (kept.status, kept.eligible_total, kept.amount) == (
            "approved", Decimal("200000.00"), Decimal("10000.00"))
        assert kept.quota_granted is None and kept.quota_unit == ""
        assert Programme.objects.get(pk=reward.pk).lead_reward == Decimal("800000.00")
        seeded = {p.code: p for p in Programme.objects.filter(version=1)}
        assert seeded["rd-matching"].rate == Decimal("0.15")
        assert (seeded["standards-reward"].lead_reward, seeded["standards-reward"].participant_reward) == (
            Decimal("1000000.00"), Decimal("500000.00"))
        assert seeded["energy-quota"].quota_factor == Decimal("1.10")
    finally:
        migrate(AFTER)
