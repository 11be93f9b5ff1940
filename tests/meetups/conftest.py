"""The paper club's mail machinery: tasks run at once, and a real SMTP server."""

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
    it. `smtp_server.handler` holds what arrived and takes fault rules.
    """
    from aiosmtpd.controller import Controller

    from tests.meetups.smtp import SmtpSink, free_port

    handler = SmtpSink()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    controller.handler = handler
    controller.port = port
    yield controller
    controller.stop()
