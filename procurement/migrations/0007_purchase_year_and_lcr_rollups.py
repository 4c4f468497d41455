"""The purchase year stored on each purchase, and the LCR rollup cells built from the purchases already recorded."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import BigIntegerField, Count, F, Max, Min, Sum
from django.db.models.functions import Cast, Round


def fill_purchase_years(apps, schema_editor):
    # One UPDATE per year, with the date range as bounds (purchased_on__year compiles to BETWEEN): no
    # per-row function, on SQLite as on PostgreSQL.
    for name in ("Purchase", "HistoricalPurchase"):
        model = apps.get_model("procurement", name)
        bounds = model.objects.aggregate(first=Min("purchased_on"), last=Max("purchased_on"))
        if bounds["first"] is None:
            continue
        for year in range(bounds["first"].year, bounds["last"].year + 1):
            model.objects.filter(purchased_on__year=year).update(purchased_year=year)


def build_rollups(apps, schema_editor):
    purchase = apps.get_model("procurement", "Purchase")
    rollup = apps.get_model("procurement", "LcrRollup")
    cells = (
        purchase.objects.order_by()
        .values("buyer_id", "category_id", "purchased_year", "supplier_is_local")
        .annotate(
            amount_fen=Sum(Cast(Round(F("amount") * 100), BigIntegerField())),
            purchase_count=Count("pk"),
        )
    )
    rollup.objects.bulk_create(
        [
            rollup(buyer_id=cell["buyer_id"], category_id=cell["category_id"], year=cell["purchased_year"],
                   supplier_is_local=cell["supplier_is_local"], amount_fen=cell["amount_fen"],
                   purchase_count=cell["purchase_count"])
            for cell in cells.iterator()
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('procurement', '0006_import_batch_queued_in_a_task'),
        ('registry', '0003_notice_sent_by_the_sweeps'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalpurchase',
            name='purchased_year',
            field=models.PositiveSmallIntegerField(null=True, editable=False, verbose_name='purchase year'),
        ),
        migrations.AddField(
            model_name='purchase',
            name='purchased_year',
            field=models.PositiveSmallIntegerField(null=True, editable=False, verbose_name='purchase year'),
        ),
        migrations.RunPython(fill_purchase_years, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='historicalpurchase',
            name='purchased_year',
            field=models.PositiveSmallIntegerField(editable=False, verbose_name='purchase year'),
        ),
        migrations.AlterField(
            model_name='purchase',
            name='purchased_year',
            field=models.PositiveSmallIntegerField(editable=False, verbose_name='purchase year'),
        ),
        migrations.CreateModel(
            name='LcrRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('supplier_is_local', models.BooleanField(verbose_name='local supplier (at purchase)')),
                ('amount_fen', models.BigIntegerField(default=0, verbose_name='amount (fen)')),
                ('purchase_count', models.BigIntegerField(default=0, verbose_name='purchases')),
                ('buyer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.company', verbose_name='buyer')),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.category', verbose_name='category')),
            ],
            options={
                'verbose_name': 'LCR rollup cell',
                'verbose_name_plural': 'LCR rollup cells',
                'indexes': [models.Index(fields=['year', 'buyer'], name='lcr_rollup_year_buyer_idx')],
                'constraints': [models.UniqueConstraint(fields=('buyer', 'category', 'year', 'supplier_is_local'), name='lcr_rollup_one_row_per_cell')],
            },
        ),
        migrations.RunPython(build_rollups, migrations.RunPython.noop),
    ]
