"""The organizer's side of email: announce with a preview, subscribers, deliveries, reminders."""

import csv
import io
import re
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from meetups.enums import AnnouncementKind, DeliveryStatus, SubscriptionStatus
from meetups.models import Announcement, Delivery

pytestmark = pytest.mark.usefixtures("immediate_tasks")


@pytest.fixture
def session(make_session):
    return make_session(number=20, title="DHT security", days=5, papers=2)


def _announce_url(session):
    return f"/admin/meetups/session/{session.pk}/announce/"


def test_session_change_form_links_to_announce(staff_client, session):
    html = staff_client.get(f"/admin/meetups/session/{session.pk}/change/").content.decode()
    assert f'href="{_announce_url(session)}"' in html


def test_announce_page_previews_subject_text_and_sandboxed_html(
    staff_client, session, make_subscription
):
    make_subscription("ada@example.org")
    session.description = "Bring questions. <script>alert(1)</script>"
    session.save()
    response = staff_client.get(_announce_url(session))
    assert response.status_code == 200
    html = response.content.decode()
    subject = f"20th Distributed Systems Paper Club: DHT security — {session.date_text}"
    assert f'value="{subject}"' in html
    assert "1 confirmed subscriber of Distributed Systems Paper Club" in html
    iframe = re.search(r'<iframe sandbox="" [^>]*srcdoc="([^"]*)"', html)
    assert iframe, "the HTML preview is in a sandboxed frame"
    # The email's markup arrives escaped inside the attribute, never as live markup.
    assert "&lt;h1 " in iframe.group(1) and "<h1" not in iframe.group(1)
    assert session.when_text in html
    # The plain text is what the page shows, as text: the script is not part of it.
    assert "Bring questions." in html and "alert(1)" not in html
    assert "Send to all 1 confirmed subscriber" in html
    assert not Announcement.objects.exists() and not mail.outbox


def test_send_a_test_to_the_organizer_only(staff_client, session, make_subscription, organizer):
    make_subscription("ada@example.org")
    response = staff_client.post(
        _announce_url(session),
        {"subject": "Come read with us", "request_key": uuid.uuid4(), "test": "1"},
    )
    assert response.status_code == 200
    assert "Sent a test to organizer@example.org" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["organizer@example.org"] and message.subject == "[Test] Come read with us"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert [a.get_content_type() for a in message.attachments] == ["text/calendar"]
    assert not Announcement.objects.exists()


def test_send_to_all_creates_the_announcement_and_returns(
    staff_client, session, make_subscription, organizer
):
    for n in range(3):
        make_subscription(f"reader{n}@example.org")
    make_subscription("pending@example.org", status=SubscriptionStatus.PENDING)
    key = uuid.uuid4()
    data = {"subject": "Come read with us", "request_key": key, "send": "1"}
    response = staff_client.post(_announce_url(session), data)
    announcement = Announcement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/meetups/announcement/{announcement.pk}/change/"
    assert (announcement.subject, announcement.created_by, announcement.kind) == (
        "Come read with us",
        organizer,
        AnnouncementKind.ANNOUNCEMENT,
    )
    assert announcement.deliveries.count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == [f"reader{n}@example.org" for n in range(3)]

    # The same form again (a double click) announces nothing more.
    again = staff_client.post(_announce_url(session), data, follow=True)
    assert "already sent" in again.content.decode()
    assert Announcement.objects.count() == 1 and len(mail.outbox) == 3

    page = staff_client.get(response["Location"]).content.decode()
    assert "3 sent" in page and "0 failed" in page


def _send_button(html: str) -> str:
    return re.search(r'<input type="submit" name="send"[^>]*>', html).group(0)


