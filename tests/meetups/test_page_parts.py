"""
The session and series pages keep what they show of each session rendered once
per version of it (portal.fragments): every change still shows on the very next
request, and nothing a visitor sees comes from a staff preview.
"""

import json
import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from taggit.models import Tag

from meetups.enums import AttendanceStatus
from meetups.models import Attendance, ReadingListEntry


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    # The parts' own cache is tested, not the page cache, which would hide it.
    settings.PAGE_CACHE_SECONDS = 0


def _sleep_until(moment):
    time.sleep(max(0.0, (moment - timezone.now()).total_seconds()) + 0.05)


def _json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def _going(session, email, status=AttendanceStatus.GOING):
    return Attendance.objects.create(
        session=session, email=email, status=status, queued_at=timezone.now()
    )


# --- the session page ----------------------------------------------------------------------


def test_a_session_page_shows_each_edit_of_the_session_and_its_series(client, series, make_session):
    session = make_session(number=7, days=-14, title="Gossip", description="First *idea*.")
    url = session.get_absolute_url()
    assert "Gossip" in client.get(url).text

    session.title = "Epidemics"
    session.description = "Second idea."
    session.save()
    page = client.get(url).text
    assert "Epidemics" in page and "Second idea." in page and "Gossip" not in page

    series.name = "Systems Reading Group"
    series.venue_name = "Room 4.01"
    series.save()
    page = client.get(url).text
    assert "<title>7th Systems Reading Group: Epidemics" in page
    assert ">7th Systems Reading Group</h1>" in page and "Room 4.01" in page
    assert _json_ld(page)["superEvent"]["name"] == "Systems Reading Group"

    session.refresh_from_db()
    session.cancel(reason="Snow.")
    page = client.get(url).text
    assert "This session is cancelled." in page and "Snow." in page
    assert _json_ld(page)["eventStatus"] == "https://schema.org/EventCancelled"


def test_a_session_page_follows_its_reading_list_and_its_papers(client, make_session, make_paper):
    session = make_session(number=7, days=-14, papers=1, description="")
    entry = session.reading_list.get()
    url = session.get_absolute_url()
    assert entry.paper.title in client.get(url).text

    entry.paper.title = "A renamed paper"
    entry.paper.save()
    page = client.get(url).text
    assert "<cite>A renamed paper</cite>" in page
    assert 'content="' in page and "Reading: A renamed paper." in page  # the description
    assert [work["name"] for work in _json_ld(page)["about"]] == ["A renamed paper"]

    ReadingListEntry.objects.create(session=session, paper=make_paper(title="Added"), position=2)
    assert "<cite>Added</cite>" in client.get(url).text

    entry.presenter = "Grace"
    entry.save()
    assert "Presented by Grace" in client.get(url).text

    entry.delete()
    page = client.get(url).text
    assert "A renamed paper" not in page and "<cite>Added</cite>" in page


def test_a_session_page_shows_its_tags_as_they_are_named_now(client, make_session):
    session = make_session(number=7, days=-14, tags=["dht"])
    url = session.get_absolute_url()
    assert 'href="/tags/dht/"' in client.get(url).text

    tag = Tag.objects.get(slug="dht")
    tag.name, tag.slug = "DHTs", "dhts"
    tag.save()
    page = client.get(url).text
    assert 'href="/tags/dhts/" rel="tag">#DHTs<' in page and "/tags/dht/" not in page

    session.tags.add("gossip")
    assert "#gossip<" in client.get(url).text


def test_a_session_page_links_its_neighbours_as_they_are_now(client, make_session):
    six = make_session(number=6, days=-28, title="Six")
    session = make_session(number=7, days=-14)
    eight = make_session(number=8, days=-7, title="Eight", published=False)
    make_session(number=9, days=7, title="Nine")
    url = session.get_absolute_url()
    page = client.get(url).text
    # Over the draft's gap to the next session a visitor may see.
    assert ": Six</a>" in page and "Eight" not in page and ": Nine</a>" in page

    eight.publish()
    page = client.get(url).text
    assert ": Eight</a>" in page and "Nine" not in page

    eight.title = "Eighth"
    eight.save()
    assert ": Eighth</a>" in client.get(url).text

    eight.unpublish()
    assert ": Nine</a>" in client.get(url).text

    six.delete()
    page = client.get(url).text
    assert 'rel="prev"' not in page and "Six" not in page
    assert client.get(six.get_absolute_url()).status_code == 404


def test_a_session_page_counts_rsvps_on_every_visit(client, make_session):
    session = make_session(number=7, days=7, capacity=2)
    url = session.get_absolute_url()
    assert "0 of 2 places taken." in client.get(url).text

    _going(session, "ada@example.org")
    assert "1 of 2 places taken." in client.get(url).text

    _going(session, "grace@example.org")
    _going(session, "linus@example.org", status=AttendanceStatus.WAITING)
    assert "Full: join the waitlist (1 waiting)." in client.get(url).text


def test_a_session_page_closes_rsvps_when_it_starts_and_offers_when_it_ends(
    client, make_session, make_paper
):
    now = timezone.now()
    session = make_session(
        number=7, starts_at=now + timedelta(seconds=1), ends_at=now + timedelta(seconds=2)
    )
    ReadingListEntry.objects.create(session=session, paper=make_paper(), position=1)
    url = session.get_absolute_url()
    page = client.get(url).text
    assert "I'm coming</button>" in page and "I'll present this" in page

    _sleep_until(session.starts_at)
    page = client.get(url).text
    assert "RSVPs closed when the session started." in page and "I'll present this" in page

    _sleep_until(session.ends_at)
    page = client.get(url).text
    assert 'id="rsvp-heading"' not in page and "I'll present this" not in page


