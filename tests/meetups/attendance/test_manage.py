"""An address's own page lists its RSVPs, each cancellable, at a cost that does not grow."""

import pytest
from django.core import mail

from meetups.enums import AttendanceStatus
from meetups.mailing import tokens
from meetups.models import Attendance

pytestmark = pytest.mark.usefixtures("immediate_tasks")


def _manage_path(attendance) -> str:
    return "/" + tokens.manage_url(attendance_id=attendance.pk).split("/", 3)[3]


def test_the_manage_page_lists_the_addresses_rsvps_and_cancels_one(
    client, session, make_session, make_attendance
):
    mine = make_attendance(session, "ada@example.org")
    waiting = make_attendance(session, "w@example.org", status=AttendanceStatus.WAITING)
    later = make_session(number=22, days=21)
    make_attendance(later, "ada@example.org", status=AttendanceStatus.CANCELLED)
    make_attendance(later, "someone-else@example.org")
    url = _manage_path(mine)

    html = client.get(url).content.decode()
    assert "Your subscriptions and RSVPs" in html and "someone-else" not in html
    assert (
        "21st Distributed Systems Paper Club: DHT security" in html
        and "<strong>going</strong>" in html
    )
    assert "22nd Distributed Systems Paper Club" in html and "cancelled" in html
    assert html.count("Cancel this RSVP") == 1

    response = client.post(url, {"action": "cancel-rsvp", "rsvp": mine.token}, follow=True)
    assert "Your RSVP to the 21st" in response.content.decode()
    assert Attendance.objects.get(pk=mine.pk).status == AttendanceStatus.CANCELLED
    assert Attendance.objects.get(pk=waiting.pk).status == AttendanceStatus.GOING
    assert mail.outbox[-1].to == ["w@example.org"]


@pytest.mark.parametrize(
    "data",
    [{"action": "cancel-rsvp"}, {"action": "cancel-rsvp", "rsvp": "x" * 500}, "other"],
    ids=["no-rsvp", "huge", "someone-elses"],
)
def test_the_manage_page_cancels_only_the_addresses_own_rsvps(
    client, session, make_attendance, data
):
    mine = make_attendance(session, "ada@example.org")
    other = make_attendance(session, "bob@example.org")
    if data == "other":
        data = {"action": "cancel-rsvp", "rsvp": other.token}
    assert client.post(_manage_path(mine), data).status_code == 400
    assert set(Attendance.objects.values_list("status", flat=True)) == {AttendanceStatus.GOING}


def test_the_manage_page_costs_the_same_for_one_and_many_rsvps(
    client, series, make_session, make_attendance, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = make_attendance(make_session(number=1, days=3), "ada@example.org")
    url = _manage_path(first)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for number in range(2, 14):
        make_attendance(make_session(number=number, days=3 + number), "ada@example.org")
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("Cancel this RSVP") == 13
