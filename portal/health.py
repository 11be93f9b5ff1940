"""
`/healthz` for load balancers and monitors: is the database answering, the cache,
and is a background worker taking tasks?

The worker's sign of life is its heartbeat: a tiny task (`portal.tasks.worker_heartbeat`)
that a health check queues when the last one is older than a quarter of
WORKER_HEARTBEAT_MAX_AGE and none is waiting. A worker that runs it leaves a finished
row with its time; a dead (or completely busy) worker leaves it waiting. So the worker
counts as down when no heartbeat has finished for WORKER_HEARTBEAT_MAX_AGE seconds
and the one queued has waited that long too. It costs one small task per quarter of
that time, and only while something asks for the health.

`/healthz` answers 200 when everything is up and 503 when something is down, with
JSON details either way; `/healthz/web` leaves the worker out (what this app server
needs to answer pages). Never cached; no settings or error messages are shown, only
the kind of error.
"""

import time
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Max, Min
from django.http import JsonResponse
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

HEARTBEAT_TASK_PATH = "portal.tasks.worker_heartbeat"


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        result = check()
    except Exception as error:  # noqa: BLE001 - a health check reports, never raises
        result = {"ok": False, "error": type(error).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def check_cache() -> dict:
    key = f"portal:healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    ok = cache.get(key) == "1"
    cache.delete(key)
    return {"ok": ok} if ok else {"ok": False, "error": "the cache did not keep a value"}


def _uses_database_worker() -> bool:
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


def last_heartbeat() -> datetime | None:
    """When a worker last finished a heartbeat task (None: never, or not recorded)."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=HEARTBEAT_TASK_PATH, status=TaskResultStatus.SUCCESSFUL
    ).aggregate(at=Max("finished_at"))["at"]


def oldest_wait(now: datetime) -> timedelta | None:
    """How long the oldest task that is due to run has been waiting for a worker."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    ready = DBTaskResult.objects.ready()
    starts = [
        ready.filter(run_after=get_date_max()).aggregate(at=Min("enqueued_at"))["at"],
        ready.exclude(run_after=get_date_max()).aggregate(at=Min("run_after"))["at"],
    ]
    starts = [start for start in starts if start is not None]
    return max(now - min(starts), timedelta(0)) if starts else None


def check_worker(now: datetime | None = None) -> dict:
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from portal.tasks import worker_heartbeat

    if not _uses_database_worker():
        return {"ok": True, "detail": "tasks run without a separate worker"}
    now = now or timezone.now()
    max_age = timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE)
    last = last_heartbeat()
    waiting = DBTaskResult.objects.filter(
        task_path=HEARTBEAT_TASK_PATH, status=TaskResultStatus.READY
    ).aggregate(since=Min("enqueued_at"))["since"]
    if waiting is None and (last is None or now - last > max_age / 4):
        worker_heartbeat.enqueue()
        waiting = now
    wait = oldest_wait(now)
    result = {
        "last_heartbeat_seconds_ago": None if last is None else round((now - last).total_seconds()),
        "oldest_task_wait_seconds": None if wait is None else round(wait.total_seconds()),
    }
    if last is not None and now - last <= max_age:
        return {"ok": True, **result}
    if waiting is not None and now - waiting <= max_age:
        # Quiet until now: a heartbeat is queued, the worker has max_age to run it.
        return {"ok": True, "detail": "waiting for the worker to run a heartbeat", **result}
    return {
        "ok": False,
        "error": f"no worker has run a task for over {settings.WORKER_HEARTBEAT_MAX_AGE} s",
        **result,
    }


def _answer(checks: dict) -> JsonResponse:
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "down", "checks": checks}, status=200 if ok else 503
    )


@never_cache
@require_safe
def healthz(request):
    """The database, the cache and the worker."""
    checks = {"database": _timed(check_database), "cache": _timed(check_cache)}
    if checks["database"]["ok"]:
        checks["worker"] = _timed(check_worker)
    else:
        checks["worker"] = {"ok": False, "error": "unknown: the database is down"}
    return _answer(checks)


@never_cache
@require_safe
def healthz_web(request):
    """What this app server needs to answer pages: the database and the cache."""
    return _answer({"database": _timed(check_database), "cache": _timed(check_cache)})
