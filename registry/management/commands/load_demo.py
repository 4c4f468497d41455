"""`python manage.py load_demo`: the demo data set (idempotent), then the table of demo logins."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from procurement.demo import load_procurement_demo
from registry.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo data set (about 300 companies with products, certificates and every verification "
        "state) and the demo users; running it again adds nothing. Prints the demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help="Load even when DJANGO_DEBUG=0. The demo users' passwords are published, a superuser's among them.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Refusing to load the demo with DJANGO_DEBUG=0: it creates users whose passwords are published "
                "(a superuser among them). Use --force on a throwaway database only."
            )
        started = time.monotonic()
        result = load_demo()
        elapsed = time.monotonic() - started
        procurement = load_procurement_demo()
        procurement_elapsed = time.monotonic() - started - elapsed
        created, totals = result.created, result.totals
        self.stdout.write(
            f"Demo data: {created['companies']} companies, {created['products']} products and "
            f"{created['certificates']} certificates added in {elapsed:.1f} s "
            f"(now {totals['companies']} companies, {totals['products']} products, "
            f"{totals['certificates']} certificates, {totals['users']} users)."
        )
        self.stdout.write(
            f"Procurement demo: {procurement.created['purchases']} purchases and "
            f"{procurement.created['applications']} subsidy applications added in {procurement_elapsed:.1f} s "
            f"(now {procurement.totals['purchases']} purchases, {procurement.totals['applications']} applications)."
        )
        self.stdout.write(self.login_table(result.logins))

    def login_table(self, logins) -> str:
        headers = ("username", "password", "role", "what to try")
        rows = [(login.username, login.password, login.role, login.note) for login in logins]
        widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
        line = "+-" + "-+-".join("-" * w for w in widths) + "-+"

        def format_row(row):
            return "| " + " | ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)) + " |"

        table = [line, format_row(headers), line, *(format_row(row) for row in rows), line]
        return "\n".join(["", self.style.SUCCESS("Demo logins (log in at http://127.0.0.1:8000/accounts/login/):"),
                          *table, ""])
