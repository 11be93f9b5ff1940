"""The organizer's side of RSVPs: the attendee list with its CSV, and the demo's full session."""

import csv
import io

import pytest

from meetups import demo
from meetups.enums import AttendanceStatus
from meetups.models import Attendance, Session


@pytest.fixture
def answered(session, make_attendance):
    going = make_attendance(session, "=cmd@example.org", name="Ada")
    make_attendance(session, "b@example.org")
    first = make_attendance(session, "w1@example.org", status=AttendanceStatus.WAITING)
    second = make_attendance(session, "w2@example.org", status=AttendanceStatus.WAITING)
    make_attendance(session, "gone@example.org", status=AttendanceStatus.CANCELLED)
    make_attendance(session, "maybe@example.org", status=AttendanceStatus.PENDING)
    return going, first, second


def test_the_attendee_list_groups_answers_and_exports_them(staff_client, session, answered):
    url = f"/admin/meetups/session/{session.pk}/attendees/"
    html = staff_client.get(url).content.decode()
    for heading in [
        "Going (2)",
        "On the waitlist (2)",
        "Awaiting confirmation of the address (1)",
        "Cancelled (1)",
    ]:
        assert heading in html
    assert html.index("w1@example.org") < html.index("w2@example.org")
    assert "2 going of 2 places" in html

    response = staff_client.get(url + "?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["email", "name", "status", "waitlist position"]
    assert [row[:4] for row in rows[1:5]] == [
        ["'=cmd@example.org", "Ada", "going", ""],  # no spreadsheet formula
        ["b@example.org", "", "going", ""],
        ["w1@example.org", "", "waiting", "1"],
        ["w2@example.org", "", "waiting", "2"],
    ]
    assert {row[2] for row in rows[5:]} == {"pending", "cancelled"}


def test_the_attendee_list_is_for_staff_and_a_missing_session_is_answered(staff_client, session):
    from django.test import Client

    assert Client().get(f"/admin/meetups/session/{session.pk}/attendees/").status_code == 302
    assert staff_client.get("/admin/meetups/session/999999/attendees/").status_code == 302


def test_cancelling_from_the_rsvp_list_promotes_the_first_waiting(
    staff_client, session, answered, immediate_tasks
):
    going, first, _ = answered
    staff_client.post(
        "/admin/meetups/attendance/",
        {"action": "cancel_rsvps", "_selected_action": [going.pk]},
    )
    assert Attendance.objects.get(pk=going.pk).status == AttendanceStatus.CANCELLED
    assert Attendance.objects.get(pk=first.pk).status == AttendanceStatus.GOING


def test_the_session_page_counts_answers_and_links_the_list(staff_client, session, answered):
    html = staff_client.get(f"/admin/meetups/session/{session.pk}/change/").content.decode()
    assert "2 going of 2 places · 2 waiting" in html
    assert f'href="/admin/meetups/session/{session.pk}/attendees/"' in html


def test_the_demo_session_is_full_with_a_waitlist(client, organizer):
    demo.load(author=organizer)
    session = Session.objects.published().upcoming().not_cancelled().order_by("starts_at").first()
    assert session.attendances.going().count() == demo.DEMO_PLACES
    assert [a.email for a in session.attendances.waiting()] == [
        "radia@example.org",
        "ken@example.org",
        "frances@example.org",
    ]
    assert (
        "Full: join the waitlist (3 waiting)."
        in client.get(session.get_absolute_url()).content.decode()
    )
