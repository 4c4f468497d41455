"""A real worker process: `manage.py db_worker --batch` takes the queued import from the database and finishes it.

The worker is another process, so it needs a database it can open: PostgreSQL (as CI runs the suite), or SQLite
in a file. SQLite's in-memory test database cannot be shared, and the test is skipped there. It runs on its own
(`.ci/run` sets RUN_WORKER_TESTS=1), not inside the parallel suite, where other tests share the machine's queue
and settings with the worker process.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from procurement.models import ImportBatch, Purchase
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
    client.post(reverse("procurement:purchase_import"), {"file": upload})
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
