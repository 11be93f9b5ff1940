"""The club's public pages: what a visitor reads, what it costs, and bad input."""

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from meetups.models import ReadingListEntry
from meetups.zones import localize

BERLIN = ZoneInfo("Europe/Berlin")


def _queries(client, url):
    client.get(url)  # warm per-process caches (content types): count the steady state
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def _json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


# --- what a visitor sees ----------------------------------------------------------------------


def test_club_index_lists_each_series_with_its_next_session(client, make_series, make_session):
    make_session(number=19, days=-14)
    make_session(number=20, title="DHT security", days=5)
    make_session(number=21, days=19)
    make_series(name="Databases Reading Group", slug="databases", active=False)
    html = client.get("/club/").content.decode()
    assert "Every other Tuesday, 19:00 Europe/Berlin" in html
    assert "20th Distributed Systems Paper Club: DHT security" in html
    assert "21st" not in html and "19th" not in html
    assert "Databases Reading Group" in html and "paused" in html
    assert "No session is scheduled yet." in html


def test_series_page_shows_cadence_next_upcoming_and_past_one_click_from_their_reading_lists(
    client, make_session
):
    past = make_session(number=19, days=-14, papers=2)
    cancelled = make_session(number=20, days=-1)
    cancelled.cancel(reason="Room double-booked.")
    next_one = make_session(number=21, days=5, title="Byzantine consensus", papers=1)
    later = make_session(number=22, days=19, title="Consistency models")
    make_session(number=23, days=33, title="A draft", published=False)

    html = client.get("/club/distributed-systems/").content.decode()
    assert "Every other Tuesday, 19:00 Europe/Berlin" in html
    # Subscribing comes first, above the fold; then the next session.
    assert html.index('id="subscribe"') < html.index('id="next-heading"')
    next_block = html[html.index('id="next-heading"') : html.index('id="suggest"')]
    assert next_one.display_title in next_block and next_one.when_text in next_block
    assert later.display_title in html[html.index('id="later-heading"') :]
    past_block = html[html.index('id="past-heading"') :]
    # A past session is one line: its title links to its page, which has the reading list.
    assert f'href="{past.get_absolute_url()}"' in past_block and "2 papers" in past_block
    past_page = client.get(past.get_absolute_url()).content.decode()
    for entry in past.reading_list.all():
        assert entry.paper.title not in past_block
        assert entry.paper.title in past_page
    assert "Cancelled: Room double-booked." in past_block
    # On the series' own page a line names the session, not the series again.
    assert ">20th session<" in past_block
    assert "A draft" not in html
    assert 'id="subscribe"' in html
    assert 'href="webcal://127.0.0.1:8000/club/distributed-systems/calendar.ics"' in html


def test_series_page_lists_many_past_sessions_compactly_a_page_at_a_time(client, make_session):
    for number in range(1, 36):
        make_session(number=number, days=-14 * (36 - number), papers=3)
    make_session(number=36, days=5, title="Coming soon")

    html = client.get("/club/distributed-systems/").content.decode()
    # The subscribe form comes first, then the next session, before the long list.
    assert html.index('id="subscribe"') < html.index('id="next-heading"')
    assert html.index('id="next-heading"') < html.index('id="past-heading"')
    past_block = html[html.index('id="past-heading"') :]
    assert past_block.count('class="reading-list"') == 0
    assert ">35th session<" in past_block
    assert ">21st session<" in past_block
    assert ">20th session<" not in past_block
    assert 'href="?page=2"' in past_block

    older = client.get("/club/distributed-systems/?page=2").content.decode()
    older_block = older[older.index('id="past-heading"') :]
    for number in ("6th", "12th", "20th"):
        assert f">{number} session<" in older_block
    assert ">5th session<" not in older_block and ">21st session<" not in older_block


def test_past_session_lines_show_every_change_at_once(
    client, series, make_session, make_paper, settings
):
    """Lines are cached one session at a time; each change still shows on the next visit."""
    settings.PAGE_CACHE_SECONDS = 0  # the lines' own cache, not the page cache, is tested
    session = make_session(number=7, days=-14, papers=1, title="Gossip")
    url = series.get_absolute_url()
    assert "7th: Gossip" in client.get(url).text

    ReadingListEntry.objects.create(session=session, paper=make_paper())
    assert "2 papers" in client.get(url).text

    series.name = "Systems Reading Group"
    series.save()
    page = client.get(url).text
    assert "<h1>Systems Reading Group</h1>" in page and "7th: Gossip" in page

    session.refresh_from_db()
    session.cancel(reason="Snow.")
    assert "Cancelled: Snow." in client.get(url).text

    session.unpublish()
    assert "Gossip" not in client.get(url).text


