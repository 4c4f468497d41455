"""The alliance's scheduled sweeps, run by `manage.py run_sweeps` (or queued for the workers)."""

from django_tasks import task

from .matchmaking import sourcing_requests_expire


@task()
def sourcing_requests_record_expiry() -> int:
    """Record as expired the open and shortlisted sourcing requests past their deadline (pages already show it)."""
    return sourcing_requests_expire()


SWEEPS = [sourcing_requests_record_expiry]
