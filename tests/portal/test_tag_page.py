"""A tag's page: every kind with the tag, counted and paged in one read per kind."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _titles(html: str) -> list[str]:
    return re.findall(r'class="entry-title"><a href="[^"]+">([^<]+)<', html)


def test_a_tag_page_counts_and_pages_every_kind(client, make_post, make_talk, make_session):
    now = timezone.now()
    for number in range(15):
        make_post(
            title=f"Post {number:02d}", tags=["quic"], published_at=now - timedelta(days=number)
        )
    for number in range(6):
        make_talk(
            title=f"Talk {number:02d}",
            tags=["quic"],
            date=timezone.localdate() - timedelta(days=number, hours=12),
            published_at=now - timedelta(days=number, hours=12),
        )
    make_session(number=1, days=-40, title="A session", tags=["quic"])
    make_post(title="Untagged")
    make_post(title="A draft", tags=["quic"], published=False)
    first = client.get("/tags/quic/").text
    assert "22 items" in first and "Page 1 of 2" in first
    second = client.get("/tags/quic/?page=2").text
    assert "22 items" in second and "Page 2 of 2" in second
    titles = _titles(first) + _titles(second)
    assert len(titles) == 22 and len(set(titles)) == 22
    assert "Untagged" not in titles and "A draft" not in titles
    assert titles.index("Post 00") < titles.index("Talk 00") < titles.index("Post 01")
    assert titles[-1].endswith(": A session")
    assert client.get("/tags/quic/?page=3").status_code == 404


def test_a_tag_page_count_follows_publishing(client, make_post, settings):
    settings.PAGE_CACHE_SECONDS = 0
    posts = [make_post(title=f"Post {number}", tags=["quic"]) for number in range(3)]
    assert "3 items" in client.get("/tags/quic/").text
    posts[0].unpublish()
    posts[1].delete()
    html = client.get("/tags/quic/").text
    assert "1 item ·" in html
    assert _titles(html) == ["Post 2"]


def test_a_tag_with_nothing_published_is_one_empty_page(client, make_post):
    make_post(title="A draft", tags=["quic"], published=False)
    html = client.get("/tags/quic/").text
    assert "0 items" in html and "Nothing published with this tag yet." in html
    assert client.get("/tags/quic/?page=2").status_code == 404
