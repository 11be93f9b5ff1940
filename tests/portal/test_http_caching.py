"""
What proxies, CDNs and browsers are told: anonymous pages are public for a while
(never past the next scheduled change), signed-in and personal pages are private
and never stored, and a page the client already has is answered with 304.
"""

import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date

from meetups.mailing import tokens
from portal.models import Redirect
from portal.pagecache.middleware import STATE_HEADER

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, str]:
    """Cache-Control as {directive: value}."""
    found = {}
    for part in response.get("Cache-Control", "").split(","):
        name, _, value = part.strip().partition("=")
        if name:
            found[name] = value
    return found


def test_anonymous_pages_are_public_for_proxies_and_revalidated_by_browsers(
    client, settings, make_post
):
    settings.PAGE_CACHE_PROXY_SECONDS = 120
    post = make_post()
    for url in ("/", post.get_absolute_url(), "/blog/feed.atom", "/robots.txt"):
        for response in (client.get(url), client.get(url)):
            cache_control = directives(response)
            assert cache_control.keys() == {"public", "max-age", "s-maxage"}, url
            # Browsers ask again each time (a 304 when nothing changed); proxies may keep it.
            assert cache_control["max-age"] == "0" and cache_control["s-maxage"] == "120"
            assert response["Vary"] == "Cookie"
            assert response.has_header("ETag") and response.has_header("Last-Modified")


def test_proxies_never_keep_a_page_past_the_next_scheduled_change(client, settings, make_post):
    settings.PAGE_CACHE_PROXY_SECONDS = 3600
    make_post(published_at=timezone.now() + timedelta(minutes=5))
    s_maxage = int(directives(client.get("/blog/"))["s-maxage"])
    assert 290 <= s_maxage <= 300


def test_staff_pages_are_private_and_never_stored(staff_client, make_post):
    post = make_post()
    for url in ("/", post.get_absolute_url(), "/blog/feed.atom", "/admin/"):
        cache_control = directives(staff_client.get(url))
        assert "private" in cache_control and "no-store" in cache_control, url
        assert "public" not in cache_control


def test_every_page_with_a_personal_link_is_private_and_never_stored(
    client, series, make_subscription
):
    reader = make_subscription("reader@example.org")
    for link in (
        tokens.confirm_url(subscription_id=reader.pk),
        tokens.manage_url(subscription_id=reader.pk),
        tokens.unsubscribe_url(subscription_id=reader.pk),
    ):
        cache_control = directives(client.get(urlsplit(link).path))
        assert "private" in cache_control and "no-store" in cache_control, link
        assert "public" not in cache_control


@pytest.mark.parametrize("cached", [False, True], ids=["rendered", "from-the-cache"])
def test_a_known_etag_is_answered_304_until_the_page_changes(client, make_post, cached):
    post = make_post(title="Before")
    url = post.get_absolute_url()
    first = client.get(url)
    if not cached:
        # A change elsewhere: a new generation, the same page, rendered again below.
        Redirect.objects.create(old_path="/old/", new_path="/new/")

    not_modified = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert not_modified.status_code == 304
    assert not_modified[STATE_HEADER] == ("hit" if cached else "miss")
    assert not_modified.content == b""
    assert not_modified["ETag"] == first["ETag"]
    assert "public" in directives(not_modified)

    post.title = "After"
    post.save()
    changed = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and "After" in changed.text
    assert changed["ETag"] != first["ETag"]


def test_if_modified_since_is_answered_304_until_the_page_changes(client, make_post):
    post = make_post(title="Before")
    url = post.get_absolute_url()
    # Dates have one-second steps: let the page be rendered a second after the content changed.
    time.sleep(1.1)
    first = client.get(url)
    last_modified = first["Last-Modified"]

    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    later = http_date(time.time() + 60)
    assert client.get(url, headers={"If-Modified-Since": later}).status_code == 304

    post.title = "After"
    post.save()
    changed = client.get(url, headers={"If-Modified-Since": last_modified})
    assert changed.status_code == 200 and "After" in changed.text


def test_a_date_from_the_second_of_the_last_change_is_not_trusted(client, make_post):
    """
    A page rendered in the same second as an edit carries the same date as the one
    before it: a client sending that date may hold either, so it gets the page again.
    """
    post = make_post(title="Before")
    url = post.get_absolute_url()
    for attempt in range(5):
        time.sleep(1.1 - time.time() % 1)  # just after a second begins
        old = client.get(url)
        post.title = f"After {attempt}"
        post.save()
        new = client.get(url)
        if new["Last-Modified"] == old["Last-Modified"]:
            break
    else:
        pytest.fail("could not render, edit and render again within one second")
    assert f"After {attempt}" in new.text
    response = client.get(url, headers={"If-Modified-Since": old["Last-Modified"]})
    assert response.status_code == 200 and response[STATE_HEADER] == "hit"
    assert f"After {attempt}" in response.text


def test_a_view_that_dates_its_content_keeps_its_own_last_modified(client, make_session):
    session = make_session(number=1)
    url = f"/club/{session.series.slug}/calendar.ics"
    first = client.get(url)
    assert first["Last-Modified"] == http_date(session.updated_at.timestamp())
    cached = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert cached.status_code == 304


def test_a_cached_page_sets_no_cookie_even_for_a_visitor_who_has_one(make_post):
    visitor = Client()
    visitor.cookies["csrftoken"] = "a" * 32
    post = make_post()
    for _ in range(2):
        response = visitor.get(post.get_absolute_url())
        assert not response.cookies
    assert response[STATE_HEADER] == "hit"
