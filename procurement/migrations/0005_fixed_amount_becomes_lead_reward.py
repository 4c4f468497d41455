"""The former schema's one fixed amount becomes the reward for leading, then goes: each kind now names its own
parameters (lead_reward, participant_reward, quota_factor)."""

from django.db import migrations, models


def fixed_amount_to_lead_reward(apps, schema_editor):
    for name in ("SubsidyProgramme", "HistoricalSubsidyProgramme"):
        model = apps.get_model("procurement", name)
        model.objects.filter(fixed_amount__isnull=False, lead_reward__isnull=True).update(
            lead_reward=models.F("fixed_amount")
        )


class Migration(migrations.Migration):
    dependencies = [("procurement", "0004_seed_reward_programmes")]

    operations = [
        # The one fixed amount of the former schema was the reward for leading; nothing computed with it so far,
        # but a value an official entered is carried over before the column goes.
        migrations.RunPython(fixed_amount_to_lead_reward, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='historicalsubsidyprogramme',
            name='fixed_amount',
        ),
        migrations.RemoveField(
            model_name='subsidyprogramme',
            name='fixed_amount',
        ),
    ]
