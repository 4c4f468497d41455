"""`manage.py rebuild_lcr_rollups`: recompute every LCR rollup cell from the purchases (after a bulk load, say)."""

from django.core.management.base import BaseCommand

from procurement.rollups import rollups_rebuild


class Command(BaseCommand):
    """Replaces the rollup cells by the sums of the purchases, in one transaction."""

    help = ("Recompute the LCR rollup cells from the purchases. Needed only after purchases were written "
            "outside the platform (a bulk load straight into the database); every write path keeps them exact.")

    def handle(self, *args, **options):
        cells = rollups_rebuild()
        self.stdout.write(self.style.SUCCESS(f"LCR rollups rebuilt: {cells} cells."))
