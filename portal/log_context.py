"""
Log lines that say what they are about: the task, announcement, delivery… in hand.

`log_context(announcement=5)` adds `announcement=5` to every line logged inside it;
a line can add its own with `logger.info(..., extra={"delivery": 12})`. While a
task runs, its id, its name and its `<noun>_id` arguments are added by themselves:
every line of `send_announcement(announcement_id=5, …)` ends with
`[task=… task_name=send_announcement announcement=5]` (the console handler's
`ContextFilter` writes them).
"""

import inspect
import logging
from collections.abc import Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType

# The names a line may carry in `extra`, in the order they are written.
FIELDS = ("task", "task_name", "announcement", "delivery", "subscription", "session")

# Never changed in place: each block sets a new mapping.
_context: ContextVar[Mapping[str, object]] = ContextVar(
    "portal_log_context", default=MappingProxyType({})
)


@contextmanager
def log_context(**fields):
    """Add these fields to every line logged inside the block (in this thread or task)."""
    token = _context.set({**_context.get(), **fields})
    try:
        yield
    finally:
        _context.reset(token)


def current() -> dict[str, object]:
    return dict(_context.get())


class ContextFilter(logging.Filter):
    """Sets `record.log_context` to ` [name=value …]` (or "") for the formatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        fields = _context.get()
        values = {
            name: getattr(record, name, fields.get(name))
            for name in (*FIELDS, *(name for name in fields if name not in FIELDS))
        }
        shown = " ".join(f"{name}={value}" for name, value in values.items() if value is not None)
        record.log_context = f" [{shown}]" if shown else ""
        return True


# --- the task being run ---------------------------------------------------------------------------

_task_tokens = {}


def task_fields(task, args, kwargs) -> dict[str, object]:
    """The task's id-like arguments: `announcement_id=5` gives `announcement=5`."""
    try:
        bound = inspect.signature(task.func).bind_partial(*args, **kwargs).arguments
    except (TypeError, ValueError):
        return {}
    return {
        name.removesuffix("_id"): value
        for name, value in bound.items()
        if name.endswith("_id") and isinstance(value, int | str)
    }


def _task_started(sender, task_result, **kwargs):
    task = task_result.task
    _task_tokens[task_result.id] = _context.set(
        {
            **_context.get(),
            "task": task_result.id,
            "task_name": task.name,
            **task_fields(task, task_result.args, task_result.kwargs),
        }
    )


def _task_finished(sender, task_result, **kwargs):
    token = _task_tokens.pop(task_result.id, None)
    if token is not None:
        try:
            _context.reset(token)
        except ValueError:  # set in another context (a thread that is gone): start afresh
            _context.set(MappingProxyType({}))


def connect_task_signals() -> None:
    """Put the running task's id and name on every line it logs (PortalConfig.ready)."""
    from django.tasks.signals import task_finished, task_started

    task_started.connect(_task_started, dispatch_uid="portal.log_context.task_started")
    task_finished.connect(_task_finished, dispatch_uid="portal.log_context.task_finished")
