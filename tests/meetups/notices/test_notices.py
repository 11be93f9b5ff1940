"""
Change and cancellation notices: who gets one (each concerned address once),
what it says, and the invitation it carries, through the real SMTP server.
"""

from datetime import timedelta

import pytest
from icalendar import Calendar

from meetups.enums import AnnouncementKind, AttendanceStatus, DeliveryStatus
from meetups.models import Announcement, Session
from meetups.services import (
    NothingToNotify,
    NoticeAlreadySent,
    announcement_create,
    notice_create,
    notice_draft,
)


@pytest.fixture
def session(make_session):
    return make_session(number=20, title="DHT security", days=5, papers=1, venue_name="Room 3.14")


@pytest.fixture
def concerned(session, make_subscription, make_attendance):
    """Two subscribers (one also coming), one coming and one waiting without a subscription."""
    make_subscription("ada@example.org")
    make_subscription("grace@example.org")
    make_attendance(session, "grace@example.org")
    make_attendance(session, "lin@example.org")
    make_attendance(session, "kay@example.org", status=AttendanceStatus.WAITING)
    make_attendance(session, "gone@example.org", status=AttendanceStatus.CANCELLED)
    make_attendance(session, "unconfirmed@example.org", status=AttendanceStatus.PENDING)
    return ["ada@example.org", "grace@example.org", "kay@example.org", "lin@example.org"]


def _invitation(message):
    (attachment,) = message.iter_attachments()
    calendar = Calendar.from_ical(attachment.get_content())
    (event,) = calendar.walk("VEVENT")
    return attachment, calendar, event


def _move(session, **delta):
    session = Session.objects.get(pk=session.pk)
    session.starts_at += timedelta(**delta)
    session.ends_at += timedelta(**delta)
    session.save()
    return session


