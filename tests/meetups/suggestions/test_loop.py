"""
The whole loop as production runs it: suggest on the page, confirm by the
emailed link, a second address suggesting the same paper counts as a vote, the
organizer accepts it into a session in the admin, and the real worker tells
the suggester and the voter through a real SMTP server.
"""

import email
import email.policy
import re

import icalendar
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from meetups.enums import AnnouncementKind, AnnouncementStatus, SuggestionStatus
from meetups.models import Announcement, Suggestion
from tests.helpers.processes import wait_for

LINK = re.compile(r"http://127\.0\.0\.1:8000(/club/suggestions/confirm/[^/\s]+/)")
RAFT = (
    "Ongaro, D., & Ousterhout, J. (2014). In search of an understandable consensus "
    "algorithm. In 2014 USENIX Annual Technical Conference (pp. 305-319)."
)


def _parsed(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def _arrived_for(sink, address: str) -> list:
    return [_parsed(raw) for raw, recipients in sink._arrived if address in recipients]


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_suggest_confirm_vote_accept_and_both_are_told(
    start_worker, smtp_server, client, staff_client, series, make_session
):
    session = make_session(number=21, days=12, papers=1)
    start_worker()
    sink = smtp_server.handler

    for address in ("ada@example.org", "bob@example.org"):
        response = client.post(
            f"/club/{series.slug}/suggestions/suggest/",
            {"citation": RAFT, "why": "Readable consensus.", "email": address, "website": ""},
        )
        assert response.status_code == 302
        wait_for(lambda a=address: _arrived_for(sink, a), timeout=60, what=f"mail to {address}")
        (message,) = _arrived_for(sink, address)
        assert message["Subject"] == "Confirm your suggestion for Distributed Systems Paper Club"
        (path,) = set(LINK.findall(_text(message)))
        assert "your vote counts" in client.post(path).content.decode()

    assert Suggestion.objects.count() == 1
    assert "2 votes<" in client.get(f"/club/{series.slug}/suggestions/").content.decode()

    suggestion = Suggestion.objects.get()
    staff_client.post(
        "/admin/meetups/suggestion/",
        {
            "action": "accept",
            ACTION_CHECKBOX_NAME: [suggestion.pk],
            "apply": "1",
            "session": session.pk,
        },
    )
    announcement = Announcement.objects.get(kind=AnnouncementKind.SUGGESTION_ACCEPTED)
    wait_for(
        lambda: Announcement.objects.get(pk=announcement.pk).status == AnnouncementStatus.FINISHED,
        timeout=60,
        what="the accepted notices to be sent",
    )

    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ACCEPTED
    assert suggestion.paper in session.papers()
    page = client.get(session.get_absolute_url()).content.decode()
    assert "In search of an understandable consensus algorithm" in page
    for address in ("ada@example.org", "bob@example.org"):
        confirmation, told = _arrived_for(sink, address)  # one each, nothing more
        assert told["Subject"] == (
            "“In search of an understandable consensus algorithm” will be read in the "
            "21st Distributed Systems Paper Club"
        )
        assert session.get_absolute_url() in _text(told)
        (invitation,) = [part for part in told.walk() if part.get_content_type() == "text/calendar"]
        calendar = icalendar.Calendar.from_ical(invitation.get_content())
        (event,) = calendar.walk("VEVENT")
        assert str(event["UID"]) == str(session.uid)
        assert calendar["METHOD"] == "REQUEST"
        assert event.decoded("DTSTART") == session.starts_at.replace(microsecond=0)
        assert str(event["ATTENDEE"]) == f"mailto:{address}"
