"""The import as a task: queued with its file stored, run by a worker once, failed honestly, never saved twice.

Here the tasks are stored (django-tasks-db) or dropped (the dummy backend) and run by calling the task, as a
worker would; tests/test_tasks_worker.py runs a real `db_worker` process.
"""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from procurement.imports import run_import
from procurement.models import ImportBatch, Purchase
from procurement.tasks import (
    import_batch_enqueue,
    import_batch_failure,
    import_batch_run,
    import_batches_fail_stale,
)
from tests.conftest import client_for
from tests.procurement.test_imports import csv_bytes, good_rows

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def queue_in_database(settings):
    """Enqueued tasks wait in the database for a worker, as with `make run`."""
    settings.TASKS = DATABASE_BACKEND


def upload(data, name="purchases.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def queued_batch(user, supplier) -> ImportBatch:
    return import_batch_enqueue(buyer=user.company, by=user, upload=upload(csv_bytes(good_rows(supplier))))


def batch_page(user, batch) -> str:
    return client_for(user).get(reverse("procurement:import_batch", args=[batch.pk])).content.decode()


def status_of(user, batch) -> dict:
    return client_for(user).get(reverse("procurement:import_status", args=[batch.pk])).json()


@pytest.mark.django_db
def test_upload_stores_the_file_and_queues_the_task_then_a_worker_imports_it(
    queue_in_database, anchor_user, company_x, private_media
):
    client = client_for(anchor_user)
    response = client.post(reverse("procurement:purchase_import"), {"file": upload(csv_bytes(good_rows(company_x)))})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.status == ImportBatch.Status.QUEUED
    stored = private_media / batch.upload.name
    assert batch.upload.name.startswith("importbatch/") and stored.read_bytes() == csv_bytes(good_rows(company_x))
    job = DBTaskResult.objects.get()
    assert str(job.id) == batch.task_id and job.args_kwargs["args"] == [batch.pk] and job.status == "READY"
    html = batch_page(anchor_user, batch)
    assert "<strong>Waiting for a worker</strong>" in html and "js/import-progress.js" in html
    assert 'http-equiv="refresh"' in html
    assert status_of(anchor_user, batch)["finished"] is False and not Purchase.objects.exists()

    assert import_batch_run.call(batch.pk) == "done"

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and batch.created_count == 3 and batch.started_at
    assert Purchase.objects.count() == 3
    assert not stored.exists() and batch.upload.name == ""
    html = batch_page(anchor_user, batch)
    assert "3 purchases created" in html and "js/import-progress.js" not in html and 'http-equiv="refresh"' not in html
    assert status_of(anchor_user, batch)["finished"] is True


@pytest.mark.django_db
def test_a_job_run_twice_saves_the_file_once(queue_in_database, anchor_user, company_x):
    batch = queued_batch(anchor_user, company_x)
    assert import_batch_run.call(batch.pk) == "done"
    assert import_batch_run.call(batch.pk) == "skipped"
    assert Purchase.objects.count() == 3


@pytest.mark.django_db
def test_a_retried_job_whose_first_run_died_before_writing_imports_once(
    queue_in_database, anchor_user, company_x
):
    batch = queued_batch(anchor_user, company_x)
    # The first worker claimed it and was killed while checking rows: nothing was written.
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING, processed_rows=2)
    assert import_batch_run.call(batch.pk) == "done"
    assert Purchase.objects.count() == 3 and ImportBatch.objects.get().created_count == 3


@pytest.mark.django_db
def test_an_import_that_was_failed_meanwhile_writes_nothing(anchor_user, company_x):
    batch = ImportBatch.objects.create(buyer=anchor_user.company, uploaded_by=anchor_user, file_name="p.csv")
    # The sweep failed it (timed out) while this run was checking the rows.
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.FAILED)
    result = run_import(batch, io.BytesIO(csv_bytes(good_rows(company_x))), recorded_by=anchor_user)
    assert result.status == ImportBatch.Status.FAILED and not Purchase.objects.exists()


