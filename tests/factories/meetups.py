"""
The paper club: a Berlin series meeting every other Tuesday, sessions relative to
now, the papers they read and the readers subscribed to them.
"""

from collections.abc import Iterable
from datetime import time, timedelta
from itertools import count

import pytest
from django.utils import timezone

_sequence = count(1)


@pytest.fixture
def make_series(db):
    """Factory: make_series(name=..., slug=..., **fields) → a validated, saved Series."""
    from meetups.models import Series

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
    """The series sessions and subscriptions belong to unless told otherwise."""
    return make_series(name="Distributed Systems Paper Club", slug="distributed-systems")


@pytest.fixture
def club(series):
    """The same series as `series`, under the name the site-wide tests know it by."""
    return series


@pytest.fixture
def make_paper(db):
    """Factory: make_paper(title=..., authors=..., **fields) → a validated, saved Paper."""
    from meetups.models import Paper

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
    """
    Factory: make_session(days=7, papers=2 or [paper, …], published=True, tags=[...],
    of=series, **fields) → a validated, saved Session starting `days` from now,
    reading `papers` (that many new ones, or the ones given) in order.
    """
    from meetups.models import ReadingListEntry, Session

    def factory(*, days=7, papers: int | Iterable = (), published=True, tags=(), of=None, **fields):
        fields.setdefault("series", of or series)
        fields.setdefault("starts_at", timezone.now() + timedelta(days=days))
        fields.setdefault("ends_at", fields["starts_at"] + timedelta(hours=2))
        if published:
            fields.setdefault("published_at", timezone.now() - timedelta(days=30))
        session = Session(**fields)
        session.full_clean()
        session.save()
        if isinstance(papers, int):
            papers = [make_paper() for _ in range(papers)]
        for position, paper in enumerate(papers, start=1):
            ReadingListEntry.objects.create(
                session=session, paper=paper, position=position, presenter="Ada"
            )
        if tags:
            session.tags.set(list(tags))
        return session

    return factory


@pytest.fixture
def make_subscription(series):
    """Factory: make_subscription(email, status="confirmed", of=series) → a saved Subscription."""
    from meetups.enums import SubscriptionStatus
    from meetups.models import Subscription

    def factory(email, *, status=SubscriptionStatus.CONFIRMED, of=None, **fields):
        if status == SubscriptionStatus.CONFIRMED:
            fields.setdefault("confirmed_at", timezone.now())
        return Subscription.objects.create(
            series=of or series, email=email, status=status, **fields
        )

    return factory


# --- the paper lookup ---------------------------------------------------------------------

_LOOKUP_SERVICES = {
    "CROSSREF_API_URL": "crossref",
    "DATACITE_API_URL": "datacite",
    "ARXIV_API_URL": "arxiv",
    "OPENALEX_API_URL": "openalex",
}


@pytest.fixture(autouse=True)
def _paper_lookup_offline(settings):
    """
    No test reaches the internet: the lookup is off, and a test that turns it on
    without `metadata_server` finds every service on a closed loopback port.
    """
    settings.PAPER_LOOKUP = False
    for setting in _LOOKUP_SERVICES:
        setattr(settings, setting, "http://127.0.0.1:9")


@pytest.fixture
def metadata_server(settings):
    """
    A real HTTP server on loopback standing in for Crossref, DataCite, arXiv and
    OpenAlex (under /crossref, /datacite, /arxiv, /openalex), with the lookup turned
    on and pointed at it, and a 1-second timeout. `metadata_server.answer(path, body,
    status=…, headers=…, delay=…)` sets an answer; `.requests` lists what it was asked.
    """
    from tests.helpers.metadata_server import MetadataServer

    server = MetadataServer().start()
    settings.PAPER_LOOKUP = True
    settings.PAPER_LOOKUP_TIMEOUT = 1
    settings.PAPER_LOOKUP_CONTACT = "organizer@club.example"
    for setting, prefix in _LOOKUP_SERVICES.items():
        setattr(settings, setting, f"{server.url}/{prefix}")
    yield server
    server.stop()


@pytest.fixture
def make_attendance(db):
    """
    Factory: make_attendance(session, email, status="going", **fields) → a saved RSVP;
    going and waiting ones joined the queue now.
    """
    from meetups.enums import AttendanceStatus
    from meetups.models import Attendance

    def factory(session, email, *, status=AttendanceStatus.GOING, **fields):
        if status in (AttendanceStatus.GOING, AttendanceStatus.WAITING):
            fields.setdefault("queued_at", timezone.now())
            fields.setdefault("confirmed_at", timezone.now())
        return Attendance.objects.create(session=session, email=email, status=status, **fields)

    return factory
