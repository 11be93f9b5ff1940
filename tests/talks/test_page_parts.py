"""
What the talk list and a talk's page keep rendered once per version of what
they show (see portal.fragments): each change still shows on the next request.
"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_list_entries_show_every_change_at_once(client, make_talk, make_post, settings):
    """Entries are cached one talk at a time; each change still shows on the next visit."""
    settings.PAGE_CACHE_SECONDS = 0  # the entries' own cache, not the page cache, is tested
    writeup = make_post(title="The write-up", published=False)
    talk = make_talk(title="First title", tags=["quic"], writeup_post=writeup)
    html = client.get("/talks/").text
    assert "First title" in html and "Write-up" not in html

    writeup.publish()  # the talk itself does not change
    assert "Write-up" in client.get("/talks/").text

    talk.title, talk.city = "Edited title", "Lisbon, Portugal"
    talk.save()
    html = client.get("/talks/").text
    assert "Edited title" in html and "Lisbon, Portugal" in html

    tag = talk.tags.get()
    tag.name = "QUIC-renamed"
    tag.save()
    assert "#QUIC-renamed" in client.get("/talks/").text

    talk.tags.add("raft")
    assert 'href="/tags/raft/"' in client.get("/talks/").text
    writeup.unpublish()
    assert "Write-up" not in client.get("/talks/").text

    talk.unpublish()
    assert "Edited title" not in client.get("/talks/").text
    talk.publish()
    assert "Edited title" in client.get("/talks/").text
    talk.delete()
    assert "Edited title" not in client.get("/talks/").text


def test_talk_page_shows_every_change_at_once(client, make_talk, make_post, settings):
    """A talk's page is cached by what it shows; each change still shows on the next visit."""
    settings.PAGE_CACHE_SECONDS = 0  # the page's own parts, not the page cache, are tested
    today = timezone.localdate()
    earlier = make_talk(title="Earlier talk", date=today - timedelta(days=300))
    writeup = make_post(title="The write-up", published=False)
    talk = make_talk(
        title="First title",
        date=today - timedelta(days=100),
        tags=["quic"],
        writeup_post=writeup,
        links=[("Code", "https://example.org/code")],
        co_speakers=[("Grace Sample", "")],
    )
    url = talk.get_absolute_url()
    html = client.get(url).text
    assert "First title" in html and "The write-up" not in html

    writeup.publish()  # the talk itself does not change
    assert "Write-up: <a" in client.get(url).text
    writeup.title = "The renamed write-up"
    writeup.save()
    assert "The renamed write-up" in client.get(url).text

    talk.title, talk.city = "Edited title", "Lisbon, Portugal"
    talk.save()
    html = client.get(url).text
    assert "Edited title" in html and "Lisbon, Portugal" in html

    tag = talk.tags.get()
    tag.name = "QUIC-renamed"
    tag.save()
    assert "#QUIC-renamed" in client.get(url).text

    link = talk.links.get()
    link.label = "Code, renamed"
    link.save()
    assert "Code, renamed</a>" in client.get(url).text
    talk.links.create(label="Podcast", url="https://example.org/podcast", position=2)
    assert "Podcast</a>" in client.get(url).text
    speaker = talk.co_speakers.get()
    speaker.name = "Grace Renamed"
    speaker.save()
    html = client.get(url).text
    assert "Grace Renamed" in html and '"name": "Grace Renamed"' in html
    talk.co_speakers.all().delete()
    assert "Grace Renamed" not in client.get(url).text

    earlier.title = "Earlier, renamed"
    earlier.save()
    assert "Earlier, renamed" in client.get(url).text
    between = make_talk(title="In between", date=today - timedelta(days=200))
    assert f'rel="prev" href="{between.get_absolute_url()}"' in client.get(url).text
    between.delete()
    assert f'rel="prev" href="{earlier.get_absolute_url()}"' in client.get(url).text
    goes_live = timezone.now() + timedelta(seconds=2)
    later = make_talk(title="Later talk", date=today - timedelta(days=10), published_at=goes_live)
    assert 'rel="next"' not in client.get(url).text
    time.sleep(max(0.0, (goes_live - timezone.now()).total_seconds()) + 0.05)
    assert f'rel="next" href="{later.get_absolute_url()}"' in client.get(url).text

    talk.unpublish()
    assert client.get(url).status_code == 404


def test_a_talk_page_moves_from_upcoming_to_past_by_its_date(
    client, make_talk, settings, monkeypatch
):
    settings.PAGE_CACHE_SECONDS = 0
    today = timezone.localdate()
    talk = make_talk(date=today)
    assert "Upcoming talk" in client.get(talk.get_absolute_url()).text
    # The day passes, and nothing is saved.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + timedelta(days=1))
    assert "Upcoming talk" not in client.get(talk.get_absolute_url()).text
