"""
Announcing a session to its series' subscribers: a preview, a test to one
address, the announcement with its deliveries and sending task, a new run for
what is still pending, and the reminders that are due.
"""

import logging
import uuid
from datetime import datetime, timedelta

from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.utils import timezone

from meetups.enums import AnnouncementKind, DeliveryStatus
from meetups.identifiers import normalize_email
from meetups.mailing.content import EmailContent, announcement_content, announcement_subject
from meetups.mailing.mime import AnnouncementMailing, calendar_attachment
from meetups.models import Announcement, Delivery, Series, Session
from meetups.tasks import send_announcement

logger = logging.getLogger(__name__)


class NothingToAnnounce(Exception):
    """The session cannot be announced (not published, or nobody to send it to)."""


def _announceable(session: Session) -> Session:
    session = Session.objects.for_display().get(pk=session.pk)
    if not session.is_published():
        raise NothingToAnnounce(
            "Only a published session can be announced: subscribers would follow its link."
        )
    return session


def announcement_preview(
    *, session: Session, subject: str = "", kind: str = AnnouncementKind.ANNOUNCEMENT
) -> EmailContent:
    """What subscribers would get (with placeholders for their own links)."""
    session = Session.objects.for_display().get(pk=session.pk)
    subject = subject or announcement_subject(session, kind=kind)
    return announcement_content(session, subject=subject, kind=kind)


def announcement_send_test(*, session: Session, subject: str, to: str) -> None:
    """Send the announcement to one address now (the organizer's own), outside any list."""
    session = Session.objects.for_display().get(pk=session.pk)
    mailing = AnnouncementMailing(
        content=announcement_content(session, subject=f"[Test] {subject}"),
        series=session.series,
        calendar=calendar_attachment(session),
    )
    mailers.default.send_messages([mailing.message(normalize_email(to))])


def announcement_create(
    *,
    session: Session,
    subject: str = "",
    created_by=None,
    kind: str = AnnouncementKind.ANNOUNCEMENT,
    request_key: uuid.UUID | None = None,
    allow_empty: bool = False,
) -> Announcement:
    """
    Announce `session` to every confirmed subscriber of its series: the
    announcement, one pending delivery per subscriber and the background task
    that sends them, all in one transaction. Raises NothingToAnnounce, and
    IntegrityError for a second reminder or a form sent twice.
    """
    session = _announceable(session)
    subject = subject or announcement_subject(session, kind=kind)
    content = announcement_content(session, subject=subject, kind=kind)
    with transaction.atomic():
        subscriber_ids = list(
            session.series.subscriptions.confirmed().order_by("pk").values_list("pk", flat=True)
        )
        if not subscriber_ids and not allow_empty:
            raise NothingToAnnounce(f"{session.series} has no confirmed subscribers yet.")
        announcement = Announcement.objects.create(
            session=session,
            kind=kind,
            subject=subject,
            body_text=content.text,
            body_html=content.html,
            created_by=created_by,
            request_key=request_key,
            run_token=uuid.uuid4(),
        )
        Delivery.objects.bulk_create(
            [
                Delivery(announcement=announcement, subscription_id=subscriber_id)
                for subscriber_id in subscriber_ids
            ],
            batch_size=1000,
        )
        # The queue lives in this database, so the announcement, its deliveries and the
        # task that sends them commit together: no announcement without its task.
        send_announcement.enqueue(announcement.pk, str(announcement.run_token))
    return announcement


def announcement_resume(*, announcement: Announcement) -> bool:
    """
    Queue a new run that sends what is still pending (never what was sent);
    False when nothing is left. Runs queued before this one stop on their own.
    """
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if not announcement.deliveries.filter(status=DeliveryStatus.PENDING).exists():
            return False
        announcement.run_token = uuid.uuid4()
        announcement.save(update_fields=["run_token"])
        send_announcement.enqueue(announcement.pk, str(announcement.run_token))
    return True


def reminders_send_due(*, now: datetime | None = None) -> list[Announcement]:
    """
    A reminder for every published, not cancelled session that starts within its
    series' “remind N hours before”, unless it has one already. The database
    allows one reminder per session, so overlapping runs cannot send two.
    """
    now = now or timezone.now()
    created = []
    for series in Series.objects.filter(remind_hours_before__gt=0):
        due = (
            Session.objects.published()
            .not_cancelled()
            .filter(
                series=series,
                starts_at__gt=now,
                starts_at__lte=now + timedelta(hours=series.remind_hours_before),
            )
            .exclude(announcements__kind=AnnouncementKind.REMINDER)
            .order_by("starts_at")
        )
        for session in due:
            try:
                created.append(
                    announcement_create(
                        session=session, kind=AnnouncementKind.REMINDER, allow_empty=True
                    )
                )
            except IntegrityError:
                logger.info("The %s was reminded of by another run meanwhile.", session)
    return created
