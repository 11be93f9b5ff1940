"""The portal's own background task: the worker's heartbeat, which `/healthz` reads."""

from datetime import timedelta

from django.conf import settings
from django.tasks import TaskResultStatus, task
from django.tasks.base import TASK_MAX_PRIORITY
from django.utils import timezone


@task(priority=TASK_MAX_PRIORITY)
def worker_heartbeat() -> str:
    """
    Finish at once: the finished row is the sign that a worker takes tasks. Ahead
    of every other task, so a long queue does not hide a live worker. Older
    heartbeats are forgotten, so that they do not pile up.
    """
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    DBTaskResult.objects.filter(
        task_path=f"{__name__}.worker_heartbeat",
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=now - timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE),
    ).delete()
    return now.isoformat()
