import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db

IN_2024 = datetime(2024, 6, 1, 12, tzinfo=UTC)
LIST_PAGES = [
    "/",
    "/blog/",
    "/blog/2024/",
    "/tags/",
    "/tags/quic/",
    "/feeds/all.atom",
    "/blog/feed.atom",
    "/blog/feed.rss",
    "/tags/quic/feed.rss",
]


@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_page_queries_do_not_grow_with_posts(
    client, make_post, django_assert_num_queries, url
):
    def add_post(number):
        make_post(published_at=IN_2024 + timedelta(hours=number), tags=["quic", f"topic-{number}"])

    add_post(0)
    client.get(url)  # warm per-process caches (content types) so both counts are steady-state
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    with_one = len(queries)  # now: the next request empties the query log
    cache.clear()  # and with no entry rendered yet (see portal.fragments)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    cold_with_one = len(queries)
    for number in range(1, 30):
        add_post(number)
    cache.clear()
    with django_assert_num_queries(cold_with_one):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(with_one):
        assert client.get(url).status_code == 200


def test_list_is_newest_first_and_paginated(client, make_post):
    for number in range(25):
        make_post(title=f"Entry {number:02d}", published_at=IN_2024 + timedelta(days=number))
    first = client.get("/blog/").text
    assert first.index("Entry 24") < first.index("Entry 23")
    assert "Entry 04" not in first
    assert "Page 1 of 2" in first
    assert "Entry 04" in client.get("/blog/?page=2").text


def test_post_page_shows_reading_time_tags_and_neighbours(client, make_post):
    older = make_post(title="Older", published_at=IN_2024)
    post = make_post(
        title="Middle",
        published_at=IN_2024 + timedelta(days=1),
        tags=["raft"],
        body=" ".join(["word"] * 500),
    )
    newer = make_post(title="Newer", published_at=IN_2024 + timedelta(days=2))
    page = client.get(post.get_absolute_url()).text
    assert "3 min read" in page
    assert 'href="/tags/raft/"' in page
    assert f'rel="prev" href="{older.get_absolute_url()}"' in page
    assert f'rel="next" href="{newer.get_absolute_url()}"' in page


def test_year_archive_lists_only_that_year(client, make_post):
    make_post(title="In 2024", published_at=IN_2024)
    make_post(title="In 2023", published_at=IN_2024.replace(year=2023))
    page = client.get("/blog/2024/").text
    assert "In 2024" in page and "In 2023" not in page
    assert 'href="/blog/2023/"' in page


