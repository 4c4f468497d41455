"""`manage.py restore FILE --yes`: put a backup back over the database and the private files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.backup import backup_restore
from registry.directory_cache import directory_reset


class Command(BaseCommand):
    help = "Replace the database and the private files with those of a backup archive (manage.py backup)."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz written by manage.py backup.")
        parser.add_argument("--yes", action="store_true", help="Confirm: everything now there is replaced.")

    def handle(self, *args, archive, yes=False, **options):
        if not yes:
            raise CommandError("Restoring replaces the whole database and every private file: add --yes.")
        manifest = backup_restore(archive_path=Path(archive))
        directory_reset()  # the companies API's cached pages were of the database just replaced
        self.stdout.write(f"Restored the {manifest['engine']} backup made at {manifest['created_at']}.")
