"""
`/healthz` for load balancers: the database, the cache and a live worker, with a
503 and the reason when one of them is down.
"""

import subprocess
import sys
import time

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from portal.health import HEARTBEAT_TASK_PATH
from tests.helpers.operator import ROOT, AppServer, Browser, child_env


def wait_for(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.2)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}")


@pytest.mark.django_db
def test_healthz_answers_ok_never_cached_and_queues_a_heartbeat_for_the_worker(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]
    # No worker has run yet: a heartbeat waits for one, and it has time to come.
    assert body["checks"]["worker"]["detail"] == "waiting for the worker to run a heartbeat"
    assert DBTaskResult.objects.filter(
        task_path=HEARTBEAT_TASK_PATH, status=TaskResultStatus.READY
    ).exists()
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_health_checks_queue_one_heartbeat_at_a_time(client):
    for _ in range(5):
        client.get("/healthz")
    assert DBTaskResult.objects.filter(task_path=HEARTBEAT_TASK_PATH).count() == 1


@pytest.mark.django_db
def test_healthz_is_read_only(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
def test_immediate_tasks_need_no_worker(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    body = client.get("/healthz").json()
    assert body["checks"]["worker"] == {
        "ok": True,
        "detail": "tasks run without a separate worker",
        "ms": body["checks"]["worker"]["ms"],
    }


@pytest.mark.django_db(transaction=True)
def test_a_live_worker_is_ok_and_a_dead_one_is_503_within_its_max_age(client, settings, tmp_path):
    settings.WORKER_HEARTBEAT_MAX_AGE = 2
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.2",
         "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=child_env(),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        # The worker runs the heartbeat that a check queued; the next check sees it.
        client.get("/healthz")
        body = wait_for(
            lambda: (
                (b := client.get("/healthz").json())["checks"]["worker"].get(
                    "last_heartbeat_seconds_ago"
                )
                is not None
                and b
            ),
            timeout=30,
            what="the worker to run a heartbeat",
        )
        assert body["status"] == "ok"
        assert body["checks"]["worker"]["last_heartbeat_seconds_ago"] <= 2
    finally:
        worker.kill()
        worker.wait(timeout=10)
        print(log.read_text(errors="replace")[-3000:])

    response = wait_for(
        lambda: (r := client.get("/healthz")).status_code == 503 and r,
        timeout=15,
        what="/healthz to notice the dead worker",
    )
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]
    assert body["checks"]["worker"]["ok"] is False
    assert "no worker has run a task" in body["checks"]["worker"]["error"]
    # What this app server needs to answer pages is fine.
    assert client.get("/healthz/web").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_database_and_cache_out_of_reach_are_503_and_show_no_secret(tmp_path):
    # Nothing listens on port 9 of the loopback: both connections are refused.
    env = child_env(
        DATABASE_URL="postgres://portal:s3cret-password@127.0.0.1:9/portal",
        CACHE_URL="redis://:another-s3cret@127.0.0.1:9/0",
    )
    server = AppServer(env, tmp_path / "gunicorn.log")
    try:
        browser = Browser(server.url)
        status, headers, text = browser.request("/healthz")
        web_status, _, _ = browser.request("/healthz/web")
    finally:
        server.stop()
        print(server.log.read_text(errors="replace")[-3000:])

    assert status == 503 and web_status == 503
    assert headers["Content-Type"] == "application/json"
    assert '"status": "down"' in text
    assert '"database": {"ok": false, "error": "OperationalError"' in text
    assert '"cache": {"ok": false, "error": "ConnectionError"' in text
    assert '"worker": {"ok": false, "error": "unknown: the database is down"' in text
    assert "s3cret" not in text and "127.0.0.1" not in text
