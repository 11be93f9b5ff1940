"""The .ics files, read back with the icalendar library the way a calendar client would."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.utils.http import http_date
from icalendar import Calendar

from meetups.calendars import session_calendar
from meetups.models import Paper, ReadingListEntry, Series, Session
from meetups.zones import localize
from tests.meetups.ics_fixtures import ICS_WITH_HAND_BUILT_ZONES

BERLIN = ZoneInfo("Europe/Berlin")


def _events(response):
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return calendar, {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_series_calendar_has_every_published_session_in_its_zone(client, series, make_session):
    winter = make_session(
        number=1,
        papers=2,
        title="Raft",
        starts_at=localize(datetime(2026, 1, 13, 19, 0), BERLIN),
        ends_at=localize(datetime(2026, 1, 13, 21, 0), BERLIN),
    )
    summer = make_session(
        number=2,
        starts_at=localize(datetime(2026, 7, 14, 19, 0), BERLIN),
        ends_at=localize(datetime(2026, 7, 14, 21, 0), BERLIN),
    )
    make_session(number=3, published=False)

    calendar, events = _events(client.get("/club/distributed-systems/calendar.ics"))

    assert set(events) == {str(winter.uid), str(summer.uid)}
    assert str(calendar["X-WR-CALNAME"]) == "Distributed Systems Paper Club"
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Berlin"
    event = events[str(winter.uid)]
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("DTSTART") == datetime(2026, 1, 13, 19, 0, tzinfo=BERLIN)
    assert event.decoded("DTSTART").astimezone(UTC).hour == 18
    assert events[str(summer.uid)].decoded("DTSTART").astimezone(UTC).hour == 17
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=2)
    assert str(event["SUMMARY"]) == "1st Distributed Systems Paper Club: Raft"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]) == "http://127.0.0.1:8000/club/distributed-systems/1/"
    assert str(event["LOCATION"]) == "Room 3.14, Beispielstraße 12, Berlin"
    description = str(event["DESCRIPTION"])
    titles = [entry.paper.title for entry in winter.reading_list.all()]
    assert "Reading list:" in description
    assert description.index(titles[0]) < description.index(titles[1])
    assert "LAST-MODIFIED" in event and "DTSTAMP" in event


def test_vtimezone_offsets_match_the_real_changes(client, series, make_session):
    make_session(
        starts_at=localize(datetime(2026, 6, 2, 19, 0), BERLIN),
        ends_at=localize(datetime(2026, 6, 2, 21, 0), BERLIN),
    )
    calendar, _ = _events(client.get("/club/distributed-systems/calendar.ics"))
    (zone,) = calendar.walk("VTIMEZONE")
    # A block's onsets: its DTSTART, and its RDATEs where one block stands for several changes.
    changes = {
        (onset.isoformat(), block.decoded("TZOFFSETTO").total_seconds() / 3600)
        for block in zone.subcomponents
        for onset in [block.decoded("DTSTART"), *(start for start, _ in block.rdates)]
    }
    # Clocks go forward at 02:00 CET and back at 03:00 CEST, local time before the change.
    assert ("2026-03-29T02:00:00", 2.0) in changes
    assert ("2026-10-25T03:00:00", 1.0) in changes


# Each a session's wall-clock start and its UID, as in the fixtures.
FIXTURE_SESSIONS = {
    "Europe/Berlin": (datetime(2026, 3, 31, 19, 0), 1),  # two days after clocks went forward
    "Australia/Sydney": (datetime(2026, 4, 7, 18, 30), 2),  # two days after they went back
    "Asia/Tokyo": (datetime(2026, 6, 2, 19, 0), 3),  # no daylight saving
}


def _fixture_session_calendar(make_series, make_session, key: str) -> bytes:
    start, uid = FIXTURE_SESSIONS[key]
    zone = ZoneInfo(key)
    series = make_series(
        name="Paper Club",
        slug=key.split("/")[1].lower(),
        time_zone=key,
        venue_name="Library",
        venue_address="",
    )
    session = make_session(
        of=series,
        number=1,
        starts_at=localize(start, zone),
        ends_at=localize(start + timedelta(hours=2), zone),
    )
    stamp = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    Session.objects.filter(pk=session.pk).update(
        uid=uuid.UUID(int=uid), created_at=stamp, updated_at=stamp
    )
    session.refresh_from_db()
    return session_calendar(session)


def _without_time_zones(ics: bytes) -> bytes:
    return re.sub(rb"BEGIN:VTIMEZONE\r\n.*?END:VTIMEZONE\r\n", b"", ics, flags=re.DOTALL)


def _zone_as_written(ics: bytes):
    """The tzinfo a client reads from the VTIMEZONE itself, not from the zone its TZID names."""
    (zone,) = Calendar.from_ical(ics).walk("VTIMEZONE")
    return zone.to_tz(lookup_tzid=False)


def _every_hour_of(*years: int):
    instant = datetime(min(years), 1, 1, tzinfo=UTC)
    while instant.year <= max(years):
        yield instant
        instant += timedelta(hours=1)


@pytest.mark.parametrize("key", list(FIXTURE_SESSIONS), ids=["berlin", "sydney", "tokyo"])
def test_calendar_says_what_the_hand_built_one_said(make_series, make_session, key):
    before = ICS_WITH_HAND_BUILT_ZONES[key].encode()
    now = _fixture_session_calendar(make_series, make_session, key)
    assert _without_time_zones(now) == _without_time_zones(before)

    zone, zone_before, zone_now = ZoneInfo(key), _zone_as_written(before), _zone_as_written(now)
    (event,) = Calendar.from_ical(now).walk("VEVENT")
    for name in ("DTSTART", "DTEND"):
        wall_clock = event.decoded(name).replace(tzinfo=None)
        offsets = {
            wall_clock.replace(tzinfo=tz).utcoffset() for tz in (zone, zone_before, zone_now)
        }
        assert len(offsets) == 1, (name, offsets)
    # Every hour of the year, so the hour after each change is read too.
    for instant in _every_hour_of(2026):
        offsets = {instant.astimezone(tz).utcoffset() for tz in (zone, zone_before, zone_now)}
        assert len(offsets) == 1, (instant, offsets)


def test_vtimezone_of_a_feed_over_years_matches_the_zone(client, series, make_session):
    for number, day in enumerate([datetime(2025, 11, 4, 19, 0), datetime(2027, 2, 9, 19, 0)], 1):
        make_session(
            number=number,
            starts_at=localize(day, BERLIN),
            ends_at=localize(day + timedelta(hours=2), BERLIN),
        )
    written = _zone_as_written(client.get("/club/distributed-systems/calendar.ics").content)
    for instant in _every_hour_of(2025, 2026, 2027):
        assert instant.astimezone(written).utcoffset() == instant.astimezone(BERLIN).utcoffset()


def test_cancelled_session_is_in_the_calendar_as_cancelled(client, make_session):
    session = make_session(number=16)
    session.cancel(reason="Room double-booked.")
    _, events = _events(client.get("/club/distributed-systems/calendar.ics"))
    event = events[str(session.uid)]
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert str(event["SUMMARY"]).startswith("Cancelled: 16th")
    assert "Room double-booked." in str(event["DESCRIPTION"])
    _, single = _events(client.get("/club/distributed-systems/16/session.ics"))
    assert str(single[str(session.uid)]["STATUS"]) == "CANCELLED"


def test_sequence_grows_and_uid_stays_when_the_session_moves(client, make_session):
    session = make_session(number=4)
    _, before = _events(client.get("/club/distributed-systems/4/session.ics"))
    session.starts_at += timedelta(days=1)
    session.ends_at += timedelta(days=1)
    session.save()
    session.venue_name = "Another room"
    session.save()
    _, after = _events(client.get("/club/distributed-systems/4/session.ics"))
    assert list(before) == list(after) == [str(session.uid)]
    assert before[str(session.uid)]["SEQUENCE"] == 0
    assert after[str(session.uid)]["SEQUENCE"] == 2
    assert str(after[str(session.uid)]["LOCATION"]).startswith("Another room")


def test_session_calendar_for_an_email_attachment(make_session):
    session = make_session(number=5, papers=1)
    calendar = Calendar.from_ical(session_calendar(session, method="PUBLISH"))
    assert str(calendar["METHOD"]) == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == str(session.uid)
    assert len(calendar.walk("VTIMEZONE")) == 1


@pytest.mark.parametrize(
    "url",
    [
        "/club/distributed-systems/calendar.ics",
        "/club/distributed-systems/1/session.ics",
        "/club/distributed-systems/reading-list.bib",
        "/club/distributed-systems/1/reading-list.bib",
        "/club/distributed-systems/feed.atom",
        "/club/feed.rss",
    ],
    ids=["series-ics", "session-ics", "series-bib", "session-bib", "series-atom", "club-rss"],
)
def test_repeat_request_is_answered_304_until_something_changes(client, make_session, url):
    session = make_session(number=1, papers=1)
    first = client.get(url)
    assert first.status_code == 200
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]

    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304

    paper = session.reading_list.get().paper
    paper.title = "A corrected title"
    paper.save()
    # HTTP dates count whole seconds: let the edit happen visibly later.
    Session.objects.filter(pk=session.pk).update(updated_at=timezone.now() + timedelta(minutes=1))
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 200


def test_a_reading_list_edit_moves_last_modified(client, make_session, make_paper):
    session = make_session(number=1, papers=1)
    url = "/club/distributed-systems/calendar.ics"
    yesterday = timezone.now() - timedelta(days=1)
    Session.objects.filter(pk=session.pk).update(updated_at=yesterday)
    Series.objects.filter(pk=session.series_id).update(updated_at=yesterday)
    Paper.objects.filter(readings__session=session).update(updated_at=yesterday)
    before = client.get(url)
    assert before.headers["Last-Modified"] == http_date(yesterday.timestamp())
    ReadingListEntry.objects.filter(session=session).delete()
    after = client.get(url, headers={"If-Modified-Since": before.headers["Last-Modified"]})
    assert after.status_code == 200
    assert "Reading list:" not in after.content.decode()


def test_a_paper_edit_moves_last_modified(client, make_session):
    session = make_session(number=1, papers=1)
    url = "/club/distributed-systems/1/session.ics"
    past = timezone.now() - timedelta(days=1)
    Session.objects.filter(pk=session.pk).update(updated_at=past)
    Series.objects.filter(pk=session.series_id).update(updated_at=past)
    paper = session.reading_list.get().paper
    Paper.objects.filter(pk=paper.pk).update(updated_at=past)
    last_modified = client.get(url).headers["Last-Modified"]
    assert last_modified == http_date(past.timestamp())
    paper.title = "Corrected title"
    paper.save()
    response = client.get(url, headers={"If-Modified-Since": last_modified})
    assert response.status_code == 200
    assert "Corrected title" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/club/nope/calendar.ics",
        "/club/distributed-systems/2/session.ics",
        "/club/distributed-systems/3/session.ics",
        "/club/nope/1/session.ics",
        "/club/distributed-systems/99999999999999999999999/session.ics",
    ],
    ids=["unknown-series", "unknown-number", "draft", "unknown-series-number", "huge-number"],
)
def test_unknown_or_unpublished_calendars_are_404(client, make_session, url):
    make_session(number=1)
    make_session(number=3, published=False)
    assert client.get(url).status_code == 404
