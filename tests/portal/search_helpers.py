"""Factories and page readers shared by the search, sitemap and sharing tests."""

from datetime import timedelta
from html.parser import HTMLParser
from itertools import count

import pytest
from django.utils import timezone

_sequence = count(1)


@pytest.fixture
def make_talk(db):
    """make_talk(title=..., abstract=..., published=True, tags=[...], **fields)."""
    from talks.models import Talk

    def factory(*, tags=(), published=True, **fields):
        number = next(_sequence)
        fields.setdefault("title", f"Talk {number}")
        fields.setdefault("slug", f"search-talk-{number}")
        fields.setdefault("event_name", "FOSDEM 2024")
        fields.setdefault("city", "Brussels, Belgium")
        fields.setdefault("date", timezone.localdate() - timedelta(days=30 + number))
        fields.setdefault("abstract", f"Abstract of talk {number}.")
        if published:
            fields.setdefault("published_at", timezone.now() - timedelta(hours=number))
        talk = Talk.objects.create(**fields)
        if tags:
            talk.tags.set(list(tags))
        return talk

    return factory


@pytest.fixture
def club(db):
    from meetups.models import Series

    return Series.objects.create(name="Distributed Systems Paper Club", slug="dist-sys")


@pytest.fixture
def make_paper(db):
    from meetups.models import Paper

    def factory(**fields):
        number = next(_sequence)
        fields.setdefault("title", f"Paper {number}")
        fields.setdefault("authors", "Leslie Lamport")
        return Paper.objects.create(**fields)

    return factory


@pytest.fixture
def make_session(club):
    """make_session(title=..., papers=[paper, …], published=True, tags=[...], **fields)."""
    from meetups.models import ReadingListEntry, Session

    def factory(*, papers=(), tags=(), published=True, **fields):
        number = next(_sequence)
        fields.setdefault("series", club)
        fields.setdefault("title", f"Session topic {number}")
        fields.setdefault("starts_at", timezone.now() - timedelta(days=number))
        fields.setdefault("ends_at", fields["starts_at"] + timedelta(hours=2))
        if published:
            fields.setdefault("published_at", timezone.now() - timedelta(days=60))
        session = Session.objects.create(**fields)
        for position, paper in enumerate(papers, start=1):
            ReadingListEntry.objects.create(session=session, paper=paper, position=position)
        if tags:
            session.tags.set(list(tags))
        return session

    return factory


class MetaTags(HTMLParser):
    """Every <meta property|name=… content=…> of a page, and its JSON-LD blocks."""

    def __init__(self, page: str):
        super().__init__()
        self.tags: list[tuple[str, str]] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.tags.append((attrs.get("property") or attrs.get("name"), attrs.get("content")))
        self._in_json_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(data)

    def handle_endtag(self, tag):
        self._in_json_ld = False

    def values(self, name: str) -> list[str]:
        return [content for key, content in self.tags if key == name]
