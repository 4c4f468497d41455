"""`manage.py verify_lcr_rollups`: check that every LCR rollup cell equals the sums of its purchases."""

from django.core.management.base import BaseCommand, CommandError

from procurement.rollups import fen_as_cny, purchases_with_wrong_year, rollups_differences
from registry.models import Category, Company


class Command(BaseCommand):
    """Compares the rollup cells with the purchases; exits non-zero naming every cell that differs."""

    help = ("Check the LCR rollup cells against the purchases. Exits with status 1 and lists every differing "
            "cell (buyer, category, year, local or not) when they disagree; rebuild_lcr_rollups repairs them.")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=100, help="List at most this many differing cells.")

    def handle(self, *args, limit, **options):
        wrong_years = purchases_with_wrong_year()
        differences = rollups_differences()
        if not differences and not wrong_years:
            self.stdout.write(self.style.SUCCESS("LCR rollups equal the purchases."))
            return
        if wrong_years:
            self.stderr.write(f"{wrong_years} purchases have a stored year that is not the year of their date.")
        shown = differences[:limit]
        buyers = Company.objects.only("uscc", "name").in_bulk({d["cell"][0] for d in shown if d["table"] == "buyer"})
        # Every cell key holds (category, year, local) in this order: after the buyer, or before the size class.
        where = {"buyer": slice(1, 4), "city": slice(0, 3), "size": slice(0, 3)}
        categories = Category.objects.only("slug").in_bulk({d["cell"][where[d["table"]]][0] for d in shown})
        for difference in shown:
            category_id, year, local = difference["cell"][where[difference["table"]]]
            if difference["table"] == "buyer":
                buyer = buyers.get(difference["cell"][0])
                who = f"buyer {buyer.uscc} ({buyer.name})" if buyer else f"buyer #{difference['cell'][0]}"
            elif difference["table"] == "size":
                who = f"{difference['cell'][3]} suppliers"
            else:
                who = "city"
            category = categories.get(category_id)
            (stored_fen, stored_count), (true_fen, true_count) = difference["stored"], difference["purchases"]
            self.stderr.write(
                f"{who}, category {category.slug if category else category_id}, year {year}, "
                f"{'local' if local else 'not local'}: rollup {fen_as_cny(stored_fen)} CNY in {stored_count} "
                f"purchases, purchases {fen_as_cny(true_fen)} CNY in {true_count}"
            )
        if len(differences) > limit:
            self.stderr.write(f"... and {len(differences) - limit} more cells.")
        raise CommandError(
            f"LCR rollups differ from the purchases in {len(differences)} cells; run rebuild_lcr_rollups."
        )
