"""
Sending an announcement: the body of the background task.

A run claims the announcement with a lease (renewed while it works), sends
every due pending delivery over one reused SMTP connection, and marks each one
sent as soon as the server has accepted it. A worker killed in the middle thus
leaves at most the message in flight unmarked; it is sent again, nothing else.

Temporary failures (4xx replies, a dropped connection, a server out of reach)
are retried later with growing delays; permanent ones (5xx) are recorded and
not retried. Before it sends anything a run queues its successor for the
moment its lease would run out: if the worker dies, that successor takes over;
if the run ends normally, it hands over to the right next run (a retry, or
none) and the earlier successor stops at once, because only the run holding
the announcement's current `run_token` may continue.
"""

import logging
import smtplib
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.db.models import Count, F, Min
from django.utils import timezone

from meetups.enums import AnnouncementStatus, DeliveryStatus, SubscriptionStatus
from meetups.mailing.content import EmailContent
from meetups.mailing.mime import AnnouncementMailing, calendar_attachment
from meetups.models import Announcement, Delivery, Session
from meetups.tasks import send_announcement

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
LONGEST_RETRY_DELAY = timedelta(hours=2)


def lease_duration() -> timedelta:
    return timedelta(seconds=settings.ANNOUNCEMENT_LEASE_SECONDS)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th temporary failure: the first delay, doubled each time."""
    delay = timedelta(seconds=settings.ANNOUNCEMENT_RETRY_SECONDS) * 2 ** max(attempts - 1, 0)
    return min(delay, LONGEST_RETRY_DELAY)


@dataclass
class RunReport:
    result: str = "done"
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    skipped: int = 0
    connections: int = 0


@dataclass(frozen=True)
class SendError:
    temporary: bool
    reason: str
    connection_lost: bool = False
    unexpected: bool = False


class ServerUnreachable(Exception):
    """No connection to the mail server could be opened."""


def classify(error: Exception) -> SendError:
    """Whether an error sending one message is worth retrying, and what to record."""
    match error:
        case smtplib.SMTPRecipientsRefused():
            # One recipient per message: its own reply decides.
            code, reply = next(iter(error.recipients.values()))
            text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
            return SendError(temporary=code < 500, reason=f"{code} {text}")
        case smtplib.SMTPServerDisconnected():
            return SendError(True, f"connection lost: {error}", connection_lost=True)
        case smtplib.SMTPResponseException():
            text = error.smtp_error
            text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
            # 421: the server closes the connection after saying so.
            return SendError(
                temporary=error.smtp_code < 500,
                reason=f"{error.smtp_code} {text}",
                connection_lost=error.smtp_code == 421,
            )
        case smtplib.SMTPException() | OSError():
            # Time-outs, resets, refused connections and other trouble on the way.
            return SendError(True, f"{type(error).__name__}: {error}", connection_lost=True)
        case ValueError():
            # An address the mail library refuses (e.g. a line break in it) stays refused.
            return SendError(False, f"invalid address: {error}")
        case ServerUnreachable():
            return SendError(True, f"mail server unreachable: {error.__cause__}", True)
    return SendError(True, f"{type(error).__name__}: {error}", True, unexpected=True)


# --- the run's claim on the announcement --------------------------------------------------


def _schedule(announcement: Announcement, *, at: datetime) -> None:
    """
    Make a new run, starting at `at`, the only one allowed to continue (the caller
    saves `run_token` in the same transaction).
    """
    announcement.run_token = uuid.uuid4()
    if not send_announcement.get_backend().supports_defer:
        # A backend that cannot wait (the immediate one in tests) would run it right now,
        # inside this run; the organizer's "resume" or the next run picks it up instead.
        logger.info("Task backend cannot run later; %s waits to be resumed.", announcement)
        return
    send_announcement.using(run_after=at).enqueue(announcement.pk, str(announcement.run_token))


def _acquire(announcement_id: int, run_token: str, owner: str) -> str:
    now = timezone.now()
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().filter(pk=announcement_id).first()
        if announcement is None:
            return "gone"
        if announcement.status == AnnouncementStatus.FINISHED:
            return "finished"
        if str(announcement.run_token) != run_token:
            return "superseded"
        if announcement.lease_expires_at and announcement.lease_expires_at > now:
            # Another worker is at it: look again when its lease would run out.
            _schedule(announcement, at=announcement.lease_expires_at + timedelta(seconds=1))
            announcement.save(update_fields=["run_token"])
            return "busy"
        announcement.lease_owner = owner
        announcement.lease_expires_at = now + lease_duration()
        # The successor that takes over should this worker die from here on.
        _schedule(announcement, at=announcement.lease_expires_at + timedelta(seconds=1))
        announcement.save(update_fields=["lease_owner", "lease_expires_at", "run_token"])
    return "acquired"


def _renew(announcement_id: int, owner: str) -> bool:
    return bool(
        Announcement.objects.filter(pk=announcement_id, lease_owner=owner).update(
            lease_expires_at=timezone.now() + lease_duration()
        )
    )


def _release(announcement_id: int, owner: str, *, not_before: datetime | None) -> None:
    """Finish the announcement, or hand it to a run at its next retry time."""
    now = timezone.now()
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().filter(pk=announcement_id).first()
        if announcement is None or announcement.lease_owner != owner:
            return  # Deleted, or taken over after this run went quiet for too long.
        pending = announcement.deliveries.filter(status=DeliveryStatus.PENDING).aggregate(
            count=Count("pk"), next_at=Min("next_attempt_at")
        )
        announcement.lease_owner = ""
        announcement.lease_expires_at = None
        if pending["count"]:
            _schedule(announcement, at=max(pending["next_at"], not_before or now, now))
        else:
            announcement.status = AnnouncementStatus.FINISHED
            announcement.finished_at = now
            announcement.run_token = None
        announcement.save(
            update_fields=["lease_owner", "lease_expires_at", "run_token", "status", "finished_at"]
        )


# --- recording each delivery ------------------------------------------------------------------


def _mark_sent(delivery_id: int) -> None:
    Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        last_error="",
    )


def _mark_failed(delivery_id: int, attempts: int, error: SendError) -> str:
    """Record a failure; return the delivery's new status."""
    attempts += 1
    fields = {"attempts": attempts, "last_error": error.reason[:2000]}
    if error.temporary and attempts < settings.ANNOUNCEMENT_MAX_ATTEMPTS:
        fields["next_attempt_at"] = timezone.now() + retry_delay(attempts)
        status = DeliveryStatus.PENDING
    else:
        if error.temporary:
            fields["last_error"] = f"Gave up after {attempts} attempts: {error.reason}"[:2000]
        status = fields["status"] = DeliveryStatus.FAILED
    Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(**fields)
    return status


