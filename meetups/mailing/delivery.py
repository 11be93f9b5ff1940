"""
Sending an announcement: the body of the background task.

The delivery guarantee. Every subscriber who is confirmed when an announcement
is sent gets it, and nobody is skipped: a delivery is marked sent only after
the mail server has accepted it (its 250 after DATA). A message goes out twice
only when a run is cut off between that 250 and the record of it, or when the
250 never arrives:

- the worker process dies (killed, machine lost) with a message in flight:
  at most that one message, once per death;
- the connection to the mail server breaks after the message was handed over
  but before the server's 250 came back (a cut, a time-out): the server may
  have kept it, and it is sent again later.

A lost database connection sends nothing twice: the run remembers the message
the server accepted and records it on a fresh connection. Each copy of a
message carries the same Message-ID, derived from its delivery row
(`message_id()`), so mail clients and many servers drop a second copy.

Who is to blame for a failure, and so what is counted, is told in `meetups.mailing.faults`.

A run claims the announcement with a lease (renewed while it works), sends
every due pending delivery over one reused SMTP connection, and marks each one
sent as soon as the server has accepted it. Before it sends anything a run
queues its successor for the moment its lease would run out: if the worker
dies, that successor takes over; if the run ends normally, it hands over to
the right next run (a retry, or none) and the earlier successor stops at once,
because only the run holding the announcement's current `run_token` may
continue. A run whose task row was lost with its worker is noticed by the
worker's chore (`announcement_runs_recover`), which queues a new one.
"""

import logging
import smtplib
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import mailers
from django.core.mail.utils import DNS_NAME
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Count, F, Min
from django.utils import timezone

from meetups.calendars import attendee_partstat
from meetups.enums import (
    AnnouncementStatus,
    AttendanceStatus,
    DeliveryStatus,
    SubscriptionStatus,
)
from meetups.mailing.content import EmailContent
from meetups.mailing.faults import SendError, ServerUnavailable, ServerUnreachable, classify
from meetups.mailing.mime import AnnouncementMailing, ListInvitation
from meetups.models import Announcement, Delivery, Session
from meetups.tasks import send_announcement

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
LONGEST_RETRY_DELAY = timedelta(hours=2)
# What a lost or broken database connection raises; a run recovers from them.
CONNECTION_ERRORS = (OperationalError, InterfaceError)