def test_once_announced_the_send_button_is_disabled_until_asked_again(
    staff_client, session, make_subscription
):
    make_subscription("ada@example.org")
    data = {"subject": "Come read with us", "request_key": uuid.uuid4(), "send": "1"}
    staff_client.post(_announce_url(session), data)
    assert len(mail.outbox) == 1

    page = staff_client.get(_announce_url(session)).content.decode()
    assert "disabled" in _send_button(page)
    assert "Already announced" in page
    # Ticking the box and updating the preview is what enables it again.
    asked = staff_client.post(
        _announce_url(session),
        {"subject": "Again", "request_key": uuid.uuid4(), "preview": "1", "send_again": "on"},
    ).content.decode()
    assert "disabled" not in _send_button(asked)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("problem", ["unpublished", "nobody"])
def test_announcing_needs_a_published_session_and_subscribers(
    staff_client, make_session, make_subscription, problem
):
    session = make_session(number=21, published=problem != "unpublished")
    if problem != "nobody":
        make_subscription("ada@example.org")
    response = staff_client.post(
        _announce_url(session),
        {"subject": "x", "request_key": uuid.uuid4(), "send": "1"},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Only a published session" in html
        if problem == "unpublished"
        else "no confirmed subscribers" in html
    )
    assert not Announcement.objects.exists() and not mail.outbox


@pytest.mark.parametrize(
    "data",
    [
        {"subject": "", "request_key": "x", "send": "1"},
        {"subject": "x\x00", "send": "1"},
        {"subject": "x" * 300, "request_key": str(uuid.uuid4()), "send": "1"},
    ],
    ids=["empty", "nul", "too-long"],
)
def test_a_bad_announce_form_is_shown_again_with_errors(
    staff_client, session, make_subscription, data
):
    make_subscription("ada@example.org")
    response = staff_client.post(_announce_url(session), data)
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not Announcement.objects.exists()


def test_announce_needs_staff_and_a_real_session(staff_client, session):
    from django.test import Client

    response = Client().get(_announce_url(session))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert staff_client.get("/admin/meetups/session/999999/announce/").status_code == 302


# --- subscribers and deliveries --------------------------------------------------------------


def test_subscribers_are_listed_per_series_and_filtered_by_state(
    staff_client, series, make_series, make_subscription
):
    other = make_series(name="Databases", slug="databases")
    make_subscription("ada@example.org")
    make_subscription("bob@example.org", status=SubscriptionStatus.PENDING)
    make_subscription("cy@example.org", status=SubscriptionStatus.UNSUBSCRIBED)
    make_subscription("dee@example.org", of=other)

    series_list = staff_client.get("/admin/meetups/series/").content.decode()
    assert f'?series__id__exact={series.pk}&amp;status__exact=confirmed">1 confirmed' in series_list
    for status, expected in [("confirmed", "ada"), ("pending", "bob"), ("unsubscribed", "cy")]:
        html = staff_client.get(
            f"/admin/meetups/subscription/?series__id__exact={series.pk}&status__exact={status}"
        ).content.decode()
        shown = set(re.findall(r"(\w+)@example\.org", html))
        assert shown == {expected}, status


