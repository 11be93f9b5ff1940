"""
Subscribing by email to a series: the request (double opt-in, rate limits),
its confirmation email and link, unsubscribing and subscribing again.

A subscribe request is answered before anything about the address is looked
up: the web counts the client's requests and queues the request, the same
work whether the address is new, pending, confirmed or unsubscribed, so
neither the answer nor its timing tells them apart. The worker does the rest
(`subscription_request_process`): the subscription, the resend guard, the
per-address limit and the confirmation email.
"""

import enum
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.tasks import TaskResultStatus
from django.utils import timezone

from meetups.enums import DeliveryStatus, SubscriptionStatus
from meetups.identifiers import normalize_email
from meetups.mailing import tokens
from meetups.mailing.mime import confirmation_message
from meetups.models import Delivery, Series, Subscription
from meetups.services.limits import mailbox_key, within_limit
from meetups.tasks import process_subscription_request, send_confirmation
from portal.worker import requeue_lost

# A pending address gets another confirmation email only after this long.
CONFIRMATION_RESEND_AFTER = timedelta(minutes=15)
# Rate limits, counted in the shared cache so that every app server and worker agrees.
SUBSCRIBE_REQUESTS_PER_IP = 20
SUBSCRIBE_IP_WINDOW = timedelta(hours=1)
CONFIRMATIONS_PER_ADDRESS = 3
CONFIRMATIONS_ADDRESS_WINDOW = timedelta(days=1)


class SubscribeOutcome(enum.StrEnum):
    """What a subscribe request did. The visitor sees the same page whatever it is."""

    QUEUED = "queued for the worker"
    CONFIRMATION_QUEUED = "confirmation queued"
    ALREADY_CONFIRMED = "already confirmed"
    RECENTLY_SENT = "a confirmation was sent recently"
    IP_LIMITED = "too many requests from this client"
    ADDRESS_LIMITED = "too many confirmations for this address"


def _address_key(email: str) -> str:
    """The per-address counter of confirmation emails (see `limits.mailbox_key`)."""
    return mailbox_key("confirmations", email)


def subscription_request(
    *, series: Series, email: str, client_ip: str, now: datetime | None = None
) -> SubscribeOutcome:
    """
    Ask for `email` to follow `series`. What the web does, the same for every
    address: count the client's requests and queue the request for the worker
    (`subscription_request_process`). Returns QUEUED, or what was done when the
    task backend runs tasks at once (as in tests).
    """
    if not within_limit(
        f"meetups:subscribe:ip:{client_ip}",
        limit=SUBSCRIBE_REQUESTS_PER_IP,
        window=SUBSCRIBE_IP_WINDOW,
    ):
        return SubscribeOutcome.IP_LIMITED
    now = now or timezone.now()
    result = process_subscription_request.enqueue(
        series.pk, normalize_email(email), now.isoformat()
    )
    if result.status == TaskResultStatus.SUCCESSFUL and result.return_value != "gone":
        return SubscribeOutcome(result.return_value)
    return SubscribeOutcome.QUEUED


def subscription_request_process(
    *, series: Series, email: str, now: datetime | None = None
) -> SubscribeOutcome:
    """
    The worker's part of a subscribe request made at `now`: one subscription per
    address and series, and a confirmation email (double opt-in) unless the
    address is confirmed already, one was sent recently, or it had its share of
    confirmations today. Any number of identical requests at the same moment make
    one subscription and one email; running one request again sends nothing more.
    """
    now = now or timezone.now()
    email = normalize_email(email)
    try:
        with transaction.atomic():
            subscription, _ = Subscription.objects.get_or_create(series=series, email=email)
    except IntegrityError:
        # A simultaneous request for the same address inserted it between our look-up and insert.
        subscription = Subscription.objects.get(series=series, email=email)
    if subscription.status == SubscriptionStatus.CONFIRMED:
        return SubscribeOutcome.ALREADY_CONFIRMED
    with transaction.atomic():
        # Of many requests at once exactly one changes the row; the others see it changed.
        claimed = (
            Subscription.objects.filter(pk=subscription.pk)
            .exclude(status=SubscriptionStatus.CONFIRMED)
            .filter(
                Q(last_confirmation_sent_at__isnull=True)
                | Q(last_confirmation_sent_at__lte=now - CONFIRMATION_RESEND_AFTER)
            )
            .update(last_confirmation_sent_at=now)
        )
        if not claimed:
            return SubscribeOutcome.RECENTLY_SENT
        if not within_limit(
            _address_key(email),
            limit=CONFIRMATIONS_PER_ADDRESS,
            window=CONFIRMATIONS_ADDRESS_WINDOW,
        ):
            return SubscribeOutcome.ADDRESS_LIMITED
        # The queue lives in this database: the claim and its email commit together.
        send_confirmation.enqueue(subscription.pk)
    return SubscribeOutcome.CONFIRMATION_QUEUED


