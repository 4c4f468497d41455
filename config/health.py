"""/healthz for load balancers: is the database reachable, and how long has the oldest queued job waited.

200 when the database answers, 503 when it does not. The queue's age is reported (in seconds, null when nothing
waits) for monitoring to alert on, without taking web servers out of rotation: pages work without workers.
"""

import logging
from datetime import UTC

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks import task_backends

logger = logging.getLogger(__name__)


def _database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database is unreachable")
        return False
    return True


def oldest_queued_job_age() -> float | None:
    """Seconds since the oldest job still waiting for a worker was enqueued; None when none waits."""
    backend = task_backends["default"]
    kind = type(backend).__module__
    if kind.startswith("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        enqueued = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    elif kind.startswith("django_tasks_rq"):
        import django_rq

        enqueued = None
        for queue_name in backend.queues:
            queue = django_rq.get_queue(queue_name)
            job_ids = queue.get_job_ids(0, 1)
            job = queue.fetch_job(job_ids[0]) if job_ids else None
            if job is not None and job.enqueued_at is not None:
                at = job.enqueued_at if job.enqueued_at.tzinfo else job.enqueued_at.replace(tzinfo=UTC)
                enqueued = at if enqueued is None else min(enqueued, at)
    else:
        # The immediate backend of tests runs a job as it is enqueued: nothing ever waits.
        return None
    return None if enqueued is None else round((timezone.now() - enqueued).total_seconds(), 1)


@never_cache
@require_GET
def healthz(request):
    database = _database_reachable()
    body = {"status": "ok" if database else "unavailable", "database": database}
    try:
        body["oldest_queued_job_age_seconds"] = oldest_queued_job_age()
        body["queue"] = True
    except Exception:
        logger.exception("Health check: the task queue is unreachable")
        body["oldest_queued_job_age_seconds"] = None
        body["queue"] = False
    return JsonResponse(body, status=200 if database else 503)
