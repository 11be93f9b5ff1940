"""The organizer's side: the notice offered after an edit or a cancel, its preview, the desk."""

import re
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetups.enums import AnnouncementKind, AttendanceStatus, DeliveryStatus
from meetups.models import Announcement, Delivery, Session
from meetups.services import announcement_create

pytestmark = pytest.mark.usefixtures("immediate_tasks")


@pytest.fixture
def session(make_session):
    return make_session(number=20, title="DHT security", days=5, papers=2)


@pytest.fixture
def announced(session, make_subscription, make_attendance):
    make_subscription("ada@example.org")
    make_subscription("grace@example.org")
    make_attendance(session, "Grace@Example.org".lower())
    make_attendance(session, "lin@example.org", status=AttendanceStatus.WAITING)
    announcement_create(session=session)
    mail.outbox.clear()
    return session


def _notify_url(session):
    return f"/admin/meetups/session/{session.pk}/notify/"


def _change_form_data(session, **changes):
    local_start = session.local_start + changes.pop("later", timedelta())
    local_end = session.local_end + (local_start - session.local_start)
    data = {
        "series": session.series_id,
        "number": session.number,
        "title": session.title,
        "starts_at_0": local_start.strftime("%Y-%m-%d"),
        "starts_at_1": local_start.strftime("%H:%M:%S"),
        "ends_at_0": local_end.strftime("%Y-%m-%d"),
        "ends_at_1": local_end.strftime("%H:%M:%S"),
        "description": session.description,
        "tags": "",
        "write_up": "",
        "venue_name": session.venue_name,
        "venue_address": session.venue_address,
        "venue_map_url": session.venue_map_url,
        "online_url": session.online_url,
        "status": session.status,
        "cancellation_reason": "",
        "published_at_0": session.published_at.strftime("%Y-%m-%d"),
        "published_at_1": session.published_at.strftime("%H:%M:%S"),
        "reading_list-TOTAL_FORMS": "0",
        "reading_list-INITIAL_FORMS": "0",
        "reading_list-MIN_NUM_FORMS": "0",
        "reading_list-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(changes)
    return data


def test_moving_an_announced_session_offers_a_notice_that_reaches_everyone_once(
    staff_client, announced
):
    response = staff_client.post(
        f"/admin/meetups/session/{announced.pk}/change/",
        _change_form_data(announced, later=timedelta(hours=1)),
        follow=True,
    )
    html = response.content.decode()
    assert "changed time or place since its people were told" in html
    assert f'href="{_notify_url(announced)}"' in html

    page = staff_client.get(_notify_url(announced)).content.decode()
    moved = Session.objects.get(pk=announced.pk)
    assert "3 addresses will receive" in page
    assert announced.when_text in page and moved.when_text in page  # was and now
    key = re.search(r'name="request_key" value="([^"]+)"', page).group(1)

    sent = staff_client.post(_notify_url(announced), {"request_key": key, "send": "1"})
    notice = Announcement.objects.get(kind=AnnouncementKind.CHANGE)
    assert sent["Location"] == f"/admin/meetups/announcement/{notice.pk}/change/"
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ada@example.org",
        "grace@example.org",
        "lin@example.org",
    ]
    # The same form again (a double click) sends nothing more.
    again = staff_client.post(_notify_url(announced), {"request_key": key}, follow=True)
    assert "already sent" in again.content.decode()
    assert Announcement.objects.filter(kind=AnnouncementKind.CHANGE).count() == 1
    assert len(mail.outbox) == 3
    # Told: no offer any more until the next change.
    page = staff_client.get(_notify_url(announced)).content.decode()
    assert "No notice is due" in page and 'name="send"' not in page


@pytest.mark.parametrize(
    "data", [{}, {"request_key": "not-a-key"}, {"request_key": "\x00"}], ids=str
)
def test_a_broken_notice_form_sends_nothing(staff_client, announced, data):
    Session.objects.filter(pk=announced.pk).update(sequence=announced.sequence + 1)
    response = staff_client.post(_notify_url(announced), data)
    assert response.status_code == 200
    assert "incomplete" in response.content.decode()
    assert not mail.outbox


