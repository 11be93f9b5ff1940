"""Factories for the paper club: a Berlin series, sessions relative to now, papers."""

from datetime import time, timedelta
from itertools import count

import pytest
from django.utils import timezone

from meetups.models import Paper, ReadingListEntry, Series, Session

_sequence = count(1)


@pytest.fixture
def make_series(db):
    def factory(**fields):
        number = next(_sequence)
        fields.setdefault("name", "Distributed Systems Paper Club")
        fields.setdefault("slug", f"club-{number}")
        fields.setdefault("time_zone", "Europe/Berlin")
        fields.setdefault("cadence_weeks", 2)
        fields.setdefault("cadence_weekday", 1)  # Tuesday
        fields.setdefault("cadence_time", time(19, 0))
        fields.setdefault("venue_name", "Room 3.14")
        fields.setdefault("venue_address", "Beispielstraße 12, Berlin")
        series = Series(**fields)
        series.full_clean()
        series.save()
        return series

    return factory


@pytest.fixture
def series(make_series):
    return make_series(name="Distributed Systems Paper Club", slug="distributed-systems")


@pytest.fixture
def make_paper(db):
    def factory(**fields):
        number = next(_sequence)
        fields.setdefault("title", f"Paper number {number}")
        fields.setdefault("authors", "Leslie Lamport")
        fields.setdefault("venue", "SOSP")
        fields.setdefault("year", 2001)
        paper = Paper(**fields)
        paper.full_clean()
        paper.save()
        return paper

    return factory


@pytest.fixture
def make_session(series, make_paper):
    """make_session(days=3, papers=2, published=True, tags=[...], **fields): `days` from now."""

    def factory(*, days=7, papers=0, published=True, tags=(), of=None, **fields):
        fields.setdefault("series", of or series)
        starts_at = timezone.now() + timedelta(days=days)
        fields.setdefault("starts_at", starts_at)
        fields.setdefault("ends_at", fields["starts_at"] + timedelta(hours=2))
        if published:
            fields.setdefault("published_at", timezone.now() - timedelta(days=30))
        session = Session(**fields)
        session.full_clean()
        session.save()
        for position in range(1, papers + 1):
            ReadingListEntry.objects.create(
                session=session, paper=make_paper(), position=position, presenter="Ada"
            )
        if tags:
            session.tags.set(list(tags))
        return session

    return factory


# --- subscriptions, announcements and a real SMTP server -----------------------------------------


@pytest.fixture
def immediate_tasks(settings):
    """Run background tasks in the calling thread, as soon as they are queued."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    return settings


@pytest.fixture
def make_subscription(series):
    """make_subscription(email, status="confirmed", of=series)."""
    from meetups.models import Subscription, SubscriptionStatus

    def factory(email, *, status=SubscriptionStatus.CONFIRMED, of=None, **fields):
        if status == SubscriptionStatus.CONFIRMED:
            fields.setdefault("confirmed_at", timezone.now())
        return Subscription.objects.create(
            series=of or series, email=email, status=status, **fields
        )

    return factory


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
