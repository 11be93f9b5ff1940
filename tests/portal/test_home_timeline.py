"""
The home page after the organizer works: what leads the timeline, in which
order, with which date, and what “Coming up” keeps room for.
"""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from meetups.services import session_schedule_next

pytestmark = pytest.mark.django_db


def _timeline(html: str) -> str:
    return html[html.index('id="latest-heading"') :]


def test_scheduled_sessions_do_not_lead_the_timeline(client, series, make_post):
    make_post(title="The newest post")
    session_schedule_next(series=series, count=3)
    html = client.get("/").content.decode()
    assert "Paper Club</a>" not in _timeline(html)
    assert "The newest post" in _timeline(html)


def test_a_published_placeholder_waits_for_a_title_or_reading_list(client, make_session):
    make_session(number=24, days=10)
    titled = make_session(number=25, days=24, title="Raft")
    make_session(number=26, days=38, papers=1)
    timeline = _timeline(client.get("/").content.decode())
    assert "24th" not in timeline
    assert titled.display_title in timeline and "26th" in timeline
    # The date alone is still worth knowing: “Coming up” shows the next session.
    assert "24th Distributed Systems Paper Club" in client.get("/").content.decode()


def test_sessions_are_placed_by_the_day_they_met(client, make_session):
    now = timezone.now()
    # Published together (as an import does): their own days order them.
    for number, days in [(1, -90), (2, -60), (3, -30)]:
        make_session(number=number, days=days, title=f"Topic {number}", published_at=now)
    timeline = _timeline(client.get("/").content.decode())
    assert timeline.index("Topic 3") < timeline.index("Topic 2") < timeline.index("Topic 1")


def test_each_entry_shows_one_labelled_date(client, make_session, make_post):
    session = make_session(number=20, days=-14, title="Spanner")
    make_post(title="A post")
    timeline = _timeline(client.get("/").content.decode())
    entry = timeline[
        timeline.index("Spanner") : timeline.index("</article>", timeline.index("Spanner"))
    ]
    assert "Met on <time datetime=" in entry and session.date_text in entry
    assert len(re.findall(r"<time\b", entry)) == 1
    assert session.time_text not in entry  # the when is not repeated in the excerpt


def test_no_time_on_the_page_carries_more_than_three_digits_of_a_second(client, make_session):
    make_session(number=20, days=3, title="Spanner")
    html = client.get("/").content.decode()
    assert 'datetime="' in html
    assert not re.search(r'datetime="[^"]*\.\d{4,}', html)


def test_three_sessions_ahead_leave_room_for_the_next_talk(client, make_session, make_talk):
    for number in (1, 2, 3):
        make_session(number=number, days=number, title=f"Topic {number}")
    make_talk(title="The keynote", date=timezone.localdate() + timedelta(days=20))
    html = client.get("/").content.decode()
    coming_up = html[html.index("Coming up") : html.index('id="latest-heading"')]
    assert "The keynote" in coming_up
    assert coming_up.index("Topic 1") < coming_up.index("Topic 2") < coming_up.index("The keynote")
    assert "Topic 3" not in coming_up


def _pagination(html: str) -> str:
    start = html.index('<nav class="pagination"')
    return html[start : html.index("</nav>", start)]


def test_the_timeline_pages_newer_and_older_without_counting(client, make_post, make_talk):
    now = timezone.now()
    for number in range(15):
        make_post(title=f"Post {number:02d}", published_at=now - timedelta(days=number))
    for number in range(10):
        make_talk(
            title=f"Talk {number:02d}",
            date=timezone.localdate() - timedelta(days=number, hours=12),
            published_at=now - timedelta(days=number, hours=12),
        )
    first = client.get("/").text
    pager = _pagination(first)
    assert 'rel="next" href="?page=2"' in pager and 'rel="prev"' not in pager
    assert "Page 1<" in pager and " of " not in pager
    second = client.get("/?page=2").text
    pager = _pagination(second)
    assert 'rel="prev" href="?page=1"' in pager and 'rel="next"' not in pager
    # Every item once, across both pages, newest first.
    titles = re.findall(r'class="entry-title"><a href="[^"]+">([^<]+)<', first + second)
    assert len(titles) == 25 and len(set(titles)) == 25
    assert titles.index("Post 00") < titles.index("Talk 00") < titles.index("Post 01")