def test_no_notice_without_a_change_or_for_an_unknown_session(staff_client, announced):
    change = staff_client.get(f"/admin/meetups/session/{announced.pk}/change/").content.decode()
    assert f'href="{_notify_url(announced)}"' in change
    page = staff_client.get(_notify_url(announced))
    assert page.status_code == 200 and "No notice is due" in page.content.decode()
    response = staff_client.post(_notify_url(announced), {"request_key": uuid.uuid4()})
    assert "No notice is due" in response.content.decode()
    assert not mail.outbox
    missing = staff_client.get("/admin/meetups/session/999999/notify/", follow=True)
    assert missing.status_code == 200 and "doesn’t exist" in missing.content.decode()


def test_cancelling_from_the_list_offers_the_cancellation_notice(staff_client, announced):
    response = staff_client.post(
        "/admin/meetups/session/",
        {
            "action": "cancel_sessions",
            "_selected_action": [announced.pk],
            "apply": "1",
            "reason": "The room is flooded.",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "is cancelled since its people were told" in html
    assert f'href="{_notify_url(announced)}"' in html
    page = staff_client.get(_notify_url(announced)).content.decode()
    assert "METHOD:CANCEL" in page


def test_announcing_again_asks_first(staff_client, announced):
    data = {"subject": "Again", "request_key": uuid.uuid4(), "send": "1"}
    response = staff_client.post(f"/admin/meetups/session/{announced.pk}/announce/", data)
    assert response.status_code == 200
    assert "Tick this box to send the announcement to everyone again" in response.content.decode()
    assert not mail.outbox
    confirmed = staff_client.post(
        f"/admin/meetups/session/{announced.pk}/announce/", {**data, "send_again": "on"}
    )
    assert confirmed.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "grace@example.org"]


def test_the_desk_shows_what_each_next_session_needs(
    staff_client, announced, make_session, make_attendance
):
    Session.objects.filter(pk=announced.pk).update(capacity=2)
    moved = Session.objects.get(pk=announced.pk)
    moved.starts_at += timedelta(hours=1)
    moved.ends_at += timedelta(hours=1)
    moved.save()
    bare = make_session(number=21, days=12)
    Delivery.objects.filter(email="ada@example.org").update(
        status=DeliveryStatus.FAILED, last_error="550 No such mailbox"
    )

    index = staff_client.get("/admin/").content.decode()
    assert 'href="/admin/meetups/session/desk/"' in index
    html = staff_client.get("/admin/meetups/session/desk/").content.decode()
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", html, re.S)
    assert len(rows) == 2
    first, second = rows
    assert moved.display_title in first and "2 papers" in first
    assert "due: notify" in first and _notify_url(moved) in first
    assert "<td>yes</td>" in first  # announced
    assert "1 / 2" in re.sub(r"<[^>]+>", "", first)  # one going of two places
    assert "<td>1</td>" in first  # one waiting, and one failed delivery
    assert bare.display_title in second and "<strong>missing</strong>" in second
    assert "announce" in second and "due: notify" not in second
    assert "no limit" in second


def test_the_desk_costs_the_same_for_one_and_many_sessions(
    staff_client, make_session, make_attendance, make_subscription, django_assert_num_queries
):
    make_subscription("ada@example.org")
    first = make_session(number=1, days=3, papers=1)
    make_attendance(first, "lin@example.org")
    with CaptureQueriesContext(connection) as one:
        assert staff_client.get("/admin/meetups/session/desk/").status_code == 200
    for number in range(2, 12):
        session = make_session(number=number, days=3 + number, papers=2)
        make_attendance(session, "lin@example.org")
        make_attendance(session, "kay@example.org", status=AttendanceStatus.WAITING)
        announcement_create(session=session)
    with django_assert_num_queries(len(one.captured_queries)):
        html = staff_client.get("/admin/meetups/session/desk/").content.decode()
    assert html.count('<th scope="row">') == 11
