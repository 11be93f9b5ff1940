"""
RSVPs: “I'm coming” on a session page (confirmed by a link by email), straight
from an announcement's signed link, cancelling, and the first-come waitlist.

Places are given out only with the session's row locked (`select_for_update`),
inside the transaction that records the answer: of any number of confirmations
at once, each sees the places its predecessors took, so a session is never
overbooked. A cancellation promotes the first on the waitlist in the same
transaction. Emails go through the task queue, which lives in the same
database: an answer and its email commit together.

As with subscribing, the web answers the form before anything about the address
is looked up, the same page whatever its state; the worker does the rest
(`attendance_request_process`).
"""

import enum
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.tasks import TaskResultStatus
from django.utils import timezone

from meetups.enums import AttendanceStatus, SubscriptionStatus
from meetups.identifiers import normalize_email
from meetups.mailing import tokens
from meetups.mailing.rsvp import RsvpEmail, rsvp_message
from meetups.models import Attendance, Session, Subscription
from meetups.services.limits import mailbox_key, within_limit
from meetups.services.subscriptions import (
    CONFIRMATION_RESEND_AFTER,
    CONFIRMATIONS_ADDRESS_WINDOW,
    CONFIRMATIONS_PER_ADDRESS,
    SUBSCRIBE_IP_WINDOW,
    SUBSCRIBE_REQUESTS_PER_IP,
)
from meetups.tasks import process_attendance_request, send_attendance_email
from portal.worker import requeue_lost

NAME_MAX_LENGTH = Attendance._meta.get_field("name").max_length


class RsvpOutcome(enum.StrEnum):
    """What an “I'm coming” request did. The visitor sees the same page whatever it is."""

    QUEUED = "queued for the worker"
    CONFIRMATION_QUEUED = "confirmation queued"
    ALREADY_IN = "already going or waiting"
    RECENTLY_SENT = "a confirmation was sent recently"
    IP_LIMITED = "too many requests from this client"
    ADDRESS_LIMITED = "too many confirmations for this address"
    CLOSED = "RSVPs are closed"


class RsvpAnswer(enum.StrEnum):
    """What confirming, answering from an announcement, or cancelling did to an RSVP."""

    GOING = "going"
    WAITING = "waiting"
    ALREADY_GOING = "already_going"
    ALREADY_WAITING = "already_waiting"
    CANCELLED = "cancelled"
    ALREADY_CANCELLED = "already_cancelled"
    # Nothing changed for these:
    CLOSED = "closed"
    PAST = "past"
    NOT_SUBSCRIBED = "not_subscribed"
    UNKNOWN = "unknown"


# --- the request from the session page ------------------------------------------------------


def attendance_request(
    *, session: Session, email: str, name: str = "", client_ip: str, now: datetime | None = None
) -> RsvpOutcome:
    """
    “I'm coming” for `email`. What the web does, the same for every address: count
    the client's requests and queue the request for the worker. Returns QUEUED, or
    what was done when the task backend runs tasks at once (as in tests).
    """
    if not within_limit(
        f"meetups:rsvp:ip:{client_ip}", limit=SUBSCRIBE_REQUESTS_PER_IP, window=SUBSCRIBE_IP_WINDOW
    ):
        return RsvpOutcome.IP_LIMITED
    now = now or timezone.now()
    result = process_attendance_request.enqueue(
        session.pk,
        normalize_email(email),
        " ".join(name.split())[:NAME_MAX_LENGTH],
        now.isoformat(),
    )
    if result.status == TaskResultStatus.SUCCESSFUL and result.return_value != "gone":
        return RsvpOutcome(result.return_value)
    return RsvpOutcome.QUEUED