def test_home_entry_of_a_session_follows_its_papers_and_series(
    client, series, make_session, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # the entries' own cache, not the page cache, is tested
    session = make_session(number=8, days=-3, papers=1, description="")
    paper = session.reading_list.get().paper
    assert f"Reading: {paper.title}." in client.get("/").text
    paper.title = "A renamed paper"
    paper.save()
    assert "Reading: A renamed paper." in client.get("/").text
    series.name = "Systems Reading Group"
    series.save()
    assert "8th Systems Reading Group" in client.get("/").text


def test_session_page_has_everything_a_visitor_needs(client, series, make_session, make_paper):
    previous = make_session(number=19, days=-30)
    session = make_session(
        number=20,
        title="DHT security",
        write_up="We drew **many** rings.",
        starts_at=localize(datetime(2026, 11, 17, 19, 0), BERLIN),
        ends_at=localize(datetime(2026, 11, 17, 21, 0), BERLIN),
        online_url="https://meet.example.org/dht",
    )
    following = make_session(number=21, days=400)
    sybil = make_paper(title="The Sybil Attack", doi="10.1007/3-540-45748-8_24")
    kademlia = make_paper(
        title="Kademlia", arxiv_id="0000.00001", pdf_url="https://example.org/k.pdf"
    )
    ReadingListEntry.objects.create(session=session, paper=kademlia, position=2, note="Skim §4.")
    ReadingListEntry.objects.create(session=session, paper=sybil, position=1, presenter="Farah")

    html = client.get("/club/distributed-systems/20/").content.decode()
    assert "<h1" in html and "20th Distributed Systems Paper Club</h1>" in html
    assert "Tuesday, 17 November 2026, 19:00–21:00 CET (Europe/Berlin)" in html
    assert "Room 3.14" in html and 'href="https://meet.example.org/dht"' in html
    assert html.index("The Sybil Attack") < html.index("Kademlia")
    assert 'href="https://doi.org/10.1007/3-540-45748-8_24"' in html
    assert 'href="https://arxiv.org/abs/0000.00001"' in html
    assert 'href="https://example.org/k.pdf"' in html
    assert "Presented by Farah" in html and "Skim §4." in html
    assert "<strong>many</strong>" in html
    assert f'href="{previous.get_absolute_url()}"' in html
    assert f'href="{following.get_absolute_url()}"' in html

    event = _json_ld(html)
    assert event["@type"] == "Event"
    assert event["name"] == "20th Distributed Systems Paper Club: DHT security"
    assert event["startDate"] == "2026-11-17T19:00:00+01:00"
    assert event["eventStatus"] == "https://schema.org/EventScheduled"
    assert event["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert [work["name"] for work in event["about"]] == ["The Sybil Attack", "Kademlia"]


def test_cancelled_session_page_is_marked_and_keeps_its_number(client, make_session):
    session = make_session(number=16)
    session.cancel(reason="Room double-booked.")
    html = client.get("/club/distributed-systems/16/").content.decode()
    assert "This session is cancelled." in html and "Room double-booked." in html
    assert "<del>16th Distributed Systems Paper Club</del>" in html
    assert _json_ld(html)["eventStatus"] == "https://schema.org/EventCancelled"


def test_drafts_are_visible_to_staff_only(staff_client, make_session):
    make_session(number=30, published=False, title="Work in progress")
    assert Client().get("/club/distributed-systems/30/").status_code == 404
    response = staff_client.get("/club/distributed-systems/30/")
    assert response.status_code == 200
    assert "only staff can see this page" in response.content.decode()


def test_paper_library_lists_papers_with_their_sessions_and_filters(
    client, make_session, make_paper
):
    raft = make_paper(
        title="In Search of an Understandable Consensus Algorithm",
        authors="Diego Ongaro\nJohn Ousterhout",
    )
    chord = make_paper(title="Chord", authors="Ion Stoica")
    unread = make_paper(title="Never read")
    draft_only = make_paper(title="Only on a draft")
    consensus = make_session(number=15, title="Raft", tags=["consensus"])
    overlays = make_session(number=19, title="Overlays", tags=["dht"], days=14)
    ReadingListEntry.objects.create(session=consensus, paper=raft)
    ReadingListEntry.objects.create(session=overlays, paper=chord)
    ReadingListEntry.objects.create(session=overlays, paper=raft)
    ReadingListEntry.objects.create(session=make_session(published=False), paper=draft_only)

    html = client.get("/papers/").content.decode()
    assert "2 papers." in html
    assert "Chord" in html and unread.title not in html and draft_only.title not in html
    raft_block = html[html.index(raft.title) :]
    assert "15th Distributed Systems Paper Club: Raft" in raft_block
    assert "19th Distributed Systems Paper Club: Overlays" in raft_block

    def listed(query):
        page = client.get(f"/papers/?{query}").content.decode()
        return [t for t in (raft.title, chord.title) if f">{t}</a></h2>" in page]

    assert listed("q=understandable") == [raft.title]
    assert listed("q=stoica") == [chord.title]
    assert listed("author=ousterhout") == [raft.title]
    assert listed("tag=consensus") == [raft.title]
    assert listed("tag=dht") == [raft.title, chord.title]
    assert client.get(f"/papers/{raft.pk}/").status_code == 200
    assert client.get(f"/papers/{unread.pk}/").status_code == 404


def test_library_pagination_keeps_the_filter(client, make_session, make_paper):
    session = make_session(number=1, tags=["dht"])
    for number in range(25):
        ReadingListEntry.objects.create(
            session=session, paper=make_paper(title=f"DHT paper {number:02}")
        )
    html = client.get("/papers/?q=DHT&tag=dht").content.decode()
    assert 'href="?q=DHT&amp;tag=dht&amp;page=2"' in html
    assert client.get("/papers/?q=DHT&tag=dht&page=2").status_code == 200


# --- cost: the number of queries does not grow with the data ----------------------------------


def _add_sessions(make_session, make_paper, series, *, numbers, papers):
    for number in numbers:
        # Alternate past and upcoming so that every list on the page grows.
        days = (number - 17) * 7 if number > 2 else (-7 if number == 1 else 7)
        session = make_session(of=series, number=number, days=days, tags=["dht", f"topic-{number}"])
        for _ in range(papers):
            ReadingListEntry.objects.create(session=session, paper=make_paper())


@pytest.mark.parametrize(
    "url",
    [
        "/club/",
        "/club/measured/",
        "/club/measured/1/",
        "/papers/",
        "/",
        "/tags/dht/",
        "/club/feed.atom",
        "/club/measured/feed.rss",
        "/club/measured/calendar.ics",
        "/club/measured/reading-list.bib",
        "/feeds/all.atom",
    ],
    ids=[
        "club",
        "series",
        "session",
        "library",
        "home",
        "tag",
        "club-feed",
        "series-feed",
        "calendar",
        "bibtex",
        "all-feed",
    ],
)
def test_list_pages_cost_the_same_with_one_or_many_sessions(
    client, django_assert_num_queries, make_series, make_session, make_paper, url
):
    measured = make_series(name="Measured club", slug="measured")
    _add_sessions(make_session, make_paper, measured, numbers=[1, 2], papers=1)
    client.get(url)  # warm the per-process content-type cache, as on a running server
    one = _queries(client, url)
    cache.clear()  # and with no entry rendered yet (see portal.fragments)
    with CaptureQueriesContext(connection) as cold:
        client.get(url)
    cold_with_one = len(cold)

    _add_sessions(make_session, make_paper, measured, numbers=range(3, 26), papers=3)
    for index in range(2):
        other = make_series(name=f"Other club {index}", slug=f"other-{index}")
        _add_sessions(make_session, make_paper, other, numbers=range(1, 4), papers=1)
    # Papers read more than once, and sessions with more papers, too.
    shared = make_paper(title="Read everywhere")
    for session in measured.sessions.all()[:10]:
        ReadingListEntry.objects.create(session=session, paper=shared)

    cache.clear()
    with django_assert_num_queries(cold_with_one):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(one):
        assert client.get(url).status_code == 200


# --- bad input: answered, never a crash --------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/club/nope/",
        "/club/distributed-systems/99/",
        "/club/distributed-systems/0/",
        "/club/distributed-systems/99999999999999999999999999/",
        "/club/distributed-systems/-1/",
        "/club/distributed-systems/abc/",
        "/club/nope/1/",
        "/club/distributed-systems/?page=abc",
        "/club/distributed-systems/?page=99",
        "/papers/?tag=no-such-tag",
        "/papers/?page=0",
        "/papers/999999/",
        "/papers/99999999999999999999999999/",
        "/club/nope/feed.rss",
        "/club/nope/reading-list.bib",
        "/club/distributed-systems/99/reading-list.bib",
    ],
)
def test_unknown_things_are_404(client, make_session, url):
    make_session(number=1)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "q=%00",
        "author=%00x",
        "q=" + "x" * 5000,
        "q=%E2%80%AE%F0%9F%98%80",
        "tag=",
        "page=1&q=a%25b",
    ],
    ids=["nul", "nul-author", "long", "unicode", "empty-tag", "percent"],
)
def test_odd_library_queries_are_answered(client, make_session, query):
    make_session(number=1, papers=1)
    assert client.get(f"/papers/?{query}").status_code == 200


def test_pages_refuse_writes_and_answer_head(client, make_session):
    make_session(number=1)
    assert client.post("/club/distributed-systems/").status_code == 405
    assert client.post("/club/distributed-systems/calendar.ics").status_code == 405
    head = client.head("/club/distributed-systems/1/session.ics")
    assert head.status_code == 200 and head.content == b""
