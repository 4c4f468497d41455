"""`manage.py lcr_report --year Y [--format xlsx|csv] [--output PATH]`: the yearly LCR report as a file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from procurement.reports import frames_to_csv, frames_to_xlsx, report_frames


class Command(BaseCommand):
    """Writes the city's LCR by category, by district (of the buyer) and by anchor firm for one year."""

    help = "Write the local content ratio report for a year (city, by category, by district, by anchor firm)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="The calendar year of the purchases.")
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx", dest="file_format")
        parser.add_argument("--output", help="Where to write the file (default: lcr-report-YEAR.FORMAT here).")

    def handle(self, *args, year, file_format, output=None, **options):
        if not 1900 <= year <= 9999:
            raise CommandError(f"--year must be a four-digit year, not {year}.")
        path = Path(output or f"lcr-report-{year}.{file_format}")
        frames = report_frames(year)
        content = frames_to_xlsx(frames) if file_format == "xlsx" else frames_to_csv(frames)
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Could not write {path}: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"LCR report for {year} written to {path.resolve()}"))
