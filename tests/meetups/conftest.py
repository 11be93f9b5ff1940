"""The paper club's mail machinery: tasks run at once, and a real SMTP server."""

import logging

import pytest


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