def test_archive_years_follow_new_deleted_and_scheduled_posts(client, make_post, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the years beside the list, not the page cache
    this_year = f'href="/blog/{timezone.now().year}/"'
    make_post(published_at=IN_2024)
    assert 'href="/blog/2023/"' not in client.get("/blog/").text

    older = make_post(published_at=IN_2024.replace(year=2023))
    assert 'href="/blog/2023/"' in client.get("/blog/").text
    older.delete()
    assert 'href="/blog/2023/"' not in client.get("/blog/2024/").text

    goes_live = timezone.now() + timedelta(seconds=2)
    make_post(published_at=goes_live)
    assert this_year not in client.get("/blog/").text
    time.sleep(max(0.0, (goes_live - timezone.now()).total_seconds()) + 0.05)
    assert this_year in client.get("/blog/").text


@pytest.mark.parametrize("time_zone", ["UTC", "America/New_York", "Asia/Tokyo"])
@pytest.mark.parametrize("year", ["0000", "0001", "9999"])
def test_years_at_the_edge_of_the_calendar_are_404(client, make_post, settings, time_zone, year):
    # datetime has no year 0, and the bounds of year 1 or 9999 overflow once moved to UTC.
    settings.TIME_ZONE = time_zone
    make_post(published_at=IN_2024)

    response = client.get(f"/blog/{year}/")

    assert response.status_code == 404
    assert "Page not found" in response.text


@pytest.mark.parametrize(
    "url",
    [
        "/blog/no-such-post/",
        "/blog/" + "x" * 5000 + "/",
        "/blog/?page=abc",
        "/blog/?page=99999",
        "/blog/?page=-1",
        "/blog/1999/",
        "/tags/no-such-tag/",
        "/tags/no-such-tag/feed.atom",
        "/?page=abc",
        "/blog/%00/",
    ],
)
def test_bad_input_is_a_404_never_a_500(client, make_post, url):
    make_post()
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.text or url.endswith(".atom")


def test_404_page_has_the_site_layout(client):
    page = client.get("/nothing-here/").text
    assert '<nav aria-label="Main">' in page
    assert "<h1>Page not found</h1>" in page


def test_500_page_renders_in_the_site_look_without_a_request_context():
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "Something went wrong" in page
    assert "site.css" in page


@pytest.mark.parametrize(
    "body", ["Just text.", "# A top heading\n\nText.\n\n## Below"], ids=["plain", "top-heading"]
)
def test_post_page_is_semantic_with_one_h1(client, make_post, body):
    page = client.get(make_post(title="The title", body=body).get_absolute_url()).text
    assert page.count("<h1") == 1 and "The title</h1>" in page
    for landmark in ("<header", "<nav", "<main", "<article", "<footer"):
        assert landmark in page


@pytest.mark.parametrize("url", ["/", "/blog/", "/tags/", "/feeds/", "/robots.txt"])
def test_head_requests_are_answered(client, make_post, url):
    make_post()
    assert client.head(url).status_code == 200


def test_pages_refuse_writes(client):
    assert client.post("/blog/").status_code == 405


def test_later_pages_have_their_own_canonical_address(client, make_post):
    for number in range(25):
        make_post(published_at=IN_2024 + timedelta(days=number))
    assert '<link rel="canonical" href="http://127.0.0.1:8000/blog/">' in client.get("/blog/").text
    second = client.get("/blog/?page=2&utm_source=x").text
    assert '<link rel="canonical" href="http://127.0.0.1:8000/blog/?page=2">' in second


def test_pages_name_an_icon_so_browsers_do_not_ask_for_favicon_ico(client):
    assert 'rel="icon" href="/static/portal/favicon.svg"' in client.get("/").text


def test_list_entries_show_every_change_at_once(client, make_post, organizer, settings):
    """Entries are cached one post at a time; each change still shows on the next visit."""
    settings.PAGE_CACHE_SECONDS = 0  # the entries' own cache, not the page cache, is tested
    post = make_post(title="First title", tags=["quic"])
    make_post(title="Another post")
    assert "First title" in client.get("/blog/").text

    post.title = "Edited title"
    post.save()
    assert "Edited title" in client.get("/blog/").text

    tag = post.tags.get()
    tag.name = "QUIC-renamed"
    tag.save()
    assert "#QUIC-renamed" in client.get("/blog/").text

    post.tags.add("raft")
    assert 'href="/tags/raft/"' in client.get("/blog/").text

    organizer.first_name, organizer.last_name = "Grace", "Renamed"
    organizer.save()
    assert "Grace Renamed" in client.get("/blog/").text

    post.unpublish()
    html = client.get("/blog/").text
    assert "Edited title" not in html and "Another post" in html


def test_home_and_tag_entries_show_every_change_at_once(client, make_post, organizer, settings):
    """Timeline entries are cached one item at a time; each change shows on the next visit."""
    settings.PAGE_CACHE_SECONDS = 0  # the entries' own cache, not the page cache, is tested
    post = make_post(title="First title", tags=["quic"])
    for url in ["/", "/tags/quic/"]:
        assert "First title" in client.get(url).text
    post.title = "Edited title"
    post.save()
    tag = post.tags.get()
    tag.name = "QUIC-renamed"
    tag.save()
    organizer.first_name, organizer.last_name = "Grace", "Renamed"
    organizer.save()
    for url in ["/", "/tags/quic/"]:
        html = client.get(url).text
        assert "Edited title" in html and "#QUIC-renamed" in html and "Grace Renamed" in html
    post.tags.clear()
    assert "#QUIC-renamed" not in client.get("/").text


def test_post_page_shows_every_change_at_once(client, make_post, make_talk, organizer, settings):
    """A post's page is cached by what it shows; each change still shows on the next visit."""
    settings.PAGE_CACHE_SECONDS = 0  # the page's own parts, not the page cache, are tested
    older = make_post(title="Older post", published_at=IN_2024)
    post = make_post(title="First title", published_at=IN_2024 + timedelta(days=2), tags=["quic"])
    url = post.get_absolute_url()
    assert "First title" in client.get(url).text

    post.title, post.body = "Edited title", "An edited body."
    post.save()
    html = client.get(url).text
    assert "Edited title" in html and "An edited body." in html

    tag = post.tags.get()
    tag.name = "QUIC-renamed"
    tag.save()
    assert "#QUIC-renamed" in client.get(url).text
    post.tags.add("raft")
    assert 'href="/tags/raft/"' in client.get(url).text

    organizer.first_name, organizer.last_name = "Grace", "Renamed"
    organizer.save()
    assert "Grace Renamed" in client.get(url).text

    talk = make_talk(title="The talk", writeup_post=post)
    assert "Talk: <a" in client.get(url).text
    talk.title = "The renamed talk"
    talk.save()
    assert "The renamed talk" in client.get(url).text
    talk.unpublish()
    assert "The renamed talk" not in client.get(url).text

    older.title = "Older, renamed"
    older.save()
    assert "Older, renamed" in client.get(url).text
    between = make_post(title="In between", published_at=IN_2024 + timedelta(days=1))
    html = client.get(url).text
    assert f'rel="prev" href="{between.get_absolute_url()}"' in html
    between.unpublish()
    assert f'rel="prev" href="{older.get_absolute_url()}"' in client.get(url).text
    goes_live = timezone.now() + timedelta(seconds=2)
    newer = make_post(title="Scheduled", published_at=goes_live)
    assert 'rel="next"' not in client.get(url).text
    time.sleep(max(0.0, (goes_live - timezone.now()).total_seconds()) + 0.05)
    assert f'rel="next" href="{newer.get_absolute_url()}"' in client.get(url).text

    post.unpublish()
    assert client.get(url).status_code == 404


def test_archive_years_between_the_first_and_last_are_each_checked(client, make_post, settings):
    settings.PAGE_CACHE_SECONDS = 0
    make_post(published_at=IN_2024.replace(year=2020))
    middle = make_post(published_at=IN_2024.replace(year=2022))
    make_post(published_at=IN_2024)
    html = client.get("/blog/").text
    assert all(f'href="/blog/{year}/"' in html for year in (2020, 2022, 2024))
    assert 'href="/blog/2021/"' not in html and 'href="/blog/2023/"' not in html

    middle.published_at = IN_2024.replace(year=2021)
    middle.save()
    html = client.get("/blog/").text
    assert 'href="/blog/2021/"' in html and 'href="/blog/2022/"' not in html
    assert client.get("/blog/2022/").status_code == 404
    middle.publish(at=IN_2024.replace(year=2023))  # the publication time alone is saved
    html = client.get("/blog/2024/").text
    assert 'href="/blog/2023/"' in html and 'href="/blog/2021/"' not in html


def test_archive_years_follow_the_site_time_zone(client, make_post, settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.TIME_ZONE = "Asia/Tokyo"
    make_post(published_at=datetime(2022, 6, 1, tzinfo=UTC))
    make_post(published_at=datetime(2023, 12, 31, 20, tzinfo=UTC))  # 1 January 2024 in Tokyo
    html = client.get("/blog/").text
    assert 'href="/blog/2024/"' in html and 'href="/blog/2023/"' not in html
