"""Notices through the real worker and SMTP server: killed mid-way, it resumes and skips nobody."""

from collections import Counter
from datetime import timedelta

from icalendar import Calendar

from meetups.enums import AnnouncementKind, AnnouncementStatus, DeliveryStatus, SubscriptionStatus
from meetups.models import Announcement, Attendance, Session, Subscription
from meetups.services import announcement_create, notice_create
from tests.helpers.worker import wait_for


def _finished(announcement):
    return lambda: (
        Announcement.objects.get(pk=announcement.pk).status == AnnouncementStatus.FINISHED
    )


def test_a_worker_killed_while_sending_notices_resumes_and_skips_nobody(
    start_worker, smtp_server, make_session
):
    session = make_session(number=20, title="DHT security", days=5, papers=1)
    subscribers = [f"reader{n}@example.org" for n in range(250)]
    Subscription.objects.bulk_create(
        Subscription(series=session.series, email=address, status=SubscriptionStatus.CONFIRMED)
        for address in subscribers
    )
    # Half of those coming also subscribed: each of them gets one notice all the same.
    coming = [f"reader{n}@example.org" for n in range(0, 100, 2)]
    coming += [f"guest{n}@example.org" for n in range(50)]
    Attendance.objects.bulk_create(
        Attendance(session=session, email=address, status="going", queued_at=session.created_at)
        for address in coming
    )
    announcement = announcement_create(session=session)
    worker = start_worker()
    wait_for(_finished(announcement), timeout=60, what="the announcement")
    worker.stop()

    sink = smtp_server.handler
    announced_count = sink.count()
    session = Session.objects.get(pk=session.pk)
    announced_sequence = session.sequence
    session.starts_at += timedelta(days=1)
    session.ends_at += timedelta(days=1)
    session.save()
    notice = notice_create(session=session)
    concerned = set(subscribers) | set(coming)
    assert notice.deliveries.count() == len(concerned) == 300

    sink.delay = 0.01  # a slow server, so the kill lands in the middle
    first = start_worker()
    wait_for(lambda: sink.count() >= announced_count + 40, timeout=60, what="the first notices")
    first.kill()
    assert sink.count() < announced_count + len(concerned)
    start_worker()
    wait_for(_finished(notice), timeout=90, what="the restarted worker to finish")

    notices = [m for m in sink.messages if m["Subject"].startswith("Changed:")]
    delivered = Counter(message["To"] for message in notices)
    assert set(delivered) == concerned  # nobody skipped
    assert sum(count - 1 for count in delivered.values()) <= 1  # at most the one in flight
    assert set(notice.deliveries.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert notice.kind == AnnouncementKind.CHANGE
    (attachment,) = notices[-1].iter_attachments()
    (event,) = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert str(Calendar.from_ical(attachment.get_content())["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == str(session.uid)
    assert int(event["SEQUENCE"]) > announced_sequence
