"""
The page cache as visitors and the organizer meet it: anonymous pages come from the
cache, and every change to the content (a save, a delete, a new tag, time passing)
shows on the very next request, on every app server. Staff neither get nor fill
cached pages, and nothing of one visitor is ever stored.
"""

import re
import threading
import time
import xml.etree.ElementTree as ElementTree
from datetime import datetime, timedelta
from datetime import time as dt_time
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.autoreload import file_changed
from taggit.models import Tag

from blog.models import Post
from meetups.mailing import tokens
from meetups.models import ReadingListEntry, Session
from portal.models import Redirect
from portal.pagecache.changes import next_change
from portal.pagecache.middleware import STATE_HEADER
from portal.pagecache.store import CacheGeneration, FileGeneration
from tests.helpers.processes import AppServer, Browser, child_env

pytestmark = pytest.mark.django_db

YOUTUBE_URL = "https://www.youtube.com/watch?v=abcdefghijk"


def warm(client, url):
    """Request `url` until it comes from the page cache; the cached answer."""
    first = client.get(url)
    assert first.status_code == 200, url
    second = client.get(url)
    assert second[STATE_HEADER] == "hit", f"{url} was not stored: {first.headers}"
    assert second.content == first.content
    return second


def anonymous():
    return Client()


# --- served from the cache -------------------------------------------------------------------


def test_an_anonymous_page_is_rendered_once_then_served_from_the_cache(client, make_post):
    make_post(title="Cached post")
    first = client.get("/")
    assert first[STATE_HEADER] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/")
        head = client.head("/")
    assert len(queries) == 0
    assert second[STATE_HEADER] == head[STATE_HEADER] == "hit"
    assert second.content == first.content and "Cached post" in second.text
    assert head["ETag"] == first["ETag"]


def test_with_the_page_cache_off_every_request_renders(client, settings, make_post):
    settings.PAGE_CACHE_SECONDS = 0
    make_post(title="Fresh each time")
    for _ in range(2):
        response = client.get("/")
        assert STATE_HEADER not in response
        assert "public" not in response.get("Cache-Control", "")


# --- every change shows on the very next request ---------------------------------------------


def _published_edit(make_post, **fixtures):
    post = make_post(title="The first title")

    def change():
        post.title = "A corrected title"
        post.save()

    return post.get_absolute_url(), change, "The first title", "A corrected title"


def _new_post(make_post, **fixtures):
    make_post(title="An older post")
    return "/blog/", lambda: make_post(title="Just written"), None, "Just written"


def _deleted_talk(make_talk, **fixtures):
    make_talk(title="A talk that stays")
    talk = make_talk(title="A talk given by mistake")
    return "/talks/", talk.delete, "A talk given by mistake", None


def _cancelled_session(make_session, **fixtures):
    session = make_session(number=20, title="DHT security")

    def change():
        session.cancel(reason="Room double-booked.")

    return session.get_absolute_url(), change, None, "This session is cancelled."


def _renamed_tag(make_post, **fixtures):
    post = make_post(title="Tagged", tags=["quic"])

    def change():
        tag = Tag.objects.get(slug="quic")
        tag.name = "QUIC transport"
        tag.save()

    return post.get_absolute_url(), change, None, "QUIC transport"


def _tag_added(make_talk, **fixtures):
    talk = make_talk(title="Untagged talk")
    return "/tags/", lambda: talk.tags.add("raft"), None, 'href="/tags/raft/"'


def _paper_read(make_session, make_paper, **fixtures):
    session = make_session(number=21, title="Consensus")

    def change():
        paper = make_paper(title="Paxos made simple")
        ReadingListEntry.objects.create(session=session, paper=paper, position=1)

    return session.get_absolute_url(), change, None, "Paxos made simple"


def _series_renamed(series, **fixtures):
    def change():
        series.name = "Storage Reading Group"
        series.save()

    return series.get_absolute_url(), change, None, "Storage Reading Group"


def _co_speaker(make_talk, **fixtures):
    talk = make_talk(title="Talk for two")
    return (
        talk.get_absolute_url(),
        lambda: talk.co_speakers.create(name="Grace Hopper"),
        None,
        "Grace Hopper",
    )


