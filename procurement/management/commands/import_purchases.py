"""python manage.py import_purchases FILE --buyer USCC [--user USERNAME]: import a purchase file as the bureau."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from procurement.imports import import_batch_start, import_errors, import_warnings, run_import
from procurement.models import ImportBatch
from registry.identifiers import normalise_uscc
from registry.models import Company, User

BAR_WIDTH = 30


class Command(BaseCommand):
    """Import a CSV or .xlsx purchase file for a buyer, all rows or none, with a progress bar."""

    help = "Import purchases from a CSV or .xlsx file for a buyer; nothing is saved if any row is bad."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV or .xlsx file.")
        parser.add_argument("--buyer", required=True, help="The buying company's USCC.")
        parser.add_argument("--user", help="Username recorded as having recorded the purchases (optional).")

    def handle(self, *args, file, buyer, user=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        # The command is run by the bureau's operators on the server, not by a firm's web user, so the
        # anchor-firm permission of the web page does not apply; the buyer must still be a company in the
        # registry, because every purchase belongs to one and the local content figures are counted per buyer.
        company = Company.objects.filter(uscc=normalise_uscc(buyer)).first()
        if company is None:
            raise CommandError(f"No registered company has the USCC {buyer}.")
        recorded_by = None
        if user:
            recorded_by = User.objects.filter(username=user).first()
            if recorded_by is None:
                raise CommandError(f"No user is called {user}.")

        batch = import_batch_start(buyer=company, by=recorded_by, filename=path.name)
        with path.open("rb") as handle:
            batch = run_import(batch, handle, recorded_by=recorded_by, progress=self._progress_printer())

        for warning in import_warnings(batch):
            self.stdout.write(f"Warning: {warning['message']}")
        if batch.status != ImportBatch.Status.DONE:
            errors = import_errors(batch)
            self.stdout.write(f"Nothing was imported: {len(errors)} problem(s) in {path.name}.")
            for error in errors:
                where = f"row {error['row']}" if error["row"] else "file"
                column = f", column {error['column']}" if error["column"] else ""
                value = f" (value given: {error['value']!r})" if error["value"] else ""
                self.stdout.write(f"  {where}{column}: {error['message']}{value}")
            raise CommandError(f"The file was refused (import #{batch.pk}).")
        self.stdout.write(self.style.SUCCESS(
            f"Imported {path.name} for {company.name}: {batch.created_count} purchase(s) created, "
            f"{batch.duplicate_count} row(s) already recorded (import #{batch.pk})."
        ))

    def _progress_printer(self):
        """A bar redrawn in place on a terminal; a line every 10 % when the output is a file or a pipe."""
        interactive = hasattr(self.stdout, "isatty") and self.stdout.isatty()
        last_tenth = [-1]

        def progress(done, total):
            fraction = done / total if total else 1
            filled = int(BAR_WIDTH * fraction)
            bar = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {fraction:4.0%} {done}/{total} rows checked"
            if interactive:
                self.stdout.write("\r" + bar, ending="\n" if done >= total else "")
                self.stdout.flush()
            elif int(fraction * 10) > last_tenth[0]:
                last_tenth[0] = int(fraction * 10)
                self.stdout.write(bar)
            if done >= total:
                # Saving a large file takes as long again as checking it: say so, or the finished bar looks stuck.
                self.stdout.write("Every row checked; finishing the import…")

        return progress
