"""
The real worker: `manage.py db_worker` as a separate process, against the test
database and a real SMTP server, stopped in the middle and started again.
"""

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from meetups.enums import AnnouncementStatus, DeliveryStatus
from meetups.models import Announcement
from meetups.services import announcement_create

ROOT = Path(__file__).resolve().parents[3]


def _database_url() -> str:
    """The test database, for another process (whose settings read DATABASE_URL)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


def _wait_for(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}")


class Worker:
    def __init__(self, env: dict, log: Path):
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--queue-name",
                "*",
                "--interval",
                "0.2",
                "--no-startup-delay",
                "--no-reload",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        """SIGKILL: no chance to finish the message in hand or to clean up."""
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def start_worker(transactional_db, smtp_server, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "false",
        "ANNOUNCEMENT_LEASE_SECONDS": "3",
        "ANNOUNCEMENT_RETRY_SECONDS": "1",
    }
    workers = []

    def start() -> Worker:
        worker = Worker(env, tmp_path / f"worker-{len(workers)}.log")
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
    for worker in workers:
        print(f"--- {worker.log.name}\n{worker.log.read_text(errors='replace')[-4000:]}")


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
    _wait_for(_finished(announcement), timeout=60, what="the announcement to finish")

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
    _wait_for(lambda: sink.count() >= 60, timeout=60, what="the first messages")
    first.kill()
    arrived_before_restart = sink.count()
    assert arrived_before_restart < len(addresses)
    time.sleep(0.5)
    assert sink.count() == arrived_before_restart  # nothing moves without a worker

    start_worker()
    _wait_for(_finished(announcement), timeout=90, what="the restarted worker to finish")

    delivered = Counter(sink.recipients())
    assert set(delivered) == set(addresses)  # nobody skipped
    duplicates = sum(count - 1 for count in delivered.values())
    assert duplicates <= 1  # at most the message in flight when the worker died
    assert set(announcement.deliveries.values_list("status", flat=True)) == {DeliveryStatus.SENT}