def _unpublished(make_post, **fixtures):
    post = make_post(title="Withdrawn soon")
    return "/", post.unpublish, "Withdrawn soon", None


CHANGES = {
    "a-published-edit": _published_edit,
    "a-new-post": _new_post,
    "a-deleted-talk": _deleted_talk,
    "a-cancelled-session": _cancelled_session,
    "a-renamed-tag": _renamed_tag,
    "a-tag-added": _tag_added,
    "a-paper-added-to-a-reading-list": _paper_read,
    "a-renamed-series": _series_renamed,
    "a-co-speaker-added": _co_speaker,
    "a-post-back-to-draft": _unpublished,
}


@pytest.mark.parametrize("case", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_shows_on_the_very_next_anonymous_request(
    client, case, make_post, make_talk, make_session, make_paper, series
):
    url, change, before, after = case(
        make_post=make_post,
        make_talk=make_talk,
        make_session=make_session,
        make_paper=make_paper,
        series=series,
    )
    cached = warm(client, url)
    if before:
        assert before in cached.text
    if after:
        assert after not in cached.text

    change()

    response = client.get(url)
    assert response[STATE_HEADER] == "miss"
    if before:
        assert before not in response.text
    if after:
        assert after in response.text


def test_a_renamed_post_redirects_at_once_from_its_old_cached_address(client, make_post):
    post = make_post(slug="old-name", title="Renamed")
    warm(client, "/blog/old-name/")
    post.slug = "new-name"
    post.save()
    response = client.get("/blog/old-name/")
    assert response.status_code == 301 and response["Location"] == "/blog/new-name/"
    assert Redirect.objects.filter(old_path="/blog/old-name/").exists()


@pytest.mark.django_db(transaction=True)
def test_a_page_rendered_by_another_request_before_the_commit_is_not_served_after_it(
    make_post,
):
    """
    Another process may render a page between a save and its commit, and store the
    old content under the generation the save just moved to: the commit moves it again.
    """
    post = make_post(title="Before the edit")
    url = post.get_absolute_url()
    warm(anonymous(), url)

    seen_meanwhile = []

    def render_elsewhere():
        try:
            seen_meanwhile.append(anonymous().get(url))
        finally:
            connection.close()  # this thread's own connection

    with transaction.atomic():
        post.title = "After the edit"
        post.save()
        # A request on another connection sees the row as committed: the old title.
        other = threading.Thread(target=render_elsewhere)
        other.start()
        other.join(timeout=60)
    [meanwhile] = seen_meanwhile
    assert "Before the edit" in meanwhile.text and meanwhile[STATE_HEADER] == "miss"

    response = anonymous().get(url)
    assert "After the edit" in response.text


def test_changes_behind_djangos_back_show_after_invalidate_page_cache(client, make_post):
    post = make_post(title="Imported")
    warm(client, post.get_absolute_url())
    Post.objects.filter(pk=post.pk).update(title="Fixed with SQL")
    assert client.get(post.get_absolute_url())[STATE_HEADER] == "hit"

    call_command("invalidate_page_cache", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert "Fixed with SQL" in client.get(post.get_absolute_url()).text


def test_a_template_edited_under_runserver_shows_on_the_next_request(client, settings):
    warm(client, "/")
    # What runserver's reloader announces when a watched file changes.
    file_changed.send(sender=None, file_path=settings.BASE_DIR / "templates" / "base.html")
    assert client.get("/")[STATE_HEADER] == "miss"


# --- time -------------------------------------------------------------------------------------


def _sleep_until(moment):
    time.sleep(max(0.0, (moment - timezone.now()).total_seconds()) + 0.05)


def test_a_scheduled_post_appears_at_its_time_and_not_before(client, make_post):
    make_post(title="Already out")
    goes_live = timezone.now() + timedelta(seconds=2)
    make_post(title="Scheduled post", published_at=goes_live)

    cached = warm(client, "/blog/")
    assert "Scheduled post" not in cached.text
    # Proxies are not told to keep the page past that moment either.
    max_age = int(re.search(r"s-maxage=(\d+)", cached["Cache-Control"]).group(1))
    assert max_age <= 2

    _sleep_until(goes_live)
    response = client.get("/blog/")
    assert response[STATE_HEADER] == "miss"
    assert "Scheduled post" in response.text


def test_a_session_leaves_coming_up_when_it_ends(client, make_session):
    now = timezone.now()
    session = make_session(
        number=7, starts_at=now - timedelta(hours=2), ends_at=now + timedelta(seconds=2)
    )
    cached = warm(client, "/")
    assert "Coming up" in cached.text

    _sleep_until(session.ends_at)
    assert "Coming up" not in client.get("/").text


@pytest.mark.parametrize("kind", ["post", "talk", "session"])
def test_the_next_scheduled_publication_is_the_next_change(
    kind, make_post, make_talk, make_session
):
    now = timezone.now()
    soon, later = now + timedelta(hours=1), now + timedelta(days=3)
    make = {
        "post": lambda at: make_post(published_at=at),
        "talk": lambda at: make_talk(published_at=at),
        "session": lambda at: make_session(published_at=at, days=30),
    }[kind]
    make(later)
    make(soon)
    make(now - timedelta(days=1))  # already out: no change to come
    assert next_change(now.timestamp()) == soon.timestamp()


def test_a_sessions_start_and_end_and_an_upcoming_talks_last_day_are_changes(
    make_session, make_talk
):
    now = timezone.now()
    session = make_session(days=2)
    assert next_change(now.timestamp()) == session.starts_at.timestamp()
    assert next_change(session.starts_at.timestamp()) == session.ends_at.timestamp()

    today = timezone.localdate()
    make_talk(date=today)
    end_of_today = timezone.make_aware(datetime.combine(today + timedelta(days=1), dt_time.min))
    assert next_change(now.timestamp()) == end_of_today.timestamp()


def test_the_footers_year_changes_at_new_year():
    now = timezone.now()
    new_year = timezone.make_aware(datetime(timezone.localtime(now).year + 1, 1, 1))
    assert next_change(now.timestamp()) == new_year.timestamp()


# --- staff ------------------------------------------------------------------------------------


def test_a_staff_request_never_fills_the_page_cache(staff_client, make_post):
    make_post(title="A draft", slug="a-draft", published=False)
    staff_page = staff_client.get("/blog/a-draft/")
    assert staff_page.status_code == 200 and "A draft" in staff_page.text
    assert STATE_HEADER not in staff_page
    assert {"private", "no-store"} <= _directives(staff_page)

    for url in ("/", "/blog/"):
        staff_client.get(url)
        assert anonymous().get(url)[STATE_HEADER] == "miss"
    assert anonymous().get("/blog/a-draft/").status_code == 404


def test_a_staff_request_never_reads_the_page_cache(staff_client, make_post):
    make_post(title="Published")
    visitor = warm(anonymous(), "/blog/")
    assert 'href="/admin/"' not in visitor.text

    staff_page = staff_client.get("/blog/")
    assert STATE_HEADER not in staff_page
    # The organizer's own page: the footer links to the admin.
    assert 'href="/admin/"' in staff_page.text


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


# --- nothing of one visitor -------------------------------------------------------------------


def _public_urls(client) -> list[str]:
    """Every page the demo's sitemap lists, and the feeds, calendars and files beside them."""
    sitemap = ElementTree.fromstring(client.get("/sitemap.xml").content)
    urls = [urlsplit(loc.text).path for loc in sitemap.iter() if loc.tag.endswith("loc")]
    session = Session.objects.published().select_related("series").first()
    series = session.series.slug
    return [
        *urls,
        "/sitemap.xml",
        "/robots.txt",
        "/feeds/",
        "/feeds/all.atom",
        "/blog/feed.rss",
        "/search/?q=paper",
        f"/club/{series}/subscribe/",
        f"/club/{series}/calendar.ics",
        f"/club/{series}/reading-list.bib",
        f"{session.get_absolute_url()}session.ics",
    ]


def test_no_cached_page_holds_a_nonce_a_csrf_token_or_a_cookie(demo_site, make_talk):
    make_talk(slug="recorded", recording_url=YOUTUBE_URL)  # the page with a script
    visitor = anonymous()
    urls = [*_public_urls(visitor), "/talks/recorded/"]
    assert len(urls) > 30
    for url in urls:
        first = visitor.get(url)
        assert first.status_code == 200, url
        cached = visitor.get(url)
        assert cached[STATE_HEADER] == "hit", f"{url}: {first.headers}"
        for response in (first, cached):
            body = response.content.decode(errors="replace")
            assert not response.cookies, url
            assert response["Vary"] == "Cookie", url
            assert not re.search(r"\bnonce=", body), url
            assert "csrfmiddlewaretoken" not in body, url
            assert "nonce-" not in response.get("Content-Security-Policy", ""), url
    assert len(visitor.cookies) == 0


def test_the_series_page_subscribe_form_has_no_token_and_still_works(client, series):
    page = warm(client, series.get_absolute_url())
    assert 'action="/club/distributed-systems/subscribe/"' in page.text
    assert "csrfmiddlewaretoken" not in page.text
    response = Client(enforce_csrf_checks=True).post(
        "/club/distributed-systems/subscribe/",
        {"email": "reader@example.org"},
        headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/club/distributed-systems/subscribe/sent/"


def test_pages_behind_signed_links_are_never_stored(client, series, make_subscription):
    reader = make_subscription("reader@example.org")
    links = [
        tokens.confirm_url(subscription_id=reader.pk),
        tokens.manage_url(subscription_id=reader.pk),
        tokens.unsubscribe_url(subscription_id=reader.pk),
    ]
    for link in links:
        path = urlsplit(link).path
        for _ in range(2):
            response = client.get(path)
            assert response.status_code == 200, path
            assert STATE_HEADER not in response
            assert {"private", "no-store"} <= _directives(response), path


def test_admin_pages_are_never_stored(client):
    for _ in range(2):
        response = client.get("/admin/login/")
        assert STATE_HEADER not in response


# --- where the generation lives ---------------------------------------------------------------


def test_a_process_local_cache_keeps_the_generation_in_a_file_every_process_sees(tmp_path):
    store = FileGeneration(tmp_path / "generation")
    first = store.current()
    moved = store.bump()
    assert moved != first and store.current() == moved
    assert abs(store.changed_at(moved) - time.time()) < 5


def test_the_generation_file_starts_afresh_when_it_grows_and_never_repeats(tmp_path):
    store = FileGeneration(tmp_path / "generation")
    seen = {store.current()}
    for _ in range(3):
        (tmp_path / "generation").write_bytes(b"." * 70_000)
        seen.add(store.current())
        seen.add(store.bump())
    assert len(seen) == 7
    assert (tmp_path / "generation").stat().st_size == 1


def test_a_lost_generation_in_a_shared_cache_makes_every_page_stale():
    store = CacheGeneration()
    before = store.current()
    cache.delete("pagecache:generation")
    after = store.current()
    assert after != before
    assert store.bump() != after


# --- two app servers --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_change_shows_at_once_on_two_app_servers_sharing_the_cache(make_post, tmp_path):
    """
    Two gunicorn processes on the test database and this run's cache (Redis with
    CACHE_URL; without it, each has its own memory and they share the generation file).
    """
    post = make_post(title="The first title", tags=["quic"])
    url = post.get_absolute_url()
    # DEBUG: static files by their plain names, without collectstatic.
    env = child_env(DEBUG="true")
    servers = [AppServer(env, tmp_path / f"gunicorn-{n}.log") for n in range(2)]
    try:
        browsers = [Browser(server.url) for server in servers]
        for browser in browsers:
            for state in ("miss", "hit"):
                status, headers, page = browser.request(url)
                assert (status, headers[STATE_HEADER]) == (200, state)
                assert "The first title" in page

        post.title = "A corrected title"
        post.save()
        make_post(title="Written meanwhile")

        for browser in browsers:
            _, headers, page = browser.request(url)
            assert "A corrected title" in page and headers[STATE_HEADER] == "miss"
            _, _, listing = browser.request("/blog/")
            assert "Written meanwhile" in listing
    finally:
        for server in servers:
            server.stop()
        for server in servers:
            print(f"--- {server.log.name}\n{server.log.read_text(errors='replace')[-3000:]}")