def subscription_send_confirmation(*, subscription: Subscription) -> None:
    """Email the confirmation link of a subscription that is not confirmed yet."""
    if subscription.status == SubscriptionStatus.CONFIRMED:
        return
    try:
        mailers.default.send_messages([confirmation_message(subscription)])
    except Exception:
        # Let the address ask again at once instead of waiting for the guard to lapse.
        Subscription.objects.filter(pk=subscription.pk).update(last_confirmation_sent_at=None)
        raise


class ConfirmOutcome(enum.StrEnum):
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already confirmed"
    SUPERSEDED = "unsubscribed after the link was sent"
    UNKNOWN = "no such subscription"


def subscription_confirm(
    *, link: tokens.SeriesAddress, now: datetime | None = None
) -> tuple[ConfirmOutcome, Subscription | None]:
    """Confirm the subscription a (verified) confirmation link stands for."""
    now = now or timezone.now()
    subscription = (
        Subscription.objects.select_related("series")
        .filter(series_id=link.series_id, email=link.email)
        .first()
    )
    if subscription is None:
        return ConfirmOutcome.UNKNOWN, None
    # A link mailed before the address unsubscribed must not bring it back.
    stale = Q(unsubscribed_at__isnull=False)
    if link.issued_at is not None:
        stale &= Q(unsubscribed_at__gt=link.issued_at)
    changed = (
        Subscription.objects.filter(pk=subscription.pk)
        .exclude(status=SubscriptionStatus.CONFIRMED)
        .exclude(stale)
        .update(
            status=SubscriptionStatus.CONFIRMED,
            confirmed_at=now,
            unsubscribed_at=None,
            updated_at=now,
        )
    )
    subscription.refresh_from_db()
    if changed:
        return ConfirmOutcome.CONFIRMED, subscription
    if subscription.status == SubscriptionStatus.CONFIRMED:
        return ConfirmOutcome.ALREADY_CONFIRMED, subscription
    return ConfirmOutcome.SUPERSEDED, subscription


@transaction.atomic
def subscription_unsubscribe(
    *, series_id: int, email: str, now: datetime | None = None
) -> Subscription | None:
    """
    Stop announcements of one series to `email`, at once: deliveries still
    waiting in an announcement being sent are skipped. Idempotent; None when
    the address never followed the series.
    """
    now = now or timezone.now()
    subscription = (
        Subscription.objects.select_related("series")
        .filter(series_id=series_id, email=normalize_email(email))
        .first()
    )
    if subscription is None:
        return None
    if subscription.status != SubscriptionStatus.UNSUBSCRIBED:
        Subscription.objects.filter(pk=subscription.pk).update(
            status=SubscriptionStatus.UNSUBSCRIBED, unsubscribed_at=now, updated_at=now
        )
        subscription.refresh_from_db()
    Delivery.objects.filter(subscription=subscription, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SKIPPED, last_error="Unsubscribed before it was sent."
    )
    return subscription


def subscription_resubscribe(
    *, series: Series, email: str, now: datetime | None = None
) -> Subscription:
    """
    Follow `series` again from the manage page: whoever holds that link reads this
    address's mail, so no second confirmation is needed.
    """
    now = now or timezone.now()
    email = normalize_email(email)
    try:
        with transaction.atomic():
            subscription, _ = Subscription.objects.get_or_create(series=series, email=email)
    except IntegrityError:
        subscription = Subscription.objects.get(series=series, email=email)
    if subscription.status != SubscriptionStatus.CONFIRMED:
        Subscription.objects.filter(pk=subscription.pk).update(
            status=SubscriptionStatus.CONFIRMED,
            confirmed_at=now,
            unsubscribed_at=None,
            updated_at=now,
        )
        subscription.refresh_from_db()
    return subscription


def subscription_tasks_recover(*, now: datetime | None = None) -> int:
    """
    The worker's chore for subscribe requests and confirmation emails (see
    `meetups.worker`): a task still RUNNING a lease after it started (they take
    seconds) lost its worker. Close its row and queue it again: a request runs
    again harmlessly, a confirmation may reach the address twice. Returns how
    many were queued again.
    """
    now = now or timezone.now()
    started_before = now - timedelta(seconds=settings.ANNOUNCEMENT_LEASE_SECONDS)
    return requeue_lost(
        [process_subscription_request, send_confirmation], started_before=started_before
    )