@pytest.mark.django_db
def test_a_job_that_raises_fails_its_batch_with_a_message_and_the_page_stops_polling(
    queue_in_database, anchor_user, company_x, monkeypatch, private_media
):
    batch = queued_batch(anchor_user, company_x)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("procurement.tasks.run_import", broken)
    with pytest.raises(RuntimeError):
        import_batch_run.call(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and batch.finished_at and batch.upload.name == ""
    assert not list((private_media / "importbatch").iterdir())
    html = batch_page(anchor_user, batch)
    assert "Failed: The import stopped on an unexpected error; nothing was saved." in html
    assert "js/import-progress.js" not in html and 'http-equiv="refresh"' not in html
    state = status_of(anchor_user, batch)
    assert state["finished"] and state["status"] == "failed" and state["status_display"].startswith("Failed: ")


@pytest.mark.django_db
def test_with_the_immediate_backend_an_error_in_the_job_fails_the_batch(anchor_user, company_x, monkeypatch):
    monkeypatch.setattr("procurement.tasks.run_import", lambda *a, **k: 1 / 0)
    batch = queued_batch(anchor_user, company_x)
    assert batch.status == ImportBatch.Status.FAILED
    assert "unexpected error" in import_batch_failure(batch) and batch.errors[0]["job"]


@pytest.mark.django_db
def test_a_missing_stored_file_fails_the_batch(queue_in_database, anchor_user, company_x):
    batch = queued_batch(anchor_user, company_x)
    batch.upload.storage.delete(batch.upload.name)
    assert import_batch_run.call(batch.pk) == "failed"
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and "no longer stored" in import_batch_failure(batch)


@pytest.mark.django_db
def test_a_queue_that_refuses_the_job_fails_the_batch(settings, anchor_user, company_x, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(type(import_batch_run), "enqueue", unreachable)
    batch = queued_batch(anchor_user, company_x)
    assert batch.status == ImportBatch.Status.FAILED and "could not be queued" in import_batch_failure(batch)


@pytest.mark.django_db
def test_the_sweep_fails_batches_past_the_limit_and_leaves_the_others(
    queue_in_database, settings, anchor_user, company_x
):
    settings.PURCHASE_IMPORT_TIMEOUT_SECONDS = 600
    stale = queued_batch(anchor_user, company_x)
    ImportBatch.objects.filter(pk=stale.pk).update(
        status=ImportBatch.Status.RUNNING, started_at=timezone.now() - timedelta(seconds=601)
    )
    fresh = queued_batch(anchor_user, company_x)
    done = ImportBatch.objects.create(buyer=anchor_user.company, file_name="d.csv", status="done")

    assert import_batches_fail_stale.call() == 1
    stale.refresh_from_db()
    assert stale.status == ImportBatch.Status.FAILED and "longer than 10 minutes" in import_batch_failure(stale)
    assert stale.upload.name == ""
    assert ImportBatch.objects.get(pk=fresh.pk).status == ImportBatch.Status.QUEUED
    assert ImportBatch.objects.get(pk=done.pk).status == ImportBatch.Status.DONE
    # The stale job's worker comes back to it later: it finds the batch failed and writes nothing.
    assert import_batch_run.call(stale.pk) == "skipped" and not Purchase.objects.exists()


@pytest.mark.django_db
def test_the_sweep_fails_a_batch_whose_job_the_backend_reports_failed(queue_in_database, anchor_user, company_x):
    batch = queued_batch(anchor_user, company_x)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING, started_at=timezone.now())
    DBTaskResult.objects.filter(pk=batch.task_id).update(status="FAILED", finished_at=timezone.now())
    assert import_batches_fail_stale.call() == 1
    assert "job stopped" in import_batch_failure(ImportBatch.objects.get())


@pytest.mark.django_db
def test_api_answers_202_while_queued_and_the_batch_endpoint_follows_it(
    queue_in_database, anchor_user, supplier_x, company_x
):
    client = client_for(anchor_user)
    response = client.post(reverse("purchase-import"), {"file": upload(csv_bytes(good_rows(company_x)))})
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["url"].endswith(reverse("purchase-import-batch", args=[body["batch"]]))
    queued = client.get(body["url"]).json()
    assert queued["status"] == "queued" and queued["finished"] is False
    assert client_for(supplier_x).get(body["url"]).status_code == 404
    assert client_for(None).get(body["url"]).status_code in (401, 403)

    import_batch_run.call(body["batch"])
    done = client.get(body["url"]).json()
    assert done["status"] == "done" and done["created"] == 3 and done["finished"] and done["errors"] == []
