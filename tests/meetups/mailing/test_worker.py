"""
The real worker: `manage.py run_worker` (django-tasks-db's `db_worker` loop,
self-healing) as a separate process, against the test database and a real SMTP
server: killed in the middle and started again, cut off from its database, and
left without a mail server for longer than any delivery's retries.
"""

import time
from collections import Counter

import pytest
from django.db import connection

from meetups.enums import AnnouncementStatus, DeliveryStatus, SubscriptionStatus
from meetups.models import Announcement, Subscription
from meetups.services import announcement_create
from tests.helpers.worker import WORKER_APPLICATION_NAME, wait_for


def _running_tasks():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="RUNNING")


def _finished(announcement):
    return lambda: (
        Announcement.objects.get(pk=announcement.pk).status == AnnouncementStatus.FINISHED
    )


@pytest.fixture
def session(make_session):
    return make_session(number=20, title="DHT security", days=5, papers=2)


def test_the_worker_retries_later_and_records_what_cannot_be_delivered(
    start_worker, smtp_server, session, make_subscription
):
    addresses = [make_subscription(f"reader{n}@example.org").email for n in range(30)]
    sink = smtp_server.handler
    sink.refuse_temporarily["reader3@example.org"] = 2
    sink.refuse_permanently.add("reader5@example.org")
    sink.fail_data_temporarily["reader12@example.org"] = 1
    sink.drop_connection_at["reader10@example.org"] = 1

    announcement = announcement_create(session=session)
    start_worker()
    wait_for(_finished(announcement), timeout=60, what="the announcement to finish")

    delivered = Counter(sink.recipients())
    assert delivered == {address: 1 for address in addresses if address != "reader5@example.org"}
    failed = announcement.deliveries.get(status=DeliveryStatus.FAILED)
    assert failed.subscription.email == "reader5@example.org"
    assert failed.last_error.startswith("550") and failed.attempts == 1
    assert announcement.deliveries.get(subscription__email="reader3@example.org").attempts == 3
    # One connection for the first run, one after the drop, one per retry run.
    assert sink.connections <= 5


def test_a_worker_killed_mid_run_and_started_again_skips_nobody(
    start_worker, smtp_server, session, make_subscription
):
    addresses = [make_subscription(f"reader{n}@example.org").email for n in range(400)]
    sink = smtp_server.handler
    sink.delay = 0.01  # a slow server, so the kill lands in the middle

    announcement = announcement_create(session=session)
    first = start_worker()
    wait_for(lambda: sink.count() >= 60, timeout=60, what="the first messages")
    first.kill()
    arrived_before_restart = sink.count()
    assert arrived_before_restart < len(addresses)
    time.sleep(0.5)
    assert sink.count() == arrived_before_restart  # nothing moves without a worker

    start_worker()
    wait_for(_finished(announcement), timeout=90, what="the restarted worker to finish")

    delivered = Counter(sink.recipients())
    assert set(delivered) == set(addresses)  # nobody skipped
    duplicates = sum(count - 1 for count in delivered.values())
    assert duplicates <= 1  # at most the message in flight when the worker died
    assert set(announcement.deliveries.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    # The dead worker's task row does not stay RUNNING: the new worker closes it.
    wait_for(lambda: not _running_tasks().exists(), timeout=30, what="no task left RUNNING")
    from django_tasks_db.models import DBTaskResult

    (closed,) = [row for row in DBTaskResult.objects.all() if first.worker_id in row.worker_ids]
    assert closed.status == "FAILED"
    assert closed.exception_class_path == "portal.worker.WorkerLost"


def _confirmed_subscribers(series, count: int) -> list[str]:
    addresses = [f"reader{n}@example.org" for n in range(count)]
    Subscription.objects.bulk_create(
        Subscription(series=series, email=address, status=SubscriptionStatus.CONFIRMED)
        for address in addresses
    )
    return addresses


def _admin_connection():
    """A connection to the server's maintenance database, beside the test database."""
    import psycopg

    db = connection.settings_dict
    return psycopg.connect(
        dbname="postgres",
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        autocommit=True,
    )


def _worker_backends(admin, action: str) -> list:
    return admin.execute(
        f"SELECT {action} FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
        [connection.settings_dict["NAME"], WORKER_APPLICATION_NAME],
    ).fetchall()


def _needs_a_database_server() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "cutting a worker's database connection needs a database server (PostgreSQL's "
            "pg_terminate_backend); SQLite is a file, with no connection to lose"
        )


def _worker_connected() -> bool:
    with _admin_connection() as admin:
        return bool(_worker_backends(admin, "pid"))


def _cut_worker_connections() -> int:
    """What a database restart or fail-over does to the worker: its connections are gone."""
    with _admin_connection() as admin:
        return len(_worker_backends(admin, "pg_terminate_backend(pid)"))


