"""python manage.py run_sweeps [--enqueue]: the scheduled sweeps of every app, for cron.

Each app lists its sweeps in `<app>/tasks.py` as SWEEPS (tasks of Django's task API); they run here in the
order of INSTALLED_APPS, or with --enqueue go to the workers. Every sweep is safe to run again at any time.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand


def sweeps() -> list:
    """The sweep tasks of the installed apps, in the order of INSTALLED_APPS."""
    found = []
    for app in apps.get_app_configs():
        if find_spec(f"{app.name}.tasks") is not None:
            found.extend(getattr(import_module(f"{app.name}.tasks"), "SWEEPS", []))
    return found


class Command(BaseCommand):
    help = "Run the scheduled sweeps (stale imports, lapsed verifications, expiring and expired certificates)."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true",
                            help="Queue the sweeps for the workers instead of running them here.")

    def handle(self, *args, enqueue=False, **options):
        for sweep in sweeps():
            if enqueue:
                result = sweep.enqueue()
                self.stdout.write(f"{sweep.name}: queued ({result.id})")
            else:
                self.stdout.write(f"{sweep.name}: {sweep.call()}")
