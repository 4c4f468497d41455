"""`manage.py backup [FILE]`: the database and the private files in one .tar.gz (registry/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from registry.backup import backup_create


class Command(BaseCommand):
    help = "Write the database (pg_dump, or a copy for SQLite) and the private files to one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("output", nargs="?", help="Where to write it (default: backup-YYYYmmdd-HHMMSS.tar.gz).")

    def handle(self, *args, output=None, **options):
        path = Path(output or f"backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz")
        backup_create(output=path)
        self.stdout.write(f"Backup written to {path}")