# --- the run ------------------------------------------------------------------------------------


class _Connection:
    """The mailer with one connection, opened on first use and again after it is lost."""

    def __init__(self, report: RunReport):
        self.report = report
        self.mailer = None

    def send(self, message) -> None:
        if self.mailer is None:
            mailer = mailers.default
            try:
                opened = mailer.open()
            except (smtplib.SMTPException, OSError) as error:
                raise ServerUnreachable(str(error)) from error
            if opened:
                self.report.connections += 1
            self.mailer = mailer
        self.mailer.send_messages([message])

    def drop(self) -> None:
        if self.mailer is not None:
            try:
                self.mailer.close()
            except Exception:  # noqa: BLE001 - it is being thrown away anyway
                logger.debug("Closing a broken mail connection failed.", exc_info=True)
            self.mailer = None


def _send_due(announcement: Announcement, owner: str, report: RunReport) -> datetime | None:
    """Send every due pending delivery once; return the earliest moment to try again, if any."""
    session = Session.objects.for_display().get(pk=announcement.session_id)
    series = session.series
    mailing = AnnouncementMailing(
        content=EmailContent(
            subject=announcement.subject, text=announcement.body_text, html=announcement.body_html
        ),
        series=series,
        calendar=calendar_attachment(session),
    )
    started = timezone.now()
    renew_every = lease_duration().total_seconds() / 4
    last_renewal = time.monotonic()
    connection = _Connection(report)
    cursor = 0
    try:
        while True:
            batch = list(
                Delivery.objects.filter(
                    announcement_id=announcement.pk,
                    status=DeliveryStatus.PENDING,
                    next_attempt_at__lte=started,
                    pk__gt=cursor,
                )
                .order_by("pk")
                .values_list("pk", "attempts", "subscription__email", "subscription__status")[
                    :BATCH_SIZE
                ]
            )
            if not batch:
                return None
            for delivery_id, attempts, address, subscription_status in batch:
                cursor = delivery_id
                if time.monotonic() - last_renewal > renew_every:
                    if not _renew(announcement.pk, owner):
                        report.result = "lease lost"
                        return None
                    last_renewal = time.monotonic()
                if subscription_status != SubscriptionStatus.CONFIRMED:
                    Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
                        status=DeliveryStatus.SKIPPED, last_error="Unsubscribed before sending."
                    )
                    report.skipped += 1
                    continue
                try:
                    connection.send(mailing.message(address))
                except Exception as exception:  # noqa: BLE001 - each kind is recorded below
                    error = classify(exception)
                    if error.unexpected:
                        logger.exception("Unexpected error sending delivery %s", delivery_id)
                    status = _mark_failed(delivery_id, attempts, error)
                    if status == DeliveryStatus.FAILED:
                        report.failed += 1
                    else:
                        report.deferred += 1
                    if isinstance(exception, ServerUnreachable):
                        # Nobody else can be reached either: stop, and come back later.
                        report.result = "mail server unreachable"
                        return timezone.now() + retry_delay(attempts + 1)
                    if error.connection_lost:
                        connection.drop()
                    continue
                # Accepted by the server: record it before anything else can go wrong.
                _mark_sent(delivery_id)
                report.sent += 1
    finally:
        connection.drop()


def run(*, announcement_id: int, run_token: str) -> dict:
    """One run of the sending task; returns what it did."""
    owner = uuid.uuid4().hex
    report = RunReport()
    outcome = _acquire(announcement_id, run_token, owner)
    if outcome != "acquired":
        report.result = outcome
        return asdict(report)
    not_before = None
    try:
        announcement = Announcement.objects.get(pk=announcement_id)
        not_before = _send_due(announcement, owner, report)
    finally:
        _release(announcement_id, owner, not_before=not_before)
    logger.info("Announcement %s: %s", announcement_id, report)
    return asdict(report)
