"""/healthz: 200 with the database reachable and the oldest queued job's age; 503 when the database is not."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from procurement.tasks import import_batches_fail_stale


@pytest.mark.django_db
def test_healthy_with_nothing_waiting():
    response = Client().get("/healthz")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": True, "oldest_queued_job_age_seconds": None,
                               "queue": True}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_reports_how_long_the_oldest_queued_job_has_waited(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    assert Client().get("/healthz").json()["oldest_queued_job_age_seconds"] is None
    older = import_batches_fail_stale.enqueue()
    import_batches_fail_stale.enqueue()
    DBTaskResult.objects.filter(pk=older.id).update(enqueued_at=timezone.now() - timedelta(seconds=300))
    body = Client().get("/healthz").json()
    assert body["database"] is True and 300 <= body["oldest_queued_job_age_seconds"] < 330


@pytest.mark.django_db
def test_503_when_the_database_is_unreachable(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": False, "oldest_queued_job_age_seconds": None,
                               "queue": False}