def attendance_request_process(
    *, session: Session, email: str, name: str = "", now: datetime | None = None
) -> RsvpOutcome:
    """
    The worker's part of an “I'm coming” made at `now`: one RSVP per address and
    session, pending until the address confirms it by the emailed link. Nothing is
    sent to an address already going or waiting, nor twice within a while, nor
    beyond the per-mailbox limit it shares with subscription confirmations.
    """
    now = now or timezone.now()
    if session.rsvp_closed_reason(now=now):
        return RsvpOutcome.CLOSED
    email = normalize_email(email)
    try:
        with transaction.atomic():
            attendance, _ = Attendance.objects.get_or_create(
                session=session, email=email, defaults={"name": name}
            )
    except IntegrityError:
        # A simultaneous request for the same address inserted it between our look-up and insert.
        attendance = Attendance.objects.get(session=session, email=email)
    if attendance.is_going or attendance.is_waiting:
        return RsvpOutcome.ALREADY_IN
    with transaction.atomic():
        # Of many requests at once exactly one changes the row; the others see it changed.
        changes = {"status": AttendanceStatus.PENDING, "last_confirmation_sent_at": now}
        if name:
            changes["name"] = name
        claimed = (
            Attendance.objects.filter(
                pk=attendance.pk, status__in=[AttendanceStatus.PENDING, AttendanceStatus.CANCELLED]
            )
            .filter(
                Q(last_confirmation_sent_at__isnull=True)
                | Q(last_confirmation_sent_at__lte=now - CONFIRMATION_RESEND_AFTER)
            )
            .update(**changes, updated_at=now)
        )
        if not claimed:
            return RsvpOutcome.RECENTLY_SENT
        if not within_limit(
            mailbox_key("confirmations", email),
            limit=CONFIRMATIONS_PER_ADDRESS,
            window=CONFIRMATIONS_ADDRESS_WINDOW,
        ):
            return RsvpOutcome.ADDRESS_LIMITED
        send_attendance_email.enqueue(attendance.pk, RsvpEmail.CONFIRM.value)
    return RsvpOutcome.CONFIRMATION_QUEUED


def attendance_send_email(*, attendance: Attendance, kind: str) -> bool:
    """
    Send the `kind` email of `attendance` (with its session and series), unless the
    RSVP moved on since it was queued (a confirmation of one confirmed already, a
    “you're in” to one who cancelled). Returns whether it was sent.
    """
    kind = RsvpEmail(kind)
    still_true = {
        RsvpEmail.CONFIRM: AttendanceStatus.PENDING,
        RsvpEmail.GOING: AttendanceStatus.GOING,
        RsvpEmail.PROMOTED: AttendanceStatus.GOING,
        RsvpEmail.WAITING: AttendanceStatus.WAITING,
    }[kind]
    if attendance.status != still_true:
        return False
    try:
        mailers.default.send_messages([rsvp_message(attendance, kind)])
    except Exception:
        if kind == RsvpEmail.CONFIRM:
            # Let the address ask again at once instead of waiting for the guard to lapse.
            Attendance.objects.filter(pk=attendance.pk).update(last_confirmation_sent_at=None)
        raise
    return True


# --- places and the waitlist ----------------------------------------------------------------


def _locked_session(session_id: int) -> Session:
    """The session, its row locked until the transaction ends: places are counted under it."""
    return (
        Session.objects.select_for_update(of=("self",)).select_related("series").get(pk=session_id)
    )


def _take_place(attendance: Attendance, session: Session, *, now: datetime) -> RsvpAnswer:
    """Going if a place is free and nobody waits for one, else the end of the waitlist."""
    places = session.places
    full = places is not None and (
        session.attendances.going().count() >= places or session.attendances.waiting().exists()
    )
    attendance.status = AttendanceStatus.WAITING if full else AttendanceStatus.GOING
    attendance.queued_at = now
    attendance.confirmed_at = attendance.confirmed_at or now
    attendance.cancelled_at = None
    attendance.save()
    kind = RsvpEmail.WAITING if full else RsvpEmail.GOING
    send_attendance_email.enqueue(attendance.pk, kind.value)
    return RsvpAnswer.WAITING if full else RsvpAnswer.GOING


def _fill_places(session: Session, *, now: datetime) -> list[Attendance]:
    """
    Promote the first on the waitlist into the places that are free, in queue order.
    Once the session has started or is cancelled, nobody is. Closing RSVPs takes no
    more answers but keeps the queue: those waiting had answered before.
    """
    if session.rsvp_closed_reason(now=now) in ("started", "cancelled"):
        return []
    waiting = session.attendances.waiting().select_for_update()
    places = session.places
    if places is not None:
        free = places - session.attendances.going().count()
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting)
    for attendance in promoted:
        attendance.status = AttendanceStatus.GOING
        attendance.save()
        send_attendance_email.enqueue(attendance.pk, RsvpEmail.PROMOTED.value)
    return promoted


