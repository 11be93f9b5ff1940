"""
An RSVP through the public pages, with tasks run at once and mail kept in memory:
the form, the confirmation link, places and the waitlist, cancelling and promotion,
and every kind of bad input on the way.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from meetups import services
from meetups.enums import AttendanceStatus
from meetups.mailing import tokens
from meetups.models import Attendance
from tests.meetups.attendance.conftest import links_in, rsvp

pytestmark = pytest.mark.usefixtures("immediate_tasks")


def _page(client, session) -> str:
    return client.get(session.get_absolute_url()).content.decode()


def _confirm(client, message):
    return client.post(links_in(message)["confirm"])


def _invitation(message):
    (attachment,) = message.attachments
    return Calendar.from_ical(attachment.get_content())


def test_a_visitor_rsvps_confirms_by_email_and_gets_a_place(client, session):
    html = _page(client, session)
    assert "0 of 2 places taken." in html and "I'm coming" in html
    assert "csrfmiddlewaretoken" not in html  # the page is shared by every visitor

    response = rsvp(client, session, " Ada@Example.ORG ", name="Ada Lovelace")
    assert response.status_code == 302
    assert response["Location"] == f"/club/{session.series.slug}/21/rsvp/sent/"
    assert "Check your inbox" in client.get(response["Location"]).content.decode()
    (confirmation,) = mail.outbox
    assert confirmation.to == ["Ada@example.org"]
    assert (
        confirmation.subject
        == "Confirm your place at the 21st Distributed Systems Paper Club: DHT security"
    )
    assert {"confirm", "rsvp", "manage"} <= set(links_in(confirmation))
    # Nothing is held before the address is confirmed.
    assert "0 of 2 places taken." in _page(client, session)

    button = client.get(links_in(confirmation)["confirm"])
    assert "Yes, I'm coming" in button.content.decode()
    assert Attendance.objects.get().status == AttendanceStatus.PENDING  # a GET changes nothing
    assert "You're in" in _confirm(client, confirmation).content.decode()

    attendance = Attendance.objects.get()
    assert (attendance.status, attendance.name) == (AttendanceStatus.GOING, "Ada Lovelace")
    going = mail.outbox[-1]
    assert going.subject.startswith("You're in: 21st")
    (event,) = _invitation(going).walk("VEVENT")
    assert str(event["UID"]).startswith(str(session.uid))
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    assert "1 of 2 places taken." in _page(client, session)


def test_a_full_session_puts_the_next_on_the_waitlist_and_a_cancellation_promotes_in_order(
    client, session
):
    for email in ["a@example.org", "b@example.org", "c@example.org", "d@example.org"]:
        rsvp(client, session, email)
        _confirm(client, mail.outbox[-1])
    waiting = [m for m in mail.outbox if m.subject.startswith("On the waitlist")]
    assert [m.to for m in waiting] == [["c@example.org"], ["d@example.org"]]
    assert "position 1" in waiting[0].body and "position 2" in waiting[1].body
    assert _invitation(waiting[0]).walk("VEVENT")[0]["ATTENDEE"].params["PARTSTAT"] == "TENTATIVE"
    assert "Full: join the waitlist (2 waiting)." in _page(client, session)

    a = Attendance.objects.get(email="a@example.org")
    mail.outbox.clear()
    response = client.post(f"/club/subscriptions/rsvp/{a.token}/")
    assert "Your RSVP is cancelled" in response.content.decode()
    (promoted,) = mail.outbox
    assert promoted.to == ["c@example.org"] and promoted.subject.startswith("A place came free")
    states = dict(Attendance.objects.values_list("email", "status"))
    assert states == {
        "a@example.org": "cancelled",
        "b@example.org": "going",
        "c@example.org": "going",
        "d@example.org": "waiting",
    }
    assert Attendance.objects.get(email="d@example.org").waitlist_position() == 1
    assert "Full: join the waitlist (1 waiting)." in _page(client, session)

    # Cancelling twice changes nothing and says so.
    again = client.post(f"/club/subscriptions/rsvp/{a.token}/")
    assert "cancelled already" in again.content.decode()
    assert len(mail.outbox) == 1


def test_the_answer_is_the_same_for_every_address_and_a_repeat_sends_nothing(client, session):
    rsvp(client, session, "known@example.org")
    _confirm(client, mail.outbox[-1])
    sent = len(mail.outbox)
    answers = [
        rsvp(client, session, "known@example.org"),
        rsvp(client, session, "new@example.org"),
        rsvp(client, session, "new@example.org"),
    ]
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, f"/club/{session.series.slug}/21/rsvp/sent/")
    }
    # The going one hears nothing again, the new one gets one confirmation for two asks.
    assert [m.to for m in mail.outbox[sent:]] == [["new@example.org"]]


def test_the_honeypot_and_bad_addresses_save_nothing(client, session):
    assert rsvp(client, session, "bot@example.org", website="http://spam").status_code == 302
    response = rsvp(client, session, "not an address")
    assert (
        response.status_code == 200 and "Enter a valid email address." in response.content.decode()
    )
    response = rsvp(client, session, "a@example.org", name="x" * 500)
    assert "at most 200 characters" in response.content.decode()
    assert not Attendance.objects.exists() and not mail.outbox


def test_a_post_from_another_site_is_refused(client, session):
    response = client.post(
        f"/club/{session.series.slug}/21/rsvp/",
        {"email": "a@example.org"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rsvps_closed": True}, "RSVPs are closed."),
        ({"status": "cancelled"}, "The session is cancelled: no RSVPs."),
    ],
    ids=["closed", "cancelled"],
)
def test_a_closed_or_cancelled_session_takes_no_rsvps(client, session, change, message):
    for field, value in change.items():
        setattr(session, field, value)
    session.save()
    assert message in _page(client, session)
    response = rsvp(client, session, "a@example.org")
    assert response.status_code == 200 and message in response.content.decode()
    assert not Attendance.objects.exists() and not mail.outbox


def test_a_session_that_started_takes_no_rsvps_and_its_answers_can_no_longer_change(
    client, make_session, make_attendance
):
    started = make_session(number=3, days=0, starts_at=timezone.now() - timedelta(minutes=5))
    going = make_attendance(started, "a@example.org")
    assert "RSVPs closed when the session started." in _page(client, started)
    response = rsvp(client, started, "b@example.org")
    assert "RSVPs closed when the session started." in response.content.decode()
    response = client.post(f"/club/subscriptions/rsvp/{going.token}/")
    assert "can no longer be changed" in response.content.decode()
    assert Attendance.objects.get(pk=going.pk).status == AttendanceStatus.GOING
    past = make_session(number=2, days=-14)
    assert "I'm coming" not in _page(client, past)
    assert rsvp(client, past, "c@example.org").status_code == 200
    assert not Attendance.objects.filter(email__in=["b@example.org", "c@example.org"]).exists()


def test_a_confirmation_after_rsvps_closed_is_answered_and_holds_nothing(client, session):
    rsvp(client, session, "a@example.org")
    session.rsvps_closed = True
    session.save()
    response = _confirm(client, mail.outbox[-1])
    assert "closed RSVPs" in response.content.decode()
    assert Attendance.objects.get().status == AttendanceStatus.PENDING


def test_expired_tampered_and_unknown_links_get_a_clear_page(client, session):
    rsvp(client, session, "a@example.org")
    links = links_in(mail.outbox[-1])
    with mock.patch(
        "django.core.signing.time.time", return_value=timezone.now().timestamp() + 8 * 86400
    ):
        response = client.post(links["confirm"])
    assert response.status_code == 410 and "This link has expired" in response.content.decode()
    token = links["confirm"].rstrip("/").rsplit("/", 1)[1]
    for bad in [token[:-3] + "abc", "garbage", "a" * 500]:
        response = client.post(f"/club/subscriptions/rsvp/confirm/{bad}/")
        assert response.status_code == 400, bad
        assert "This link does not work" in response.content.decode()
    for path in [
        "/club/subscriptions/rsvp/no-such-rsvp/",
        "/club/subscriptions/rsvp/" + "x" * 300 + "/",
        "/club/subscriptions/rsvp/%00/",  # PostgreSQL refuses NUL in a query's text
    ]:
        response = client.post(path)
        assert response.status_code == 404 and "There is no such RSVP" in response.content.decode()
    # A genuine link whose RSVP the organizer deleted.
    Attendance.objects.all().delete()
    response = client.post(links["confirm"])
    assert response.status_code == 404
    # A link of another kind does not stand in.
    manage = links["manage"].rstrip("/").rsplit("/", 1)[1]
    assert client.post(f"/club/subscriptions/rsvp/confirm/{manage}/").status_code == 400


def test_a_capacity_lowered_below_those_going_keeps_their_places_and_gives_no_new_ones(
    client, session, make_attendance
):
    first, second = (make_attendance(session, f"{n}@example.org") for n in ("a", "b"))
    session.capacity = 1
    session.save()
    assert Attendance.objects.going().count() == 2
    assert "Full: join the waitlist (0 waiting)." in _page(client, session)
    rsvp(client, session, "c@example.org")
    _confirm(client, mail.outbox[-1])
    assert Attendance.objects.get(email="c@example.org").status == AttendanceStatus.WAITING

    services.attendance_cancel(token=first.token)
    assert Attendance.objects.get(email="c@example.org").status == AttendanceStatus.WAITING
    services.attendance_cancel(token=second.token)
    assert Attendance.objects.get(email="c@example.org").status == AttendanceStatus.GOING


def test_raising_the_capacity_promotes_from_the_waitlist(session, make_attendance):
    for name in "abc":
        make_attendance(session, f"{name}@example.org")
    waiting = [
        make_attendance(session, f"{n}@example.org", status=AttendanceStatus.WAITING)
        for n in ("w1", "w2")
    ]
    session.capacity = 4
    session.save()
    promoted = services.attendance_fill_places(session=session)
    assert [a.email for a in promoted] == [waiting[0].email]
    assert mail.outbox[-1].to == [waiting[0].email]


def test_an_unlimited_session_counts_who_is_coming(client, make_session, make_attendance):
    open_session = make_session(number=30, days=3)
    make_attendance(open_session, "a@example.org")
    assert "1 coming." in _page(client, open_session)


def test_the_series_default_gives_the_places_a_session_does_not_set(
    client, series, make_session, make_attendance
):
    series.default_capacity = 1
    series.save()
    default = make_session(number=31, days=3)
    make_attendance(default, "a@example.org")
    assert "Full: join the waitlist (0 waiting)." in _page(client, default)


def test_no_link_in_an_rsvp_email_shows_the_address(client, session):
    rsvp(client, session, "ada.lovelace@example.org")
    _confirm(client, mail.outbox[-1])
    for message in mail.outbox:
        for path in links_in(message).values():
            token = path.rstrip("/").rsplit("/", 1)[1]
            assert "ada" not in path.lower()
            assert (
                "ada"
                not in tokens.signing.b64_decode(token.split(":")[0].encode() + b"==")
                .decode(errors="replace")
                .lower()
            )


def test_the_session_page_costs_the_same_with_one_and_many_rsvps(
    client, session, make_attendance, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_attendance(session, "one@example.org")
    client.get(session.get_absolute_url())  # its parts rendered once: count the steady state
    with CaptureQueriesContext(connection) as one:
        assert (
            client.get(session.get_absolute_url(), HTTP_CACHE_CONTROL="no-cache").status_code == 200
        )
    for n in range(30):
        status = AttendanceStatus.GOING if n < 1 else AttendanceStatus.WAITING
        make_attendance(session, f"many-{n}@example.org", status=status)
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(session.get_absolute_url()).content.decode()
    assert "Full: join the waitlist (29 waiting)." in html
