"""Background work of procurement: a purchase file's import, and the sweep that fails imports that died.

Background work goes through Django's own task API (`@task`, `.enqueue()`), from the django-tasks backport of
`django.tasks` (Django 6), rather than Celery: the code moves to `django.tasks` unchanged on Django 6; its
database backend (django-tasks-db) needs nothing installed beyond the database we already run, so `make run`
starts one worker beside the web server; and its RQ backend (django-tasks-rq) puts the same tasks on Redis for
as many `rqworker` processes as the load needs, chosen by setting REDIS_URL. Celery would bring a broker, a
second task API and its own configuration for the few jobs we have.

An import is all-or-nothing and reaches the database at most once:
- the uploaded file is stored in private storage (not memory: the worker is another process, perhaps another
  machine sharing DJANGO_PRIVATE_MEDIA_ROOT) and deleted when the batch ends;
- the task moves the batch from queued to running under a row lock, and `run_import` checks under a row lock
  that the batch is still queued or running before it writes the purchases and marks the batch done, in one
  transaction; a second run of the same job (a retry) finds it done and writes nothing;
- a job that raises marks its batch failed with a message; a job whose worker died is failed by the sweep
  once the backend reports it failed, or after PURCHASE_IMPORT_TIMEOUT_SECONDS in any case.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, task

from .import_messages import entry_message, stored_message
from .imports import import_batch_start, run_import
from .models import ImportBatch

logger = logging.getLogger(__name__)


def job_failure(message) -> dict:
    """A batch's report entry for a job that stopped, as opposed to a bad row: the page shows "Failed: …"."""
    # Stored as its code, worded when shown (procurement.import_messages): read later, perhaps in another language.
    return {"row": None, "column": "", "value": "", **stored_message(message), "job": True}


def import_batch_failure(batch: ImportBatch) -> str:
    """The message of a batch failed as a job (timed out, worker gone, error), or "" for one refused for its rows."""
    return next((entry_message(entry) for entry in batch.errors if entry.get("job")), "")


def _upload_forget(batch: ImportBatch) -> None:
    """Delete the stored file of a batch that has ended; the report and the purchases are what remain."""
    if batch.status in ImportBatch.LIVE or not batch.upload:
        return
    name = batch.upload.name
    batch.upload.storage.delete(name)
    ImportBatch.objects.filter(pk=batch.pk, upload=name).update(upload="")
    batch.upload = ""


def import_batch_enqueue(*, buyer, by, upload) -> ImportBatch:
    """Store an uploaded purchase file and queue its import; the batch page and the API follow it."""
    batch = import_batch_start(buyer=buyer, by=by, filename=upload.name)
    batch.status = ImportBatch.Status.QUEUED
    batch.upload.save(upload.name, upload, save=False)
    batch.save(update_fields=["status", "upload"])
    try:
        # The worker has no request: the report is written in the language the file was uploaded in.
        result = import_batch_run.enqueue(batch.pk, language=translation.get_language())
    except Exception:
        # The queue is unreachable (Redis down, say): say so on the batch instead of leaving it queued.
        logger.exception("Purchase import %s could not be queued", batch.pk)
        import_batch_fail(batch.pk, message=_("The import could not be queued; nothing was saved. Try again later."))
    else:
        ImportBatch.objects.filter(pk=batch.pk).update(task_id=result.id)
    batch.refresh_from_db()
    return batch


def import_batch_fail(batch_id: int, *, message) -> bool:
    """Mark a queued or running batch failed with a message; a finished batch is left as it is."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id, status__in=ImportBatch.LIVE).first()
        if batch is None:
            return False
        batch.status = ImportBatch.Status.FAILED
        batch.errors = [job_failure(message)]
        batch.finished_at = timezone.now()
        batch.save(update_fields=["status", "errors", "finished_at"])
    _upload_forget(batch)
    return True


def _import_batch_claim(batch_id: int) -> ImportBatch | None:
    """The batch, now running, or None when it has ended already (done, or failed by the sweep)."""
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update(of=("self",)).select_related("buyer", "uploaded_by")
            .filter(pk=batch_id, status__in=ImportBatch.LIVE).first()
        )
        if batch is None:
            return None
        # A running batch here is a retried job whose first run died before writing: run it again.
        batch.status = ImportBatch.Status.RUNNING
        batch.started_at = timezone.now()
        batch.save(update_fields=["status", "started_at"])
    return batch


@task()
def import_batch_run(batch_id: int, language: str | None = None) -> str:
    """Import a queued batch's stored file, all rows or none; returns the batch's status at the end.

    The report's messages are written in `language` (the uploader's), the worker's default without it.
    """
    with translation.override(language or translation.get_language()):
        return _import_batch_run(batch_id)


def _import_batch_run(batch_id: int) -> str:
    batch = _import_batch_claim(batch_id)
    if batch is None:
        logger.info("Purchase import %s has ended already; nothing to do", batch_id)
        return "skipped"
    try:
        stored = batch.upload.open("rb")
    except (FileNotFoundError, ValueError):
        import_batch_fail(batch_id, message=_("The uploaded file is no longer stored; nothing was saved. "
                                              "Import the file again."))
        return ImportBatch.Status.FAILED.value
    try:
        # The stored file itself, read as it is imported (block by block), never held whole in memory.
        with stored:
            batch = run_import(batch, stored, recorded_by=batch.uploaded_by)
    except Exception:
        import_batch_fail(batch_id, message=_("The import stopped on an unexpected error; nothing was saved."))
        raise
    _upload_forget(batch)
    return batch.status


def _job_failed(batch: ImportBatch) -> bool:
    """Whether the task backend reports the batch's job failed (a worker that raised, or RQ's timeout)."""
    if not batch.task_id or not import_batch_run.get_backend().supports_get_result:
        return False
    try:
        result = import_batch_run.get_result(batch.task_id)
    except Exception:
        # Unknown to the backend (pruned, or the queue unreachable): the timeout decides.
        return False
    return result.status == TaskResultStatus.FAILED


@task()
def import_batches_fail_stale() -> int:
    """Fail the imports whose job died or that ran past PURCHASE_IMPORT_TIMEOUT_SECONDS; returns how many."""
    limit = timedelta(seconds=settings.PURCHASE_IMPORT_TIMEOUT_SECONDS)
    now = timezone.now()
    failed = 0
    for batch in ImportBatch.objects.filter(status__in=ImportBatch.LIVE).order_by("pk"):
        if now - (batch.started_at or batch.created_at) > limit:
            message = _("The import took longer than %(minutes)d minutes and was stopped; nothing was saved. "
                        "Import the file again.") % {"minutes": limit.total_seconds() // 60}
        elif _job_failed(batch):
            message = _("The import’s job stopped (its worker failed or was stopped); nothing was saved. "
                        "Import the file again.")
        else:
            continue
        failed += import_batch_fail(batch.pk, message=message)
    # Files left behind by a worker that stopped between finishing a batch and deleting its file.
    for batch in ImportBatch.objects.exclude(status__in=ImportBatch.LIVE).exclude(upload=""):
        _upload_forget(batch)
    return failed


# What `manage.py run_sweeps` runs for this app.
SWEEPS = [import_batches_fail_stale]
