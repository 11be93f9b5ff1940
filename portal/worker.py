"""
The background worker (`manage.py run_worker`): django-tasks-db's `db_worker`
loop, made to outlive the trouble a long-running process meets, with chores
that notice what a dead worker left behind.

Why `db_worker` alone is not enough: its loop lets any database error other
than "database is locked" out, and so does its recording of a task's result.
When the server drops the worker's connection (a restart, a fail-over,
`pg_terminate_backend`), the next query raises, the command ends, and the task
in hand stays RUNNING for good. Django does not reconnect by itself inside a
loop that never finishes a request.

What this worker does instead:

- An error that escapes the loop never ends the process: the broken
  connections are closed (Django opens a fresh one at the next query) and the
  loop starts again, after a pause that doubles with each failure in a row (up
  to 30 s). Mail-server trouble is the tasks' own: they record it, or fail,
  and a failed task is recorded like any other.
- A task's result that could not be written because the connection went away
  is written on a fresh connection: the task is recorded as it ended, not left
  RUNNING (if the database is still away, the chores close the row later).
- Chores: each app may register in `<app>/worker.py` what should be done every
  so often (`chores.register(Chore(...))`). They run in a thread beside the
  loop, with its own database connection, so one long task does not hold them
  up. The club's chore closes the task rows of runs whose worker died and does
  their work again.
- A worker that is killed outright (SIGKILL, a lost machine) cannot heal
  itself: a supervisor restarts the process (systemd `Restart=always`,
  `make run`'s loop), and the chores of any worker close what it left.

Why a command of its own rather than one named `db_worker` that replaces the
library's: Django gives a command name to the first installed app that has it,
so a replacement would silently depend on the order of INSTALLED_APPS. A name
of its own says which worker runs.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from portal.plugins import Registry

logger = logging.getLogger(__name__)

FIRST_PAUSE = 0.5  # seconds after the first failure in a row
LONGEST_PAUSE = 30.0
# A failure this long after the previous one starts a new row.
CALM_AFTER = 60.0


@dataclass(frozen=True)
class Chore:
    """Work the worker does every so often, beside the tasks: `run()` every `every()` seconds."""

    name: str
    run: Callable[[], object]
    every: Callable[[], float]


chores: Registry[Chore] = Registry("worker", key=lambda chore: chore.name)


class WorkerLost(Exception):
    """What a task row whose worker went away is recorded as having failed with."""


def drop_connections() -> None:
    """
    Close every database connection of this thread; the next query opens a new
    one. The way back after a lost connection, which Django does not replace by
    itself outside the request cycle.
    """
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except DatabaseError:
            logger.debug("Closing a broken database connection failed.", exc_info=True)


class SelfHealingWorker(Worker):
    """django-tasks-db's worker, which no exception ends and which runs the chores."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._failures = 0
        self._last_failure = 0.0
        self._chores_stop = threading.Event()

    def run(self) -> None:
        caretaker = threading.Thread(
            target=run_chores, args=(self._chores_stop,), name="worker-chores", daemon=True
        )
        caretaker.start()
        try:
            while True:
                try:
                    # Returns only in --batch or --max-tasks mode, or after a graceful stop.
                    return super().run()
                except Exception:
                    if not self.running:
                        raise  # asked to stop: no point in starting again
                    self._pause_after_failure()
        finally:
            self._chores_stop.set()
            caretaker.join(timeout=5)

    def _pause_after_failure(self) -> None:
        now = time.monotonic()
        if now - self._last_failure > CALM_AFTER:
            self._failures = 0
        self._failures += 1
        self._last_failure = now
        pause = min(FIRST_PAUSE * 2 ** (self._failures - 1), LONGEST_PAUSE)
        logger.exception(
            "The worker's loop failed (%s in a row); it goes on in %.1f s with a new "
            "database connection.",
            self._failures,
            pause,
        )
        drop_connections()
        # A stop signal during the pause ends the process at once (no task is running).
        time.sleep(pause)

    def run_task(self, db_task_result) -> None:
        # The result is written after the task ran, on a connection the task may have seen
        # die (django-tasks-db's quick retries all use the broken one): write it again on a
        # fresh one, so a task that did its work is not left RUNNING or recorded as failed.
        for name in ("set_successful", "set_failed"):
            setattr(db_task_result, name, _on_a_fresh_connection(getattr(db_task_result, name)))
        super().run_task(db_task_result)


def _on_a_fresh_connection(record: Callable) -> Callable:
    """`record`, tried once more on new database connections if the first attempt fails."""

    def again(*args, **kwargs):
        try:
            return record(*args, **kwargs)
        except DatabaseError:
            logger.warning(
                "The database connection was lost before a task's result was written; "
                "writing it on a new connection."
            )
            drop_connections()
            return record(*args, **kwargs)

    return again


def run_chores(stop: threading.Event) -> None:
    """Run each registered chore when it is due, until `stop` is set; never raises."""
    due: dict[str, float] = {}
    while not stop.is_set():
        now = time.monotonic()
        for chore in chores:
            if due.get(chore.name, 0.0) > now:
                continue
            try:
                chore.run()
            except Exception:
                logger.exception("The worker's chore %r failed; it runs again later.", chore.name)
                drop_connections()
            finally:
                close_old_connections()
            due[chore.name] = time.monotonic() + max(chore.every(), 0.1)
        waits = [at - time.monotonic() for at in due.values()]
        stop.wait(timeout=min([*waits, 1.0]) if waits else 1.0)
    drop_connections()


# --- the task table, for the apps' chores -----------------------------------------------------


def keeps_task_rows(task) -> bool:
    """Whether `task` is queued in the database (the rows the chores look at)."""
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task.get_backend(), DatabaseBackend)


def task_rows(task, *, statuses: list[str]):
    """The database rows of `task` in these statuses (READY, RUNNING…)."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=task.module_path, backend_name=task.backend, status__in=statuses
    )


def abandon(row, *, reason: str) -> bool:
    """
    Record a RUNNING row whose worker went away as failed with `reason`; False
    when it is no longer RUNNING (its worker finished it after all).
    """
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    closed = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback=f"{WorkerLost.__qualname__}: {reason}\n",
        return_value=None,
    )
    if closed:
        logger.warning("Task %s (%s) closed: %s", row.pk, row.task_path, reason)
    return bool(closed)


def requeue_lost(tasks, *, started_before) -> int:
    """
    Close every row of `tasks` still RUNNING since before `started_before` (its
    worker went away: these tasks take seconds) and queue the task again with
    the same arguments; returns how many were queued again. Only for tasks
    that may run twice.
    """
    from django.db import transaction
    from django.tasks import TaskResultStatus

    again = 0
    for task in tasks:
        if not keeps_task_rows(task):
            continue
        stale = task_rows(task, statuses=[TaskResultStatus.RUNNING]).filter(
            started_at__lt=started_before
        )
        for row in stale:
            with transaction.atomic():
                if abandon(row, reason="its worker stopped before it ended; queued again"):
                    task.enqueue(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
                    again += 1
    return again