@pytest.mark.parametrize("page", ["3", "0", "two"], ids=["past-the-end", "zero", "not-a-number"])
def test_a_page_past_the_end_of_the_timeline_is_not_found(client, make_post, page):
    for number in range(21):
        make_post(title=f"Post {number:02d}")
    assert client.get("/?page=2").status_code == 200
    assert client.get(f"/?page={page}").status_code == 404


def test_an_empty_timeline_is_one_page_without_a_pager(client):
    html = client.get("/").text
    assert "Nothing published yet." in html and 'class="pagination"' not in html
    assert client.get("/?page=2").status_code == 404


def test_the_last_item_of_a_full_page_leaves_no_empty_page_after_it(client, make_post):
    for number in range(20):
        make_post(title=f"Post {number:02d}")
    assert 'class="pagination"' not in client.get("/").text
    assert client.get("/?page=2").status_code == 404


def test_each_entry_shows_its_own_tags_when_kinds_share_an_id(client, make_post, make_talk):
    post = make_post(title="A post", tags=["quic"])
    yesterday = timezone.localdate() - timedelta(days=1)
    make_talk(id=post.pk, title="A talk", tags=["raft"], date=yesterday)
    timeline = _timeline(client.get("/").text)
    entries = dict(
        re.findall(
            r'class="entry-title"><a href="[^"]+">([^<]+)</a>(.*?)</article>', timeline, re.S
        )
    )
    assert "#quic" in entries["A post"] and "#raft" not in entries["A post"]
    assert "#raft" in entries["A talk"] and "#quic" not in entries["A talk"]


def _later(delta: timedelta):
    """The clock `delta` from now, for every reader of timezone.now()."""
    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + delta)


def _coming_up(html: str) -> str:
    return html[: html.index('id="latest-heading"')]


def test_home_shows_every_change_on_the_next_request(
    client, make_post, make_talk, make_session, settings
):
    """Keys are read from querysets built once: each read still sees what changed."""
    settings.PAGE_CACHE_SECONDS = 0  # the entries' own cache, not the page cache, is tested
    make_post(title="A scheduled post", published_at=timezone.now() + timedelta(hours=1))
    talk = make_talk(title="A talk to delete", date=timezone.localdate() - timedelta(days=2))
    session = make_session(number=30, days=-1, title="A session to unpublish")
    html = client.get("/").text
    assert "A scheduled post" not in html
    assert "A talk to delete" in html and "A session to unpublish" in html
    talk.delete()
    session.unpublish()
    html = client.get("/").text
    assert "A talk to delete" not in html and "A session to unpublish" not in html
    with _later(timedelta(hours=1, seconds=1)):
        assert "A scheduled post" in _timeline(client.get("/").text)


def test_a_session_leaves_coming_up_when_it_ends(client, make_session, settings):
    settings.PAGE_CACHE_SECONDS = 0
    session = make_session(number=31, days=0, title="Tonight", starts_at=timezone.now())
    html = client.get("/").text
    assert "Tonight" in _coming_up(html) and "Meets on" in _timeline(html)
    with _later(session.ends_at - timezone.now() + timedelta(seconds=1)):
        html = client.get("/").text
    assert "Tonight" not in _coming_up(html) and "Met on" in _timeline(html)


def test_a_talk_is_given_once_its_day_has_come(client, make_talk, settings):
    settings.PAGE_CACHE_SECONDS = 0
    tomorrow = timezone.localdate() + timedelta(days=1)
    make_talk(title="Tomorrow's keynote", date=tomorrow)
    html = client.get("/").text
    assert "To be given on" in _timeline(html) and "Tomorrow&#x27;s keynote" in _coming_up(html)
    with _later(timedelta(days=2)):
        html = client.get("/").text
    assert "Given on" in _timeline(html) and "To be given on" not in _timeline(html)
    assert "Tomorrow&#x27;s keynote" not in _coming_up(html)


def test_a_renamed_paper_shows_in_its_sessions_entry_on_the_next_request(
    client, make_session, make_paper, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # the entries' own cache, not the page cache, is tested
    paper = make_paper(title="Time, Clocks, and the Ordering")
    # No description: the entry's excerpt names the papers.
    make_session(number=32, days=-2, title="Clocks", description="", papers=[paper])
    assert "Time, Clocks, and the Ordering" in _timeline(client.get("/").text)
    paper.title = "Time, Clocks, and the Ordering of Events"
    paper.save()
    assert "Ordering of Events" in _timeline(client.get("/").text)
