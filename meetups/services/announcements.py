"""
Announcing a session to its series' subscribers: a preview, a test to one
address, the announcement with its deliveries and sending task, a new run for
what is still pending, the reminders that are due, and the worker's recovery
of runs whose worker died.
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone

from meetups.enums import AnnouncementKind, AnnouncementStatus, DeliveryStatus
from meetups.identifiers import normalize_email
from meetups.mailing.content import EmailContent, announcement_content, announcement_subject
from meetups.mailing.mime import AnnouncementMailing, ListInvitation
from meetups.models import Announcement, Delivery, Series, Session, Subscription
from meetups.tasks import send_announcement
from portal.worker import abandon, keeps_task_rows, task_rows

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
        calendar=ListInvitation(session),
        session_id=session.pk,
    )
    to = normalize_email(to)
    # The organizer's own subscription gives the test working links; without one they
    # lead to the series page.
    subscription_id = (
        Subscription.objects.filter(series=session.series, email=to)
        .values_list("pk", flat=True)
        .first()
    )
    mailers.default.send_messages([mailing.message(to, subscription_id=subscription_id)])


@dataclass(frozen=True)
class Recipient:
    """
    One address an email goes to, with why: a subscription and/or an RSVP, or
    neither for an address as it stands. The run skips it when every reason it
    was given has ended (unsubscribed, RSVP cancelled).
    """

    email: str
    subscription_id: int | None = None
    attendance_id: int | None = None


def subscriber_recipients(session: Session) -> list[Recipient]:
    """The confirmed subscribers of `session`'s series, in the order they subscribed."""
    rows = session.series.subscriptions.confirmed().order_by("pk").values_list("pk", "email")
    return [Recipient(email=email, subscription_id=pk) for pk, email in rows]


def announcement_create(
    *,
    session: Session,
    subject: str = "",
    created_by=None,
    kind: str = AnnouncementKind.ANNOUNCEMENT,
    request_key: uuid.UUID | None = None,
    allow_empty: bool = False,
    content: EmailContent | None = None,
    recipients: Callable[[Session], list[Recipient]] = subscriber_recipients,
) -> Announcement:
    """
    Send an email about `session` to `recipients` (every confirmed subscriber
    of its series unless given; each address once): the announcement, one
    pending delivery per address and the background task that sends them, all
    in one transaction. `content` is the email (an announcement of the session
    unless given). Raises NothingToAnnounce, and IntegrityError for a second
    reminder or a form sent twice.
    """
    session = _announceable(session)
    subject = subject or (content.subject if content else announcement_subject(session, kind=kind))
    content = content or announcement_content(session, subject=subject, kind=kind)
    with transaction.atomic():
        unique: dict[str, Recipient] = {}
        for recipient in recipients(session):
            # One delivery per address, linked to every reason it has (subscribed, RSVP).
            email = normalize_email(recipient.email)
            seen = unique.get(email)
            unique[email] = Recipient(
                email=email,
                subscription_id=(seen and seen.subscription_id) or recipient.subscription_id,
                attendance_id=(seen and seen.attendance_id) or recipient.attendance_id,
            )
        if not unique and not allow_empty:
            raise NothingToAnnounce(
                f"{session.series} has no confirmed subscribers yet."
                if recipients is subscriber_recipients
                else "Nobody is concerned: no address would receive it."
            )
        announcement = Announcement.objects.create(
            session=session,
            kind=kind,
            subject=subject,
            body_text=content.text,
            body_html=content.html,
            created_by=created_by,
            request_key=request_key,
            run_token=uuid.uuid4(),
            sequence=session.sequence,
            session_state=session.calendar_state(),
        )
        Delivery.objects.bulk_create(
            [
                Delivery(
                    announcement=announcement,
                    email=email,
                    subscription_id=recipient.subscription_id,
                    attendance_id=recipient.attendance_id,
                )
                for email, recipient in unique.items()
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


def _sending_runs(announcement_id: int):
    """The task rows of runs of one announcement that are waiting or running."""
    return task_rows(
        send_announcement, statuses=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).filter(args_kwargs__args__0=announcement_id)


def _run_may_be_alive(row, announcement: Announcement | None, *, now: datetime) -> bool:
    """
    Whether a RUNNING row's run may still be at work: it holds the announcement's
    lease (runs renew it while they work, under their own token), or it started
    so recently that it may still be taking it.
    """
    lease = timedelta(seconds=settings.ANNOUNCEMENT_LEASE_SECONDS)
    token = row.args_kwargs["args"][1]
    holds_lease = (
        announcement is not None
        and announcement.lease_owner == token
        and announcement.lease_expires_at is not None
        and announcement.lease_expires_at > now
    )
    return holds_lease or row.started_at > now - lease


def announcement_runs_recover(*, now: datetime | None = None) -> list[Announcement]:
    """
    The worker's chore for announcements (see `meetups.worker`): close the task
    rows of sending runs whose worker died, and queue a new run for every
    announcement still sending that has no run left to continue it (its worker
    died between taking the task and handing it on). Returns those announcements.
    """
    if not keeps_task_rows(send_announcement):
        return []
    now = now or timezone.now()
    running = list(task_rows(send_announcement, statuses=[TaskResultStatus.RUNNING]))
    announcements = Announcement.objects.in_bulk({row.args_kwargs["args"][0] for row in running})
    for row in running:
        announcement = announcements.get(row.args_kwargs["args"][0])
        if not _run_may_be_alive(row, announcement, now=now):
            abandon(row, reason="its worker stopped before the run ended; another run continues")

    resumed = []
    for announcement_id in Announcement.objects.filter(
        status=AnnouncementStatus.SENDING
    ).values_list("pk", flat=True):
        with transaction.atomic():
            # Runs change the token under this lock: what is read here stays true.
            announcement = Announcement.objects.select_for_update().get(pk=announcement_id)
            if announcement.status != AnnouncementStatus.SENDING or (
                announcement.lease_expires_at and announcement.lease_expires_at > now
            ):
                continue
            token = str(announcement.run_token)
            if any(
                row.args_kwargs["args"][1] == token
                and (
                    row.status == TaskResultStatus.READY
                    or _run_may_be_alive(row, announcement, now=now)
                )
                for row in _sending_runs(announcement.pk)
            ):
                continue
            announcement.run_token = uuid.uuid4()
            announcement.save(update_fields=["run_token"])
            send_announcement.enqueue(announcement.pk, str(announcement.run_token))
        logger.warning(
            "%s had no run left to continue it (its worker died); queued a new one.",
            announcement,
            extra={"announcement": announcement.pk},
        )
        resumed.append(announcement)
    return resumed
