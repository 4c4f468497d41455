"""The import journey through Redis: the upload page queues the job on RQ, a real `rqworker` process runs it.

Skipped unless REDIS_URL is set. `.ci/run` runs it alone against PostgreSQL with a worker it starts and stops:
the worker is given the test database (test_<name>) and the same DJANGO_PRIVATE_MEDIA_ROOT as this process.
"""

import os
import time

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from procurement.models import ImportBatch, Purchase
from registry.models import private_storage
from tests.conftest import client_for
from tests.procurement.test_imports import csv_bytes, good_rows

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set"),
]


@pytest.fixture
def shared_private_media():
    """The private storage both this process and the worker use (the suite's default is a per-test folder)."""
    for cached in ("base_location", "location"):
        private_storage.__dict__.pop(cached, None)
    private_storage._location = str(django_settings.PRIVATE_MEDIA_ROOT)
    yield django_settings.PRIVATE_MEDIA_ROOT
    for cached in ("base_location", "location"):
        private_storage.__dict__.pop(cached, None)


@pytest.mark.django_db(transaction=True)
def test_import_journey_through_redis_and_an_rq_worker(settings, anchor_user, company_x, shared_private_media):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("the rqworker process needs a database it can open: PostgreSQL or SQLite in a file")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    client = client_for(anchor_user)
    upload = SimpleUploadedFile("purchases.csv", csv_bytes(good_rows(company_x)), content_type="text/csv")
    response = client.post(reverse("procurement:purchase_import"), {"file": upload})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("procurement:import_batch", args=[batch.pk])
    assert batch.task_id

    status_url = reverse("procurement:import_status", args=[batch.pk])
    deadline = time.monotonic() + 60
    while not (state := client.get(status_url).json())["finished"]:
        database = connection.settings_dict["NAME"]
        assert time.monotonic() < deadline, (
            f"the import is still {state['status']} after 60 s: is an rqworker running against {database}?"
        )
        time.sleep(0.5)

    assert state["status"] == "done", state
    page = client.get(response["Location"]).content.decode()
    assert "3 purchases created" in page and "import-progress.js" not in page
    assert Purchase.objects.filter(import_batch=batch).count() == 3
    batch.refresh_from_db()
    assert batch.upload.name == ""
