"""Seed the local procurement subsidy (DOMAIN.md "Subsidies and rewards"): 5 % of eligible local purchases."""

from datetime import date
from decimal import Decimal

from django.db import migrations

CODE = "local-procurement"


def seed(apps, schema_editor):
    SubsidyProgramme = apps.get_model("procurement", "SubsidyProgramme")
    Category = apps.get_model("registry", "Category")
    if SubsidyProgramme.objects.filter(code=CODE, version=1).exists():
        return
    SubsidyProgramme.objects.create(
        code=CODE,
        version=1,
        name="Local procurement subsidy",
        kind="local_procurement",
        rate=Decimal("0.05"),
        period_start=date(2025, 1, 1),
        period_end=date(2027, 12, 31),
        cap_per_applicant_year=None,
        eligible_category=Category.objects.filter(slug="cells-and-packs").first(),
        active_from=date(2025, 1, 1),
    )


def unseed(apps, schema_editor):
    SubsidyProgramme = apps.get_model("procurement", "SubsidyProgramme")
    # Only an unused seed goes: a version with applications is part of their record.
    SubsidyProgramme.objects.filter(code=CODE, version=1, applications__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0001_purchases_programmes_applications"),
        ("registry", "0002_seed_taxonomy_and_districts"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
