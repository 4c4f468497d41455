"""`python manage.py load_demo`: the demo data set (idempotent), then the table of demo logins.

The registry's demo comes first; then each installed app that has a `demo` module with `load_app_demo()` adds
its own, in the order of INSTALLED_APPS (an app comes after those it builds on). The registry knows none of them.
"""

import importlib
import importlib.util
import time

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registry.demo import load_demo
from registry.directory_cache import directory_changed


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
        directory_changed()  # bulk inserts skip save(), which raises the directory version (directory_cache)
        elapsed = time.monotonic() - started
        created, totals = result.created, result.totals
        self.stdout.write(
            f"Demo data: {created['companies']} companies, {created['products']} products and "
            f"{created['certificates']} certificates added in {elapsed:.1f} s "
            f"(now {totals['companies']} companies, {totals['products']} products, "
            f"{totals['certificates']} certificates, {totals['users']} users)."
        )
        for module in self.app_demos():
            started = time.monotonic()
            summary = module.load_app_demo()
            self.stdout.write(f"{summary} ({time.monotonic() - started:.1f} s)")
        self.stdout.write(self.login_table(result.logins))

    @staticmethod
    def app_demos():
        """The `demo` modules of the installed apps after the registry, each with its `load_app_demo()`."""
        modules = []
        for config in apps.get_app_configs():
            name = f"{config.name}.demo"
            if config.name == "registry" or importlib.util.find_spec(config.name) is None:
                continue
            if importlib.util.find_spec(name) is None:
                continue
            module = importlib.import_module(name)
            if hasattr(module, "load_app_demo"):
                modules.append(module)
        return modules

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
