"""
iCalendar for the club, built with the `icalendar` library: one VEVENT per
session in the series' time zone (with its VTIMEZONE), a UID that never
changes, SEQUENCE and STATUS so that calendar clients apply changes and
cancellations, and the reading list in the DESCRIPTION.

`session_calendar(session)` is the .ics of one session (the download);
`series_calendar(series, sessions)` is the subscription feed; both are
METHOD-less or PUBLISH, which calendar clients file as a copy they never update
from email. `session_invitation(session)` is what emails carry instead: an
iTIP invitation (RFC 5546, sent by email as RFC 6047 iMIP) that clients keep
updating as the session moves or is cancelled.
"""

import email.utils
import functools
from collections.abc import Iterable
from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, Timezone, vCalAddress

from meetups.enums import AttendanceStatus
from meetups.models import Series, Session
from portal.links import absolute_url
from portal.markdown_text import text_from_html

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
        # What the page shows, as text: not the Markdown source's markers.
        lines += ["", text_from_html(session.description_html)]
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
def _vtimezone(key: str, first_year: int, last_year: int) -> Timezone:
    # Building one takes up to a tenth of a second (longest for zones that never change).
    component = Timezone.from_tzinfo(
        ZoneInfo(key),
        key,
        first_date=date(first_year - 1, 1, 1),
        last_date=date(last_year + 2, 1, 1),
    )
    for observance in component.subcomponents:
        jump = observance.TZOFFSETTO - observance.TZOFFSETFROM
        if jump > timedelta(0):
            # icalendar dates a clocks-forward change at the first wall-clock time after the
            # jump (03:00 in Berlin), but RFC 5545 reads DTSTART in the offset before it
            # (02:00 CET): clients that go by the VTIMEZONE would change an hour late.
            observance.DTSTART -= jump
            observance.rdates = [start - jump for start, _ in observance.rdates]
    return component


def vtimezone(key: str, *, first: date, last: date) -> Timezone:
    """
    The VTIMEZONE of IANA zone `key` for the years of the local dates `first` to
    `last` and one year either side, so that each year a session is in starts
    after a real change: readers such as dateutil take the size of a daylight
    saving shift from the change into it. The component is shared between
    calendars: add it, never change it.
    """
    return _vtimezone(key, first.year, last.year)


def _add_time_zones(calendar: Calendar, sessions: list[Session]) -> None:
    for key in sorted(calendar.get_missing_tzids()):
        days = [
            moment.date()
            for session in sessions
            if session.series.time_zone == key
            for moment in (session.local_start, session.local_end)
        ]
        if days:
            # Time zones come first, as many clients expect.
            calendar.subcomponents.insert(0, vtimezone(key, first=min(days), last=max(days)))


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


# --- invitations by email (iTIP over iMIP) --------------------------------------------------

REQUEST = "REQUEST"
CANCEL = "CANCEL"


def invitation_method(session: Session) -> str:
    """CANCEL for a cancelled session, REQUEST otherwise."""
    return CANCEL if session.is_cancelled else REQUEST


def organizer_address() -> vCalAddress:
    """
    The site's sender as ORGANIZER, which RFC 5546 requires in a REQUEST and a
    CANCEL. Google Calendar applies an update or a cancellation by email only
    from the event's organizer, so it is the From address of every club email.
    """
    name, address = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["CN"] = name or settings.SITE_AUTHOR
    return organizer


def attendee_partstat(rsvp_status: str | None) -> str:
    """The PARTSTAT of a recipient by their RSVP's status (None: no RSVP, a subscriber)."""
    return {AttendanceStatus.GOING: "ACCEPTED", AttendanceStatus.WAITING: "TENTATIVE"}.get(
        rsvp_status, "NEEDS-ACTION"
    )


def attendee_address(email_address: str, *, name: str = "", partstat: str = "NEEDS-ACTION"):
    """
    The recipient as ATTENDEE. Google Calendar puts an emailed invitation in
    the calendar, and later moves or removes it, only when the recipient is an
    ATTENDEE of it; without one it offers a copy that never updates. RSVP=FALSE:
    the club reads no iTIP replies, so clients should not ask for one (they
    still show their own yes/no buttons, which then only change the copy in
    the attendee's calendar). PARTSTAT says where the person stands: ACCEPTED
    for an RSVP going, TENTATIVE on the waitlist, NEEDS-ACTION for a subscriber.
    """
    attendee = vCalAddress(f"mailto:{email_address}")
    attendee.params["CUTYPE"] = "INDIVIDUAL"
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = partstat
    attendee.params["RSVP"] = "FALSE"
    if name:
        attendee.params["CN"] = name
    return attendee


def session_invitation(
    session: Session,
    *,
    attendee_email: str | None = None,
    attendee_name: str = "",
    partstat: str = "NEEDS-ACTION",
    method: str | None = None,
) -> bytes:
    """
    The invitation to `session` for email: METHOD:REQUEST, or METHOD:CANCEL
    with STATUS:CANCELLED (`method` defaults to the one that fits the session),
    with ORGANIZER and, where given, the recipient as ATTENDEE.

    Clients match an invitation to the event they already have by UID alone and
    apply it only if its SEQUENCE is higher than the one they have (RFC 5546
    2.1.4; Outlook and Apple Calendar ignore an equal one as a duplicate), so
    the UID never changes and `Session.sequence` grows with every change of
    time, place or status. A CANCEL names the same UID and carries the SEQUENCE
    of the cancellation, which raised it. The MIME part that carries these bytes
    must say the same method (`text/calendar; method=REQUEST`): Outlook treats a
    calendar part as an invitation only by that parameter.
    """
    method = method or invitation_method(session)
    calendar = _new_calendar(method=method)
    event = session_event(session)
    if method == CANCEL and not session.is_cancelled:
        event["status"] = "CANCELLED"
    event.add("organizer", organizer_address())
    if attendee_email:
        event.add(
            "attendee", attendee_address(attendee_email, name=attendee_name, partstat=partstat)
        )
    calendar.add_component(event)
    _add_time_zones(calendar, [session])
    return calendar.to_ical()


def attendee_line(email_address: str, *, name: str = "", partstat: str = "NEEDS-ACTION") -> str:
    """The ATTENDEE content line of `session_invitation`, folded, without its line break."""
    event = Event()
    event.add("attendee", attendee_address(email_address, name=name, partstat=partstat))
    lines = event.to_ical().decode().split("\r\n")
    # BEGIN:VEVENT, the property's folded lines, END:VEVENT.
    return "\r\n".join(lines[1:-2])