def test_subscriber_list_costs_the_same_for_one_and_many(
    staff_client, make_subscription, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_subscription("one@example.org")
    with CaptureQueriesContext(connection) as one:
        staff_client.get("/admin/meetups/subscription/")
    for n in range(30):
        make_subscription(f"many{n}@example.org")
    with django_assert_num_queries(len(one.captured_queries)):
        staff_client.get("/admin/meetups/subscription/")


def test_subscribers_export_as_csv_safely(staff_client, series, make_subscription):
    subscriptions = [make_subscription("ada@example.org"), make_subscription("=cmd@example.org")]
    response = staff_client.post(
        "/admin/meetups/subscription/",
        {"action": "export_csv", "_selected_action": [s.pk for s in subscriptions]},
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="subscribers-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["email", "series", "status", "subscribed", "confirmed", "unsubscribed"]
    assert sorted(row[0] for row in rows[1:]) == ["'=cmd@example.org", "ada@example.org"]
    assert {row[1] for row in rows[1:]} == {"Distributed Systems Paper Club"}


def test_deliveries_of_an_announcement_show_status_and_error(
    staff_client, session, make_subscription, django_assert_num_queries
):
    from meetups.services import announcement_create

    for n in range(3):
        make_subscription(f"reader{n}@example.org")
    announcement = announcement_create(session=session)
    Delivery.objects.filter(subscription__email="reader1@example.org").update(
        status=DeliveryStatus.FAILED, last_error="550 5.1.1 No such mailbox"
    )
    page = staff_client.get(
        f"/admin/meetups/announcement/{announcement.pk}/change/"
    ).content.decode()
    assert "2 sent" in page and "1 failed" in page
    assert "reader1@example.org: 550 5.1.1 No such mailbox" in page
    listing = staff_client.get(
        f"/admin/meetups/delivery/?announcement__id__exact={announcement.pk}&status__exact=failed"
    ).content.decode()
    assert "reader1@example.org" in listing and "550 5.1.1" in listing and "reader0" not in listing
    announcements = staff_client.get("/admin/meetups/announcement/").content.decode()
    assert announcement.subject in announcements


def test_resume_action_sends_only_what_is_pending(staff_client, session, make_subscription):
    from meetups.services import announcement_create

    for n in range(2):
        make_subscription(f"reader{n}@example.org")
    announcement = announcement_create(session=session)
    Delivery.objects.filter(subscription__email="reader1@example.org").update(
        status=DeliveryStatus.PENDING
    )
    Announcement.objects.filter(pk=announcement.pk).update(status="sending")
    mail.outbox.clear()
    staff_client.post(
        "/admin/meetups/announcement/",
        {"action": "resume_sending", "_selected_action": [announcement.pk]},
    )
    assert [m.to for m in mail.outbox] == [["reader1@example.org"]]


# --- reminders ------------------------------------------------------------------------------------


def test_reminders_go_once_to_sessions_within_their_series_window(
    series, make_series, make_session, make_subscription
):
    series.remind_hours_before = 24
    series.save()
    make_subscription("ada@example.org")
    soon = make_session(number=30, starts_at=timezone.now() + timedelta(hours=20))
    make_session(number=31, starts_at=timezone.now() + timedelta(hours=30))  # not yet
    cancelled = make_session(number=32, starts_at=timezone.now() + timedelta(hours=10))
    cancelled.cancel(reason="Ill.")
    make_session(number=33, starts_at=timezone.now() + timedelta(hours=5), published=False)
    quiet = make_series(name="Quiet Club", slug="quiet")  # reminders off
    make_session(number=1, of=quiet, starts_at=timezone.now() + timedelta(hours=2))
    make_subscription("ada@example.org", of=quiet)

    out = io.StringIO()
    for _ in range(3):  # cron, every minute
        call_command("send_reminders", stdout=out)
    reminder = Announcement.objects.get()
    assert (reminder.session, reminder.kind, reminder.created_by) == (
        soon,
        AnnouncementKind.REMINDER,
        None,
    )
    assert reminder.subject.startswith("Reminder: 30th Distributed Systems Paper Club")
    (message,) = mail.outbox
    assert message.to == ["ada@example.org"] and "A reminder: we meet soon." in message.body
    assert out.getvalue().count("Reminder queued") == 1


def test_the_database_allows_one_reminder_per_session(series, make_session):
    from django.db import IntegrityError, transaction

    from meetups.services import announcement_create

    session = make_session(number=30, days=1)
    announcement_create(session=session, kind=AnnouncementKind.REMINDER, allow_empty=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        announcement_create(session=session, kind=AnnouncementKind.REMINDER, allow_empty=True)
    # Announcements (not reminders) may be sent as often as the organizer likes.
    announcement_create(session=session, allow_empty=True)
    announcement_create(session=session, allow_empty=True)


def test_series_form_has_the_reminder_setting(staff_client, series):
    html = staff_client.get(f"/admin/meetups/series/{series.pk}/change/").content.decode()
    assert 'name="remind_hours_before"' in html