def test_two_lost_database_connections_during_a_big_announcement_end_nothing(
    start_worker, smtp_server, session, series
):
    """
    One worker and no supervisor: the database drops the worker's connections
    twice in the middle of an announcement to 2,000 subscribers. The same
    process finishes it, each subscriber gets it once, and no task stays RUNNING.
    """
    _needs_a_database_server()
    addresses = _confirmed_subscribers(series, 2000)
    sink = smtp_server.handler
    cuts = []

    def cut_at(number):
        # In the server's thread, before its 250: the worker hears "accepted" on a dead
        # database connection, the moment where a message could be recorded twice or lost.
        if number in (500, 1200):
            cuts.append(_cut_worker_connections())

    sink.on_accept = cut_at
    worker = start_worker()
    announcement = announcement_create(session=session)
    wait_for(_finished(announcement), timeout=120, what="the announcement to finish")

    assert len(cuts) == 2 and all(cuts), cuts  # both cuts hit the worker's connections
    assert worker.alive  # the same process, never restarted
    delivered = Counter(sink.recipients())
    assert delivered == dict.fromkeys(addresses, 1)
    assert set(announcement.deliveries.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    # The runs queued as safety nets still come, find it finished and stop; none stays RUNNING.
    wait_for(lambda: not _running_tasks().exists(), timeout=30, what="no task left RUNNING")


@pytest.fixture
def short_retries(worker_env):
    # Two tries per message, one second apart: any outage over a second outlasts them.
    worker_env["ANNOUNCEMENT_MAX_ATTEMPTS"] = "2"


def test_a_mail_server_outage_longer_than_any_retry_fails_no_delivery(
    short_retries, start_worker, smtp_server, session, series
):
    """
    Counted against the first delivery, the refused connections would have failed
    it after its two tries; an outage is a pause for everybody instead.
    """
    addresses = _confirmed_subscribers(series, 20)
    smtp_server.stop()
    worker = start_worker()
    announcement = announcement_create(session=session)
    time.sleep(2.5)  # longer than a delivery's retries (one second between its two tries)
    assert not announcement.deliveries.exclude(status=DeliveryStatus.PENDING).exists()
    smtp_server.start()
    wait_for(_finished(announcement), timeout=60, what="the announcement to finish")

    assert worker.alive
    assert Counter(smtp_server.handler.recipients()) == dict.fromkeys(addresses, 1)
    assert set(announcement.deliveries.values_list("status", "attempts")) == {
        (DeliveryStatus.SENT, 1)
    }


def _tasks_left():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])


def test_a_connection_lost_while_a_task_finishes_is_recorded_and_the_worker_goes_on(
    start_worker, smtp_server, series
):
    """
    The cut lands between a confirmation email going out and its task's result
    being written, the moment that ends django-tasks-db's own `db_worker`.
    """
    _needs_a_database_server()
    from django_tasks_db.models import DBTaskResult

    from meetups import services

    sink = smtp_server.handler
    cuts = []
    sink.on_accept = lambda number: number == 1 and cuts.append(_cut_worker_connections())
    worker = start_worker()

    services.subscription_request(series=series, email="ada@example.org", client_ip="10.0.0.1")
    wait_for(lambda: sink.count() == 1, timeout=30, what="the first confirmation")
    wait_for(lambda: not _tasks_left().exists(), timeout=30, what="its task to be recorded")
    # The same worker takes the next request.
    services.subscription_request(series=series, email="grace@example.org", client_ip="10.0.0.2")
    wait_for(lambda: sink.count() == 2, timeout=30, what="the second confirmation")
    wait_for(lambda: not _tasks_left().exists(), timeout=30, what="its task to be recorded")

    assert cuts and cuts[0] >= 1
    assert worker.alive
    assert sorted(sink.recipients()) == ["ada@example.org", "grace@example.org"]
    # Recorded as they ended: sent, not failed and not left RUNNING.
    assert set(DBTaskResult.objects.values_list("task_path", "status", "return_value")) == {
        ("meetups.tasks.process_subscription_request", "SUCCESSFUL", "confirmation queued"),
        ("meetups.tasks.send_confirmation", "SUCCESSFUL", "sent"),
    }


def test_a_worker_waits_out_a_database_that_turns_it_away(start_worker, smtp_server, series):
    """
    As during a database restart: the worker's connections are cut and new ones
    refused for a while. The worker keeps trying, with longer pauses, and takes
    the next task once the database is back.
    """
    _needs_a_database_server()
    from meetups import services

    name = connection.settings_dict["NAME"]
    worker = start_worker()
    wait_for(_worker_connected, timeout=30, what="the worker to connect")
    with _admin_connection() as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            assert _cut_worker_connections() >= 1
            time.sleep(3)  # the worker's reconnections are refused meanwhile
            assert worker.alive
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

    services.subscription_request(series=series, email="ada@example.org", client_ip="10.0.0.1")
    wait_for(lambda: smtp_server.handler.count() == 1, timeout=60, what="the confirmation")
    assert worker.alive
    assert smtp_server.handler.recipients() == ["ada@example.org"]
