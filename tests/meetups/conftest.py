"""The paper club's mail machinery: tasks run at once, and a real SMTP server."""

import logging
import os

import pytest
from django.conf import settings


@pytest.fixture
def immediate_tasks(settings):
    """Run background tasks in the calling thread, as soon as they are queued."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    return settings


@pytest.fixture
def smtp_server(settings):
    """
    A real SMTP server (aiosmtpd) on a free loopback port, with MAILERS pointed at
    it. `smtp_server.handler` holds what arrived and takes fault rules;
    `smtp_server.stop()` and `.start()` take it off the network and back (an outage).
    """
    from tests.meetups.smtp import SmtpServer

    # aiosmtpd logs every SMTP command at INFO: thousands of lines for a big announcement.
    chatter = logging.getLogger("mail.log")
    level = chatter.level
    chatter.setLevel(logging.WARNING)
    server = SmtpServer()
    server.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 10},
        }
    }
    yield server
    server.stop()
    chatter.setLevel(level)


@pytest.fixture
def worker_env():
    """Settings of the worker process beyond the database and mail server; a test may add some."""
    return {}


@pytest.fixture
def start_worker(transactional_db, smtp_server, tmp_path, worker_env):
    """
    start_worker() → a real worker process (see tests.helpers.worker), stopped at the
    end of the test, its log printed.
    """
    from tests.helpers.worker import Worker, worker_database_url

    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "false",
        "ANNOUNCEMENT_LEASE_SECONDS": "3",
        "ANNOUNCEMENT_RETRY_SECONDS": "1",
        **worker_env,
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
