"""Log lines say which task, announcement, subscription… they are about."""

import logging

import pytest

from portal.log_context import ContextFilter, log_context
from portal.tasks import worker_heartbeat
from tests.helpers.operator import child_env, manage


def formatted(record_logger, message, **extra) -> str:
    """One line as the console handler of the settings writes it."""
    from django.conf import settings

    handler = logging.StreamHandler()
    handler.addFilter(ContextFilter())
    handler.setFormatter(logging.Formatter(settings.LOGGING["formatters"]["console"]["format"]))
    record = record_logger.makeRecord(
        record_logger.name, logging.INFO, __file__, 1, message, (), None, extra=extra
    )
    handler.filter(record)
    return handler.format(record)


def test_a_block_and_a_line_add_their_ids():
    logger = logging.getLogger("meetups.mailing.delivery")
    assert formatted(logger, "plain") == "INFO meetups.mailing.delivery: plain"
    with log_context(announcement=5):
        line = formatted(logger, "Refused", delivery=12)
    assert line == "INFO meetups.mailing.delivery: Refused [announcement=5 delivery=12]"
    assert formatted(logger, "after") == "INFO meetups.mailing.delivery: after"


@pytest.mark.django_db(transaction=True)
def test_the_worker_writes_the_task_and_its_ids_on_each_line():
    from meetups.tasks import send_announcement

    heartbeat = worker_heartbeat.enqueue()
    announcement = send_announcement.enqueue(987654, "no-such-run")

    result = manage(
        "db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", "--no-reload",
        env=child_env(),
    )  # fmt: skip

    output = result.stdout + result.stderr
    print(output)
    assert result.returncode == 0
    assert (
        f"Task id={announcement.id} path=meetups.tasks.send_announcement state=SUCCESSFUL "
        f"[task={announcement.id} task_name=send_announcement announcement=987654]"
    ) in output
    assert (
        f"Task id={heartbeat.id} path=portal.tasks.worker_heartbeat state=SUCCESSFUL "
        f"[task={heartbeat.id} task_name=worker_heartbeat]"
    ) in output
