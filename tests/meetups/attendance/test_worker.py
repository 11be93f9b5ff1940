"""
The whole RSVP through the public pages with the real worker process and a real
SMTP server on loopback: the form, the emailed confirmation link, “you're in”
with an invitation that icalendar reads, the waitlist, and a promotion by email.
"""

import re

import pytest
from icalendar import Calendar

from meetups.enums import AttendanceStatus
from meetups.models import Attendance
from tests.helpers.processes import wait_for
from tests.meetups.attendance.conftest import rsvp

LINK = re.compile(r"http://127\.0\.0\.1:8000(/club/subscriptions/rsvp/\S+/)")


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _arrived(smtp_server, count: int, what: str):
    wait_for(lambda: smtp_server.handler.count() >= count, timeout=60, what=what)
    return list(smtp_server.handler.messages)


@pytest.mark.django_db(transaction=True)
def test_an_rsvp_goes_from_the_form_through_the_worker_to_a_place_and_a_promotion(
    client, make_session, start_worker, smtp_server
):
    session = make_session(number=50, title="Raft", days=6, capacity=1)
    start_worker()

    rsvp(client, session, "ada@example.org", name="Ada")
    confirmation = _arrived(smtp_server, 1, "the confirmation")[0]
    assert confirmation["To"] == "ada@example.org"
    confirm_path = next(p for p in LINK.findall(_text(confirmation)) if "/confirm/" in p)
    assert "You're in" in client.post(confirm_path).content.decode()
    going = _arrived(smtp_server, 2, "“you're in”")[1]
    assert going["Subject"].startswith("You're in")
    (ics,) = going.iter_attachments()
    calendar = Calendar.from_ical(ics.get_content())
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]).startswith(str(session.uid))
    assert str(event["ATTENDEE"]) == "mailto:ada@example.org"

    rsvp(client, session, "bob@example.org")
    second = _arrived(smtp_server, 3, "Bob's confirmation")[2]
    confirm_path = next(p for p in LINK.findall(_text(second)) if "/confirm/" in p)
    client.post(confirm_path)
    waiting = _arrived(smtp_server, 4, "the waitlist email")[3]
    assert "at position 1" in _text(waiting)

    ada = Attendance.objects.get(email="ada@example.org")
    client.post(f"/club/subscriptions/rsvp/{ada.token}/")
    promoted = _arrived(smtp_server, 5, "the promotion")[4]
    assert promoted["To"] == "bob@example.org"
    assert promoted["Subject"].startswith("A place came free")
    assert Attendance.objects.get(email="bob@example.org").status == AttendanceStatus.GOING
