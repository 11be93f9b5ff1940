"""Talks given a month or more ago, and the slides and images a speaker uploads."""

import io
from datetime import timedelta
from itertools import count

import pytest
from django.utils import timezone
from PIL import Image

_sequence = count(1)


@pytest.fixture
def make_talk(db):
    """
    Factory: make_talk(title=..., date=..., tags=[...], links=[(label, url)],
    co_speakers=[(name, url)], published=True, **fields) → a saved Talk.
    """
    from talks.models import Talk

    def factory(*, tags=(), links=(), co_speakers=(), published=True, **fields):
        number = next(_sequence)
        fields.setdefault("title", f"Talk number {number}")
        fields.setdefault("slug", f"talk-{number}")
        fields.setdefault("event_name", "FOSDEM 2024")
        fields.setdefault("city", "Brussels, Belgium")
        fields.setdefault("date", timezone.localdate() - timedelta(days=30 + number))
        fields.setdefault("abstract", f"Abstract of talk {number}.\n\nSecond paragraph.")
        if published and "published_at" not in fields:
            fields["published_at"] = timezone.now() - timedelta(hours=number)
        talk = Talk.objects.create(**fields)
        if tags:
            talk.tags.set(list(tags))
        for position, (label, url) in enumerate(links, start=1):
            talk.links.create(label=label, url=url, position=position)
        for position, (name, url) in enumerate(co_speakers, start=1):
            talk.co_speakers.create(name=name, url=url, position=position)
        return talk

    return factory


@pytest.fixture
def pdf_bytes():
    """A one-page PDF with a title and a line of text, as slides are uploaded."""
    from talks.demo import minimal_pdf

    return minimal_pdf(title="Test slides", lines=["A line of text"])


@pytest.fixture
def png_bytes():
    """An 8×8 red PNG."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return buffer.getvalue()