def lease_duration() -> timedelta:
    return timedelta(seconds=settings.ANNOUNCEMENT_LEASE_SECONDS)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th temporary failure: the first delay, doubled each time."""
    delay = timedelta(seconds=settings.ANNOUNCEMENT_RETRY_SECONDS) * 2 ** max(attempts - 1, 0)
    return min(delay, LONGEST_RETRY_DELAY)


def message_id(*, announcement: Announcement, delivery_id: int) -> str:
    """
    The Message-ID of one delivery, the same each time it is sent: a copy sent
    again is recognisably the same message. The announcement's creation time
    keeps it unique even if a database were started afresh and ids reused; the
    site's host (not the sending machine's) keeps it the same whichever worker
    sends it.
    """
    host = urlsplit(settings.SITE_URL).hostname or DNS_NAME.get_fqdn()
    created = announcement.created_at.astimezone(UTC).strftime("%Y%m%d%H%M%S%f")
    return f"<delivery-{delivery_id}.announcement-{announcement.pk}.{created}@{host}>"


@dataclass
class RunReport:
    result: str = "done"
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    skipped: int = 0
    connections: int = 0


# --- the run's claim on the announcement --------------------------------------------------


def _schedule(announcement: Announcement, *, at: datetime, outages: int = 0) -> None:
    """
    Make a new run, starting at `at`, the only one allowed to continue (the caller
    saves `run_token` in the same transaction). `outages`: how many runs in a row
    found the mail server unavailable.
    """
    announcement.run_token = uuid.uuid4()
    if not send_announcement.get_backend().supports_defer:
        # A backend that cannot wait (the immediate one in tests) would run it right now,
        # inside this run; the organizer's "resume" or the next run picks it up instead.
        logger.info("Task backend cannot run later; %s waits to be resumed.", announcement)
        return
    send_announcement.using(run_after=at).enqueue(
        announcement.pk, str(announcement.run_token), outages=outages
    )


def _acquire(announcement_id: int, run_token: str, *, outages: int) -> str:
    """Take the lease, its holder named by this run's token (the worker's chore reads it)."""
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
            _schedule(
                announcement,
                at=announcement.lease_expires_at + timedelta(seconds=1),
                outages=outages,
            )
            announcement.save(update_fields=["run_token"])
            return "busy"
        announcement.lease_owner = run_token
        announcement.lease_expires_at = now + lease_duration()
        # The successor that takes over should this worker die from here on.
        _schedule(
            announcement, at=announcement.lease_expires_at + timedelta(seconds=1), outages=outages
        )
        announcement.save(update_fields=["lease_owner", "lease_expires_at", "run_token"])
    return "acquired"


def _renew(announcement_id: int, owner: str) -> bool:
    return bool(
        Announcement.objects.filter(pk=announcement_id, lease_owner=owner).update(
            lease_expires_at=timezone.now() + lease_duration()
        )
    )


def _release(
    announcement_id: int, owner: str, *, not_before: datetime | None, outages: int
) -> None:
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
            at = max(pending["next_at"], not_before or now, now)
            _schedule(announcement, at=at, outages=outages)
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
    """
    The mailer with one connection, opened on first use and again after it is
    lost. Opening includes the greeting (EHLO), so that a server that refuses to
    talk is found unreachable before any message is blamed for it.
    """

    def __init__(self, report: RunReport):
        self.report = report
        self.mailer = None

    def send(self, message) -> None:
        if self.mailer is None:
            mailer = mailers.default
            try:
                opened = mailer.open()
                smtp = getattr(mailer, "connection", None)  # file and memory mailers have none
                if isinstance(smtp, smtplib.SMTP):
                    smtp.ehlo_or_helo_if_needed()
            except (smtplib.SMTPException, OSError) as error:
                self._close(mailer)
                raise ServerUnreachable(f"{type(error).__name__}: {error}") from error
            if opened:
                self.report.connections += 1
            self.mailer = mailer
        self.mailer.send_messages([message])

    def drop(self) -> None:
        if self.mailer is not None:
            self._close(self.mailer)
            self.mailer = None

    @staticmethod
    def _close(mailer) -> None:
        try:
            mailer.close()
        except Exception:  # noqa: BLE001 - it is being thrown away anyway
            logger.debug("Closing a broken mail connection failed.", exc_info=True)


def _no_longer_concerned(subscription_status: str | None, rsvp_status: str | None) -> str:
    """
    Why a delivery is no longer wanted, or "": it was on the list for a
    subscription and/or an RSVP (None where it was not), and every one has ended.
    """
    reasons = []
    if subscription_status is not None:
        if subscription_status == SubscriptionStatus.CONFIRMED:
            return ""
        reasons.append("Unsubscribed before sending.")
    if rsvp_status is not None:
        if rsvp_status in (AttendanceStatus.GOING, AttendanceStatus.WAITING):
            return ""
        reasons.append("RSVP cancelled before sending.")
    return " ".join(reasons)


@dataclass
class _InFlight:
    """A delivery the mail server has accepted whose record is not written yet."""

    accepted: int | None = None


def _send_due(
    announcement: Announcement, owner: str, report: RunReport, in_flight: _InFlight
) -> None:
    """
    Send every due pending delivery once. Raises ServerUnavailable when the mail
    server takes no message now.
    """
    session = Session.objects.for_display().get(pk=announcement.session_id)
    series = session.series
    mailing = AnnouncementMailing(
        content=EmailContent(
            subject=announcement.subject, text=announcement.body_text, html=announcement.body_html
        ),
        series=series,
        calendar=ListInvitation(session),
        session_id=session.pk,
    )
    started = timezone.now()
    renew_every = lease_duration().total_seconds() / 4
    last_renewal = time.monotonic()
    connection_ = _Connection(report)
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
                .values_list(
                    "pk",
                    "attempts",
                    "email",
                    "subscription_id",
                    "subscription__status",
                    "attendance_id",
                    "attendance__token",
                    "attendance__status",
                )[:BATCH_SIZE]
            )
            if not batch:
                return
            for (
                delivery_id,
                attempts,
                address,
                subscription_id,
                subscription_status,
                attendance_id,
                attendance_token,
                rsvp_status,
            ) in batch:
                cursor = delivery_id
                if time.monotonic() - last_renewal > renew_every:
                    if not _renew(announcement.pk, owner):
                        report.result = "lease lost"
                        return
                    last_renewal = time.monotonic()
                reason = _no_longer_concerned(subscription_status, rsvp_status)
                if reason:
                    Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
                        status=DeliveryStatus.SKIPPED, last_error=reason
                    )
                    report.skipped += 1
                    continue
                message = mailing.message(
                    address,
                    subscription_id=subscription_id,
                    attendance_id=attendance_id,
                    attendance_token=attendance_token or "",
                    message_id=message_id(announcement=announcement, delivery_id=delivery_id),
                    partstat=attendee_partstat(rsvp_status),
                )
                try:
                    connection_.send(message)
                except Exception as exception:  # noqa: BLE001 - each kind is recorded below
                    error = classify(exception)
                    if error.unexpected:
                        logger.exception("Unexpected error sending delivery %s", delivery_id)
                    if error.connection_lost:
                        connection_.drop()
                    if error.server_unavailable:
                        # Nobody can be sent anything now: stop, and come back later.
                        raise ServerUnavailable(error.reason) from exception
                    status = _mark_failed(delivery_id, attempts, error)
                    if status == DeliveryStatus.FAILED:
                        report.failed += 1
                    else:
                        report.deferred += 1
                    continue
                # Accepted by the server: record it before anything else can go wrong.
                in_flight.accepted = delivery_id
                _mark_sent(delivery_id)
                in_flight.accepted = None
                report.sent += 1
    finally:
        connection_.drop()


def _reconnect(error: Exception) -> None:
    """
    After the database connection was lost: close it, so that the next query
    opens a new one. Inside a transaction (not in the worker, which runs tasks
    outside any) there is nothing safe to do but let the error out.
    """
    if connection.in_atomic_block:
        raise error
    connection.close()


def run(*, announcement_id: int, run_token: str, outages: int = 0) -> dict:
    """
    One run of the sending task; returns what it did. `outages`: how many runs
    before this one in a row found the mail server unavailable.
    """
    report = RunReport()
    outcome = _acquire(announcement_id, run_token, outages=outages)
    if outcome != "acquired":
        report.result = outcome
        return asdict(report)
    not_before = None
    outages_now = 0
    in_flight = _InFlight()
    try:
        announcement = Announcement.objects.get(pk=announcement_id)
        _send_due(announcement, run_token, report, in_flight)
    except ServerUnavailable as pause:
        outages_now = outages + 1
        not_before = timezone.now() + retry_delay(outages_now)
        report.result = "mail server unavailable"
        logger.warning(
            "Announcement %s: the mail server takes no message (%s); outage %s in a row, "
            "sending again in %s.",
            announcement_id,
            pause,
            outages_now,
            retry_delay(outages_now),
            extra={"announcement": announcement_id},
        )
    except CONNECTION_ERRORS as error:
        _reconnect(error)
        report.result = "database connection lost"
        logger.warning(
            "Announcement %s: the database connection was lost (%s); handing over to a new run.",
            announcement_id,
            error,
            extra={"announcement": announcement_id},
        )
        if in_flight.accepted is not None:
            # The server has it: record it now rather than send it again.
            _mark_sent(in_flight.accepted)
            report.sent += 1
    finally:
        _release(announcement_id, run_token, not_before=not_before, outages=outages_now)
    logger.info(
        "Announcement %s: %s", announcement_id, report, extra={"announcement": announcement_id}
    )
    return asdict(report)
