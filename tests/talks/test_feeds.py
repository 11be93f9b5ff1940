"""Talks in the feeds, on the home page and on tag pages."""

from datetime import timedelta

import feedparser
import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _parse(response):
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize(
    ("path", "version"),
    [("/talks/feed.rss", "rss20"), ("/talks/feed.atom", "atom10")],
    ids=["rss", "atom"],
)
def test_talks_feed_parses_and_holds_published_talks_newest_first(
    client, make_talk, make_post, pdf_bytes, settings, path, version
):
    today = timezone.localdate()
    older = make_talk(title="Older talk", date=today - timedelta(days=400), tags=["quic"])
    newer = make_talk(
        title="Newer talk",
        date=today - timedelta(days=10),
        abstract="We count **round trips** & more.",
        recording_url="https://www.youtube.com/watch?v=abcdefghijk",
        writeup_post=make_post(slug="newer-writeup"),
        co_speakers=[("Grace Sample", "")],
    )
    newer.slides_file.save("slides.pdf", ContentFile(pdf_bytes))
    make_talk(title="Draft talk", published=False)
    make_post(title="A post, not a talk")

    feed = _parse(client.get(path))

    assert feed.version == version
    assert [entry.title for entry in feed.entries] == ["Newer talk", "Older talk"]
    first = feed.entries[0]
    assert first.link == settings.SITE_URL + newer.get_absolute_url()
    content = first.content[0].value
    assert "<strong>round trips</strong> &amp; more." in content
    assert settings.SITE_URL + newer.slides_file.url in content
    assert "https://www.youtube.com/watch?v=abcdefghijk" in content
    assert f"{settings.SITE_URL}/blog/newer-writeup/" in content
    assert "<iframe" not in content
    assert first.author == f"{settings.SITE_AUTHOR} and Grace Sample"
    assert [tag.term for tag in feed.entries[1].tags] == ["quic"]
    assert feed.entries[1].published_parsed[:3] == older.date.timetuple()[:3]


def test_talks_feed_with_no_talks_is_still_a_valid_feed(client, db):
    assert _parse(client.get("/talks/feed.atom")).entries == []


def test_feed_query_count_does_not_grow_with_talks(client, make_talk, django_assert_num_queries):
    make_talk(tags=["a"], links=[("Code", "https://example.org")], co_speakers=[("B", "")])
    with django_assert_num_queries(4) as one:
        client.get("/talks/feed.atom")
    for _ in range(29):
        make_talk(tags=["a", "b"], links=[("Code", "https://example.org")], co_speakers=[("B", "")])
    with django_assert_num_queries(len(one.captured_queries)):
        feed = _parse(client.get("/talks/feed.atom"))
    assert len(feed.entries) == 30


def test_talks_join_the_combined_and_tag_feeds(client, make_talk, make_post):
    make_talk(title="QUIC talk", tags=["quic"])
    make_post(title="QUIC post", tags=["quic"])

    combined = _parse(client.get("/feeds/all.atom"))
    tagged = _parse(client.get("/tags/quic/feed.rss"))

    assert "Talk: QUIC talk" in [entry.title for entry in combined.entries]
    assert {entry.title for entry in tagged.entries} == {"Talk: QUIC talk", "Post: QUIC post"}


def test_talks_join_the_home_timeline_and_tag_pages(client, make_talk):
    make_talk(title="Given talk", tags=["quic"], event_name="FOSDEM 2024", city="Brussels")

    home = client.get("/").text
    tag_page = client.get("/tags/quic/").text
    tag_index = client.get("/tags/").text

    for html in (home, tag_page):
        assert "Given talk" in html
        assert "entry--talk" in html
        assert "FOSDEM 2024, Brussels." in html
    assert 'href="/tags/quic/"' in tag_index


def test_upcoming_talks_fill_the_home_coming_up_box(client, make_talk):
    soon = timezone.localdate() + timedelta(days=12)
    make_talk(title="Speaking soon", date=soon)
    make_talk(title="Given long ago", date=timezone.localdate() - timedelta(days=100))

    html = client.get("/").text
    start = html.index('id="upcoming-heading"')
    box = html[start : html.index("</section>", start)]

    assert "Speaking soon" in box
    assert f"{soon.day} {soon:%B %Y}" in box
    assert "Given long ago" not in box


def test_the_feed_index_lists_the_talks_feeds(client, db):
    html = client.get("/feeds/").text
    assert 'href="/talks/feed.atom"' in html
    assert 'href="/talks/feed.rss"' in html


@pytest.mark.parametrize("path", ["/", "/tags/quic/"], ids=["home", "tag-page"])
def test_timeline_pages_query_count_does_not_grow_with_talks(
    client, make_talk, django_assert_num_queries, path
):
    today = timezone.localdate()
    make_talk(tags=["quic"], date=today + timedelta(days=5), co_speakers=[("B", "")])
    client.get(path)  # warm the content-type cache, which would count once
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    with_one = len(queries)  # now: the next request empties the query log
    cache.clear()  # and with no entry rendered yet (see portal.fragments)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    cold_with_one = len(queries)
    for number in range(29):
        make_talk(tags=["quic", "x"], date=today - timedelta(days=number), co_speakers=[("B", "")])
    cache.clear()
    with django_assert_num_queries(cold_with_one):
        response = client.get(path)
    assert response.text.count("entry--talk") >= 20
    with django_assert_num_queries(with_one):
        assert client.get(path).text == response.text
