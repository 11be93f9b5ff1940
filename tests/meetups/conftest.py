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