def test_a_moved_session_sends_one_notice_per_concerned_address_with_a_newer_invitation(
    immediate_tasks, smtp_server, session, concerned
):
    announcement = announcement_create(session=session)
    sink = smtp_server.handler
    (announced,) = [m for m in sink.messages if m["To"] == "ada@example.org"]
    _, _, announced_event = _invitation(announced)
    before = Session.objects.get(pk=session.pk)

    moved = _move(session, hours=1)
    notice = notice_create(session=moved)

    assert notice.kind == AnnouncementKind.CHANGE
    notices = [m for m in sink.messages if m["Subject"].startswith("Changed:")]
    assert sorted(m["To"] for m in notices) == concerned  # each address once
    for message in notices:
        attachment, calendar, event = _invitation(message)
        assert attachment.get_param("method") == "REQUEST"
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == str(announced_event["UID"]) == str(session.uid)
        assert int(event["SEQUENCE"]) > int(announced_event["SEQUENCE"])
        assert event.decoded("DTSTART") == moved.local_start.replace(microsecond=0)
        assert str(event["ATTENDEE"]) == f"mailto:{message['To']}"
        text = message.get_body(("plain",)).get_content()
        # Old and new, in the series' time zone with its label.
        assert f"was  {before.when_text}" in text and f"now  {moved.when_text}" in text
        assert "(Europe/Berlin)" in text
    partstats = {m["To"]: _invitation(m)[2]["ATTENDEE"].params["PARTSTAT"] for m in notices}
    assert partstats == {
        "ada@example.org": "NEEDS-ACTION",
        "grace@example.org": "ACCEPTED",
        "lin@example.org": "ACCEPTED",
        "kay@example.org": "TENTATIVE",
    }
    grace = notice.deliveries.get(email="grace@example.org")
    assert grace.subscription is not None and grace.attendance is not None
    assert set(notice.deliveries.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert announcement.sequence < notice.sequence


def test_a_cancelled_session_sends_a_cancel(immediate_tasks, smtp_server, session, concerned):
    announcement_create(session=session)
    session.cancel(reason="The room is flooded.")

    notice = notice_create(session=session)

    assert notice.kind == AnnouncementKind.CANCELLATION
    notices = [m for m in smtp_server.handler.messages if m["Subject"].startswith("Cancelled:")]
    assert sorted(m["To"] for m in notices) == concerned
    attachment, calendar, event = _invitation(notices[0])
    assert attachment.get_param("method") == "CANCEL"
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == str(session.uid)
    assert "The room is flooded." in notices[0].get_body(("plain",)).get_content()


def test_a_second_notice_is_offered_only_after_a_new_change(
    immediate_tasks, smtp_server, session, concerned
):
    announcement_create(session=session)
    with pytest.raises(NothingToNotify, match="Nothing that calendars show"):
        notice_draft(session=session)
    session.description = "Only the text changed."
    session.save()
    with pytest.raises(NothingToNotify):
        notice_draft(session=session)

    first = _move(session, hours=1)
    notice_create(session=first)
    with pytest.raises(NothingToNotify):
        notice_draft(session=first)

    second = _move(first, days=1)
    draft = notice_draft(session=second)
    # "Was" is what the first notice told, not the first announcement.
    assert draft.changes == [("When", first.when_text, second.when_text)]
    assert draft.recipient_count == len(concerned)

    back = _move(second, days=-1)
    with pytest.raises(NothingToNotify):  # moved and moved back: nothing to tell
        notice_draft(session=back)


def test_no_notice_for_an_unpublished_session(immediate_tasks, session, concerned):
    announcement_create(session=session)
    session = _move(session, hours=1)
    session.published_at = None
    session.save()
    with pytest.raises(NothingToNotify, match="published"):
        notice_create(session=session)
    assert not Announcement.objects.exclude(kind=AnnouncementKind.ANNOUNCEMENT).exists()


def test_rsvps_alone_make_a_session_concerned(
    immediate_tasks, smtp_server, make_session, make_attendance
):
    session = make_session(number=21, days=9)
    make_attendance(session, "lin@example.org")
    with pytest.raises(NothingToNotify):
        notice_draft(session=session)
    moved = _move(session, hours=2)
    draft = notice_draft(session=moved)
    # Never announced: the notice says what is true now.
    assert ("When", "", moved.when_text) in draft.changes
    notice_create(session=moved)
    assert smtp_server.handler.recipients() == ["lin@example.org"]


def test_the_same_notice_form_sent_twice_notifies_once(
    immediate_tasks, smtp_server, session, concerned
):
    import uuid

    announcement_create(session=session)
    moved = _move(session, hours=1)
    key = uuid.uuid4()
    notice_create(session=moved, request_key=key)
    with pytest.raises(NoticeAlreadySent):
        notice_create(session=moved, request_key=key)
    assert Announcement.objects.filter(kind=AnnouncementKind.CHANGE).count() == 1


def test_a_notice_skips_only_those_with_no_reason_left_when_their_turn_comes(
    smtp_server, session, make_subscription, make_attendance, series
):
    from meetups.models import Attendance, Subscription
    from meetups.tasks import send_announcement

    make_subscription("ada@example.org")  # unsubscribes, still coming: gets it
    make_attendance(session, "ada@example.org")
    make_subscription("grace@example.org")  # unsubscribes, not coming: skipped
    make_attendance(session, "lin@example.org")  # cancels the RSVP: skipped
    make_subscription("kay@example.org")  # cancels the RSVP, still subscribed: gets it
    make_attendance(session, "kay@example.org")
    moved = _move(session, hours=1)

    notice = notice_create(session=moved)  # database task backend: not sent yet
    Subscription.objects.filter(email__in=["ada@example.org", "grace@example.org"]).update(
        status="unsubscribed"
    )
    Attendance.objects.filter(email__in=["lin@example.org", "kay@example.org"]).update(
        status=AttendanceStatus.CANCELLED
    )
    send_announcement.call(notice.pk, str(notice.run_token))

    assert sorted(smtp_server.handler.recipients()) == ["ada@example.org", "kay@example.org"]
    skipped = dict(
        notice.deliveries.filter(status=DeliveryStatus.SKIPPED).values_list("email", "last_error")
    )
    assert skipped == {
        "grace@example.org": "Unsubscribed before sending.",
        "lin@example.org": "RSVP cancelled before sending.",
    }