def _locked_attendance(token: str) -> Attendance | None:
    """
    The RSVP of `token` with its session, both rows locked until the transaction
    ends (the session's first, as every writer of its places takes them); None if
    there is no such RSVP.
    """
    session_id = Attendance.objects.filter(token=token).values_list("session_id", flat=True).first()
    if session_id is None:
        return None
    session = _locked_session(session_id)
    attendance = Attendance.objects.select_for_update().filter(token=token).first()
    if attendance is not None:
        attendance.session = session
    return attendance


def _already(attendance: Attendance) -> RsvpAnswer | None:
    if attendance.is_going:
        return RsvpAnswer.ALREADY_GOING
    if attendance.is_waiting:
        return RsvpAnswer.ALREADY_WAITING
    return None


def attendance_confirm(
    *, token: str, now: datetime | None = None
) -> tuple[RsvpAnswer, Attendance | None]:
    """Confirm the pending RSVP of `token` (from its verified link): a place or the waitlist."""
    now = now or timezone.now()
    with transaction.atomic():
        attendance = _locked_attendance(token)
        if attendance is None:
            return RsvpAnswer.UNKNOWN, None
        session = attendance.session
        if already := _already(attendance):
            return already, attendance
        if attendance.is_cancelled:
            return RsvpAnswer.ALREADY_CANCELLED, attendance
        if session.rsvp_closed_reason(now=now):
            return RsvpAnswer.CLOSED, attendance
        return _take_place(attendance, session, now=now), attendance


def attendance_from_announcement(
    *, link: tokens.AnnouncedRSVP, now: datetime | None = None
) -> tuple[RsvpAnswer, Attendance | None]:
    """
    “I'm coming” from an announcement's signed link: the subscriber proved the
    address by confirming the subscription, so the RSVP is confirmed at once.
    """
    now = now or timezone.now()
    subscription = Subscription.objects.filter(pk=link.subscription_id).first()
    session = Session.objects.published().filter(pk=link.session_id).first()
    if subscription is None or session is None or session.series_id != subscription.series_id:
        return RsvpAnswer.UNKNOWN, None
    if subscription.status != SubscriptionStatus.CONFIRMED:
        return RsvpAnswer.NOT_SUBSCRIBED, None
    with transaction.atomic():
        session = _locked_session(session.pk)
        # Answers for one session wait for each other on its lock: no race on this insert.
        attendance, _ = Attendance.objects.get_or_create(session=session, email=subscription.email)
        attendance.session = session
        if already := _already(attendance):
            return already, attendance
        if session.rsvp_closed_reason(now=now):
            return RsvpAnswer.CLOSED, attendance
        return _take_place(attendance, session, now=now), attendance


def attendance_cancel(
    *, token: str, now: datetime | None = None
) -> tuple[RsvpAnswer, Attendance | None]:
    """
    Cancel the RSVP of `token`; a place it held goes to the first on the waitlist in
    the same transaction. Cancelling twice changes nothing; once the session has
    started, nothing can be cancelled any more.
    """
    now = now or timezone.now()
    with transaction.atomic():
        attendance = _locked_attendance(token)
        if attendance is None:
            return RsvpAnswer.UNKNOWN, None
        session = attendance.session
        if attendance.is_cancelled:
            return RsvpAnswer.ALREADY_CANCELLED, attendance
        if session.rsvp_closed_reason(now=now) == "started":
            return RsvpAnswer.PAST, attendance
        attendance.status = AttendanceStatus.CANCELLED
        attendance.cancelled_at = now
        attendance.save()
        _fill_places(session, now=now)
    return RsvpAnswer.CANCELLED, attendance


def attendance_fill_places(*, session: Session, now: datetime | None = None) -> list[Attendance]:
    """After the organizer raised the places: promote from the waitlist into the new ones."""
    with transaction.atomic():
        return _fill_places(_locked_session(session.pk), now=now or timezone.now())


def attendance_tasks_recover(*, now: datetime | None = None) -> int:
    """
    The worker's chore for RSVP requests and emails (see `meetups.worker`), as for
    subscriptions: a request runs again harmlessly, an email may arrive twice.
    """
    now = now or timezone.now()
    started_before = now - timedelta(seconds=settings.ANNOUNCEMENT_LEASE_SECONDS)
    return requeue_lost(
        [process_attendance_request, send_attendance_email], started_before=started_before
    )
