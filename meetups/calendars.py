"""
iCalendar for the club, built with the `icalendar` library: one VEVENT per
session in the series' time zone (with its VTIMEZONE), a UID that never
changes, SEQUENCE and STATUS so that calendar clients apply changes and
cancellations, and the reading list in the DESCRIPTION.

`session_calendar(session)` is the .ics of one session (the download and the
announcement email's attachment); `series_calendar(series, sessions)` is the
subscription feed.
"""

import functools
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from meetups.models import Series, Session
from meetups.zones import transitions
from portal.links import absolute_url

# Calendar clients that honour it poll this often, so cancellations reach them the same day
# (REFRESH-INTERVAL of RFC 7986, and X-PUBLISHED-TTL for older clients).
REFRESH_INTERVAL = timedelta(hours=3)


def _prodid() -> str:
    return f"-//{settings.SITE_NAME}//Paper club//EN"


def session_description(session: Session) -> str:
    """Plain text: status, what we read, the reading list with links, where, and the page."""
    lines = [session.display_title]
    if session.is_cancelled:
        reason = f": {session.cancellation_reason}" if session.cancellation_reason else "."
        lines.append(f"CANCELLED{reason}")
    if session.description.strip():
        lines += ["", session.description.strip()]
    entries = list(session.reading_list.all())
    if entries:
        lines += ["", "Reading list:"]
        for position, entry in enumerate(entries, start=1):
            paper = entry.paper
            line = f"{position}. {paper.citation_text}"
            if paper.best_url:
                line += f" {paper.best_url}"
            lines.append(line)
            if paper.pdf_url or paper.arxiv_id:
                lines.append(f"   PDF: {paper.pdf_url or paper.arxiv_pdf_url}")
            details = [f"Presented by {entry.presenter}." if entry.presenter else "", entry.note]
            if any(details):
                lines.append("   " + " ".join(detail for detail in details if detail))
    lines.append("")
    if session.place_online_url:
        lines.append(f"Online: {session.place_online_url}")
    if session.place_map_url:
        lines.append(f"Map: {session.place_map_url}")
    lines.append(f"Details: {absolute_url(session.get_absolute_url())}")
    return "\n".join(lines)


def session_event(session: Session) -> Event:
    """The VEVENT of `session`; times carry the series' zone (TZID), not UTC."""
    event = Event()
    event.add("uid", str(session.uid))
    event.add("dtstamp", session.updated_at.astimezone(UTC))
    event.add("created", session.created_at.astimezone(UTC))
    event.add("last-modified", session.updated_at.astimezone(UTC))
    event.add("sequence", session.sequence)
    event.add("dtstart", session.local_start)
    event.add("dtend", session.local_end)
    summary = session.display_title
    if session.is_cancelled:
        # Many clients do not show STATUS: say it where everyone looks.
        summary = f"Cancelled: {summary}"
    event.add("summary", summary)
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if session.is_cancelled else "OPAQUE")
    event.add("class", "PUBLIC")
    event.add("url", absolute_url(session.get_absolute_url()))
    if session.location_text:
        event.add("location", session.location_text)
    event.add("description", session_description(session))
    tags = [tag.name for tag in session.tags.all()]
    if tags:
        event.add("categories", tags)
    return event


def _new_calendar(*, method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", _prodid())
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


@functools.lru_cache(maxsize=128)
def _zone_changes(key: str, first_year: int, last_year: int):
    zone = ZoneInfo(key)
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    initial = start.astimezone(zone)
    return (
        (initial.utcoffset(), initial.tzname(), bool(initial.dst())),
        tuple(transitions(zone, start=start, end=end)),
    )


def vtimezone(key: str, *, first: date, last: date) -> Timezone:
    """
    The VTIMEZONE of IANA zone `key` covering the years of `first` to `last`:
    each offset change as its own STANDARD/DAYLIGHT block, whose DTSTART is the
    local time before the change (as RFC 5545 reads it).
    """
    (offset, name, is_dst), changes = _zone_changes(key, first.year - 1, last.year + 1)
    component = Timezone()
    component.add("tzid", key)
    opening = TimezoneDaylight() if is_dst else TimezoneStandard()
    opening.add("dtstart", datetime(first.year - 1, 1, 1))
    opening.add("tzoffsetfrom", offset)
    opening.add("tzoffsetto", offset)
    opening.add("tzname", name)
    component.add_component(opening)
    for instant, before, after, after_name, after_is_dst in changes:
        block = TimezoneDaylight() if after_is_dst else TimezoneStandard()
        block.add("dtstart", (instant + before).replace(tzinfo=None))
        block.add("tzoffsetfrom", before)
        block.add("tzoffsetto", after)
        block.add("tzname", after_name)
        component.add_component(block)
    return component


def _add_time_zones(calendar: Calendar, sessions: list[Session]) -> None:
    used = calendar.get_missing_tzids()
    for key in sorted(used):
        starts = [s.starts_at.date() for s in sessions if s.series.time_zone == key]
        ends = [s.ends_at.date() for s in sessions if s.series.time_zone == key]
        if starts:
            # Time zones come first, as many clients expect.
            calendar.subcomponents.insert(0, vtimezone(key, first=min(starts), last=max(ends)))


def _to_bytes(calendar: Calendar, sessions: list[Session]) -> bytes:
    for session in sessions:
        calendar.add_component(session_event(session))
    _add_time_zones(calendar, sessions)
    return calendar.to_ical()


def session_calendar(session: Session, *, method: str | None = None) -> bytes:
    """
    The .ics of one session: a VCALENDAR with its VTIMEZONE and VEVENT. Pass
    method="PUBLISH" for an email attachment; the UID and SEQUENCE match the
    series feed, so a client that has both keeps one event.
    """
    calendar = _new_calendar(method=method)
    calendar.add("name", session.display_title)
    return _to_bytes(calendar, [session])


def series_calendar(series: Series, sessions: Iterable[Session]) -> bytes:
    """The subscription feed: every given session of `series`, cancelled ones marked CANCELLED."""
    calendar = _new_calendar()
    calendar.add("name", series.name)
    calendar.add("x-wr-calname", series.name)
    if series.excerpt:
        calendar.add("description", series.excerpt)
        calendar.add("x-wr-caldesc", series.excerpt)
    calendar.add("x-wr-timezone", series.time_zone)
    calendar.add("url", absolute_url(series.get_absolute_url()))
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT3H")
    return _to_bytes(calendar, list(sessions))
