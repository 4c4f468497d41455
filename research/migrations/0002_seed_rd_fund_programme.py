"""Seed the municipal R&D fund (seed suggestion 1) as a programme version of the "R&D fund grant" kind: the amount
requested, at most half of the project's budget, 5,000,000 CNY per application and 10,000,000 CNY per organisation
a year. Officials change these by creating the next version."""

from datetime import date
from decimal import Decimal

from django.db import migrations

PROGRAMME = {
    "code": "rd-fund", "name": "Municipal R&D fund grant", "name_zh": "市级研发基金资助", "kind": "rd_fund",
    "rate": Decimal("0.50"), "cap_per_application": Decimal("5000000.00"),
    "cap_per_applicant_year": Decimal("10000000.00"),
}


def seed(apps, schema_editor):
    SubsidyProgramme = apps.get_model("procurement", "SubsidyProgramme")
    if SubsidyProgramme.objects.filter(code=PROGRAMME["code"], version=1).exists():
        return
    SubsidyProgramme.objects.create(
        version=1, period_start=date(2025, 1, 1), period_end=date(2027, 12, 31), active_from=date(2025, 1, 1),
        **PROGRAMME,
    )


def unseed(apps, schema_editor):
    SubsidyProgramme = apps.get_model("procurement", "SubsidyProgramme")
    SubsidyProgramme.objects.filter(code=PROGRAMME["code"], version=1, applications__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("research", "0001_projects_targets_and_reports"), ("procurement", "0010_rd_fund_kind")]

    operations = [migrations.RunPython(seed, unseed)]
