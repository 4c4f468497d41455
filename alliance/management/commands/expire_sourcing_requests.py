"""python manage.py expire_sourcing_requests: mark open and shortlisted requests past their deadline as expired.

Pages and the API already show such a request as expired; the sweep records it in the status and the history.
Safe to run again at any time (cron, daily).
"""

from django.core.management.base import BaseCommand

from alliance.matchmaking import sourcing_requests_expire


class Command(BaseCommand):
    help = "Mark open and shortlisted sourcing requests past their deadline as expired."

    def handle(self, *args, **options):
        count = sourcing_requests_expire()
        self.stdout.write(f"{count} sourcing request(s) expired")
