"""Seed the other three programmes of the policy's "Subsidies and rewards" rules as data: the R&D matching fund (15 % of
a national major project's total investment), the standards reward (1,000,000 CNY for leading an international
standard, 500,000 CNY for taking part) and the energy quota uplift (the standard quota × 1.10)."""

from datetime import date
from decimal import Decimal

from django.db import migrations

PROGRAMMES = [
    {"code": "rd-matching", "name": "R&D matching fund", "name_zh": "研发配套资金", "kind": "rd_matching",
     "rate": Decimal("0.15")},
    {"code": "standards-reward", "name": "Standards reward", "name_zh": "标准奖励", "kind": "standards_reward",
     "lead_reward": Decimal("1000000.00"), "participant_reward": Decimal("500000.00")},
    {"code": "energy-quota", "name": "Energy quota uplift", "name_zh": "用能指标上浮", "kind": "energy_quota",
     "quota_factor": Decimal("1.10")},
]
# The programme seeded before programmes had a Chinese name.
LOCAL_PROCUREMENT_ZH = ("local-procurement", "本地采购补贴")


def seed(apps, schema_editor):
    SubsidyProgramme = apps.get_model("procurement", "SubsidyProgramme")
    code, name_zh = LOCAL_PROCUREMENT_ZH
    SubsidyProgramme.objects.filter(code=code, name_zh="").update(name_zh=name_zh)
    for fields in PROGRAMMES:
        if SubsidyProgramme.objects.filter(code=fields["code"], version=1).exists():
            continue
        SubsidyProgramme.objects.create(
            version=1, period_start=date(2025, 1, 1), period_end=date(2027, 12, 31), active_from=date(2025, 1, 1),
            **fields,
        )


def unseed(apps, schema_editor):
    SubsidyProgramme = apps.get_model("procurement", "SubsidyProgramme")
    for fields in PROGRAMMES:
        SubsidyProgramme.objects.filter(code=fields["code"], version=1, applications__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("procurement", "0003_every_programme_kind_and_its_basis")]

    operations = [migrations.RunPython(seed, unseed)]
