"""A real worker process: `manage.py db_worker --batch` takes the queued import from the database and finishes it.

The worker is another process, so it needs a database it can open: PostgreSQL (as CI runs the suite), or SQLite
in a file. SQLite's in-memory test database cannot be shared, and the test is skipped there. It runs on its own
(`.ci/run` sets RUN_WORKER_TESTS=1), not inside the parallel suite, where other tests share the machine's queue
and settings with the worker process.
"""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from procurement.models import ImportBatch, LcrRollup, Purchase
from procurement.tasks import import_batch_failure
from tests.conftest import client_for
from tests.procurement.test_imports import csv_bytes, good_rows

BASE_DIR = Path(django_settings.BASE_DIR)


def database_url_of_the_test_database() -> str:
    params = connection.settings_dict
    if connection.vendor == "postgresql":
        user = params["USER"] or "postgres"
        password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
        return f"postgres://{user}{password}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        return f"sqlite:///{params['NAME']}"
    pytest.skip("the worker process needs a database it can open: PostgreSQL or SQLite in a file")


def worker_environment(private_media) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(DATABASE_URL=database_url_of_the_test_database(), DJANGO_PRIVATE_MEDIA_ROOT=str(private_media))
    return env


@pytest.mark.skipif(not os.environ.get("RUN_WORKER_TESTS"), reason="run on its own by .ci/run (RUN_WORKER_TESTS=1)")
@pytest.mark.django_db(transaction=True)
def test_db_worker_process_imports_the_queued_file(settings, anchor_user, company_x, private_media):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    env = worker_environment(private_media)
    client = client_for(anchor_user)
    upload = SimpleUploadedFile("purchases.csv", csv_bytes(good_rows(company_x)), content_type="text/csv")
    response = client.post(reverse("procurement:purchase_import"), {"file": upload})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.QUEUED and (private_media / batch.upload.name).exists()

    worker = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert worker.returncode == 0, worker.stdout + worker.stderr

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE, batch.errors
    assert batch.created_count == 3 and Purchase.objects.filter(import_batch=batch).count() == 3
    assert batch.upload.name == "" and not list((private_media / "importbatch").iterdir())
    page = client.get(reverse("procurement:import_batch", args=[batch.pk])).content.decode()
    assert "3 purchases created" in page and "import-progress.js" not in page


# --- a worker killed in the middle of a large import ---------------------------------------------------------

KILLED_ROWS = 30_000


def _large_file(supplier) -> bytes:
    rows = [[supplier.uscc, "", "2026-03-01", "solid-state-cells", "100.00", f"KILL-{n:06d}"]
            for n in range(KILLED_ROWS)]
    return csv_bytes(rows)


def _waiting_inside_the_import() -> bool:
    """Whether another connection waits on a lock inside its transaction (PostgreSQL only): the import, stopped at
    its LCR cells by the lock the test holds, with its purchases written but not committed."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL reads its activity statistics once; clear them to see the worker now.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND xact_start IS NOT NULL AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def _wait_for(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    pytest.fail(f"waited {seconds:.0f} s for {what}")


def _run_worker_until_empty(env):
    worker = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600,
    )
    assert worker.returncode == 0, worker.stdout + worker.stderr


@pytest.mark.skipif(not os.environ.get("RUN_WORKER_TESTS"), reason="run on its own by .ci/run (RUN_WORKER_TESTS=1)")
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_the_batch_failed_and_nothing_written(
    settings, anchor_user, company_x, private_media, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    env = worker_environment(private_media)
    client = client_for(anchor_user)
    data = _large_file(company_x)
    response = client.post(reverse("procurement:purchase_import"),
                           {"file": SimpleUploadedFile("large.csv", data, content_type="text/csv")})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()

    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        # The import writes its purchases and then the LCR cells in one transaction, too fast to catch by watching.
        # Holding a lock on the cells table stops it there, purchases written, nothing committed: the worker dies then.
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"LOCK TABLE {LcrRollup._meta.db_table} IN SHARE MODE")
            # Every row checked (the worker reports its progress as it goes, outside the import's transaction).
            _wait_for(lambda: ImportBatch.objects.filter(pk=batch.pk, processed_rows=KILLED_ROWS).exists(),
                      seconds=300, what="the worker to check every row")
            _wait_for(_waiting_inside_the_import, seconds=60, what="the worker to write the purchases")
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        log.close()

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.RUNNING, "the worker finished before it was killed: add rows"
    # The transaction died with the worker: not one purchase of the file, not half of it.
    assert not Purchase.objects.filter(invoice_number__startswith="KILL-").exists()

    # The sweep, past the configured limit, fails the batch with a message and deletes the stored file.
    settings.PURCHASE_IMPORT_TIMEOUT_SECONDS = 1
    time.sleep(1.2)
    call_command("run_sweeps", stdout=io.StringIO())
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert "took longer than" in import_batch_failure(batch) and "nothing was saved" in import_batch_failure(batch)
    assert batch.upload.name == "" and not list((private_media / "importbatch").iterdir())
    page = client.get(reverse("procurement:import_batch", args=[batch.pk])).content.decode()
    assert "nothing was saved" in page and "import-progress.js" not in page

    # A new worker finds nothing to run again: the killed job is not run a second time into the database.
    _run_worker_until_empty(env)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert not Purchase.objects.filter(invoice_number__startswith="KILL-").exists()

    # The same file imported again is saved once, whole.
    client.post(reverse("procurement:purchase_import"),
                {"file": SimpleUploadedFile("large.csv", data, content_type="text/csv")})
    again = ImportBatch.objects.exclude(pk=batch.pk).get()
    _run_worker_until_empty(env)
    again.refresh_from_db()
    assert again.status == ImportBatch.Status.DONE, again.errors
    assert again.created_count == KILLED_ROWS
    assert Purchase.objects.filter(invoice_number__startswith="KILL-").count() == KILLED_ROWS
    assert Purchase.objects.filter(invoice_number__startswith="KILL-").values("invoice_number").distinct().count() \
        == KILLED_ROWS