def test_a_scheduled_session_appears_at_its_time_without_the_staff_notice(
    staff_client, make_session
):
    goes_live = timezone.now() + timedelta(seconds=1.5)
    session = make_session(number=7, days=-14, published_at=goes_live)
    url = session.get_absolute_url()
    visitor = Client()
    # Staff preview it first: what they saw must not be what visitors get.
    assert "only staff can see this page" in staff_client.get(url).text
    assert visitor.get(url).status_code == 404

    _sleep_until(goes_live)
    page = visitor.get(url).text
    assert "7th Distributed Systems Paper Club" in page
    assert "only staff can see" not in page and "noindex" not in page


def test_a_draft_previewed_by_staff_shows_no_staff_notice_once_published(
    staff_client, make_session
):
    session = make_session(number=7, days=-14, published=False, title="Work in progress")
    url = session.get_absolute_url()
    assert "only staff can see this page" in staff_client.get(url).text

    session.publish()
    page = Client().get(url).text
    assert "Work in progress" in page and "only staff can see" not in page


# --- the series page -----------------------------------------------------------------------


def test_a_series_page_shows_each_edit_of_the_series(client, series, make_session):
    url = series.get_absolute_url()
    assert "Room 3.14" in client.get(url).text

    series.description = "We read **one** paper a fortnight."
    series.venue_name = "Room 4.01"
    series.cadence_weeks = 1
    series.suggestions_need_approval = True
    series.save()
    page = client.get(url).text
    assert '<meta name="description" content="We read one paper a fortnight.">' in page
    assert "<strong>one</strong>" in page and "Room 4.01" in page and "Every Tuesday" in page
    assert "the organizer then looks at it" in page

    series.slug = "systems"
    series.save()
    page = client.get(series.get_absolute_url()).text
    assert 'action="/club/systems/subscribe/"' in page and "/club/distributed-systems/" not in page


def test_a_series_page_shows_each_change_of_a_coming_session_at_once(
    client, series, make_session, make_paper
):
    coming = make_session(number=8, days=7, title="Gossip", papers=1, tags=["dht"])
    url = series.get_absolute_url()
    assert "8th Distributed Systems Paper Club: Gossip" in client.get(url).text

    coming.title = "Epidemics"
    coming.save()
    assert ": Epidemics</a></h3>" in client.get(url).text

    paper = coming.reading_list.get().paper
    paper.title = "A renamed paper"
    paper.save()
    assert "<cite>A renamed paper</cite>" in client.get(url).text

    ReadingListEntry.objects.create(session=coming, paper=make_paper(title="Added"), position=2)
    assert "<cite>Added</cite>" in client.get(url).text

    tag = Tag.objects.get(slug="dht")
    tag.name, tag.slug = "DHTs", "dhts"
    tag.save()
    assert 'href="/tags/dhts/" rel="tag">#DHTs<' in client.get(url).text

    later = make_session(number=9, days=21, title="Consensus")
    page = client.get(url).text
    assert page.index(": Epidemics") < page.index('id="later-heading"') < page.index(": Consensus")

    coming.refresh_from_db()
    coming.cancel(reason="Snow.")
    page = client.get(url).text
    next_block = page[page.index('id="next-heading"') : page.index('id="suggest"')]
    assert ": Consensus</a></h3>" in next_block and "Epidemics" not in next_block
    assert "Cancelled: Snow." in page

    later.unpublish()
    coming.delete()
    page = client.get(url).text
    assert "Consensus" not in page and "Epidemics" not in page
    assert "No session is scheduled yet." in page


def test_a_coming_session_becomes_a_past_line_when_it_ends(client, series, make_session):
    now = timezone.now()
    make_session(
        number=8,
        title="Gossip",
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(seconds=1),
    )
    url = series.get_absolute_url()
    page = client.get(url).text
    assert ": Gossip</a></h3>" in page and "None yet." in page

    _sleep_until(now + timedelta(seconds=1))
    page = client.get(url).text
    assert ": Gossip</a></h3>" not in page and ">8th: Gossip<" in page
    assert "No session is scheduled yet." in page


def test_past_lines_follow_their_reading_lists_and_the_count_of_pages(client, series, make_session):
    session = make_session(number=1, days=-300, papers=2, title="First")
    url = series.get_absolute_url()
    assert "2 papers" in client.get(url).text

    session.reading_list.first().delete()
    assert "1 paper<" in client.get(url).text

    for number in range(2, 17):
        make_session(number=number, days=-300 + number * 14)
    page = client.get(url).text
    assert "Page 1 of 2" in page and "First" not in page
    assert ">First<" not in page and "1st: First" in client.get(f"{url}?page=2").text

    session.delete()
    page = client.get(url).text
    assert "Page 1 of 2" not in page and client.get(f"{url}?page=2").status_code == 404


def test_a_series_page_previewed_by_staff_shows_visitors_no_draft(
    staff_client, series, make_session
):
    goes_live = timezone.now() + timedelta(seconds=1.5)
    make_session(number=8, days=7, title="Scheduled one", published_at=goes_live)
    make_session(number=7, days=-7, title="Past draft", published=False)
    url = series.get_absolute_url()
    visitor = Client()
    staff_page = staff_client.get(url).text
    assert "Scheduled for publication" in staff_page and "Past draft" in staff_page
    page = visitor.get(url).text
    assert "Scheduled one" not in page and "Past draft" not in page

    _sleep_until(goes_live)
    page = visitor.get(url).text
    assert ": Scheduled one</a></h3>" in page
    assert "only staff" not in page and "Past draft" not in page
