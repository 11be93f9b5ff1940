"""
Writes with side effects for the paper club: scheduling, duplicating, importing
papers; subscribing, confirming and unsubscribing; announcing sessions.
"""

import enum
import hashlib
import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from meetups.bibtex import BibtexProblem, ParsedPaper, parse_bibtex
from meetups.enums import AnnouncementKind, DeliveryStatus, SubscriptionStatus
from meetups.identifiers import normalize_email
from meetups.mailing import tokens
from meetups.mailing.content import EmailContent, announcement_content, announcement_subject
from meetups.mailing.mime import AnnouncementMailing, calendar_attachment, confirmation_message
from meetups.models import (
    Announcement,
    Delivery,
    Paper,
    ReadingListEntry,
    Series,
    Session,
    Subscription,
)
from meetups.zones import combine

logger = logging.getLogger(__name__)

# --- scheduling -----------------------------------------------------------------------


def _first_cadence_day(series: Series, *, on_or_after: date) -> date:
    days_ahead = (series.cadence_weekday - on_or_after.weekday()) % 7
    return on_or_after + timedelta(days=days_ahead)


def next_cadence_dates(series: Series, *, count: int, now: datetime | None = None) -> list[date]:
    """
    The local dates of the series' next `count` slots after its latest session
    (keeping the rhythm, every N weeks) and after `now`; without sessions, from
    the first cadence weekday that is still ahead.
    """
    now = now or timezone.now()
    zone = series.zone
    today = now.astimezone(zone).date()
    step = timedelta(weeks=series.cadence_weeks)
    latest = series.sessions.order_by("-starts_at").first()
    if latest is None:
        candidate = _first_cadence_day(series, on_or_after=today)
    else:
        latest_day = latest.starts_at.astimezone(zone).date()
        # A session moved to another weekday does not move the rhythm.
        candidate = _first_cadence_day(series, on_or_after=latest_day - timedelta(days=6))
        while candidate <= latest_day:
            candidate += step
    while combine(candidate, series.cadence_time, zone) <= now:
        candidate += step
    return [candidate + index * step for index in range(count)]


def _lock(series: Series) -> Series:
    return Series.objects.select_for_update().get(pk=series.pk)


@transaction.atomic
def session_schedule_next(
    *, series: Series, count: int, publish: bool = True, now: datetime | None = None
) -> list[Session]:
    """
    Create the next `count` sessions of `series` from its cadence: the series'
    weekday and wall-clock time in its own zone, whatever daylight saving does
    in between (19:00 in Berlin stays 19:00 in March and October).
    """
    if count < 1:
        return []
    series = _lock(series)
    now = now or timezone.now()
    number = series.next_session_number()
    created = []
    for offset, day in enumerate(next_cadence_dates(series, count=count, now=now)):
        starts_at = combine(day, series.cadence_time, series.zone)
        session = Session(
            series=series,
            number=number + offset,
            starts_at=starts_at,
            ends_at=starts_at + series.duration,
            published_at=now if publish else None,
        )
        session.full_clean()
        session.save()
        created.append(session)
    return created


@transaction.atomic
def session_duplicate_as_next(*, session: Session, now: datetime | None = None) -> Session:
    """
    A new draft session after the series' latest one, in the next cadence slot,
    at the local time of day and with the length, topic, description, place and
    tags of `session`. The reading list and write-up start empty.
    """
    series = _lock(session.series)
    (day,) = next_cadence_dates(series, count=1, now=now)
    starts_at = combine(day, session.local_start.time(), series.zone)
    copy = Session(
        series=series,
        number=series.next_session_number(),
        title=session.title,
        starts_at=starts_at,
        ends_at=starts_at + (session.ends_at - session.starts_at),
        venue_name=session.venue_name,
        venue_address=session.venue_address,
        venue_map_url=session.venue_map_url,
        online_url=session.online_url,
        description=session.description,
    )
    copy.full_clean()
    copy.save()
    copy.tags.set(list(session.tags.all()))
    return copy


# --- reading lists --------------------------------------------------------------------


@transaction.atomic
def reading_list_add(
    *, session: Session, paper: Paper, presenter: str = "", note: str = ""
) -> ReadingListEntry:
    """Put `paper` at the end of `session`'s reading list."""
    Session.objects.select_for_update().filter(pk=session.pk).first()
    highest = session.reading_list.aggregate(highest=Max("position"))["highest"] or 0
    entry = ReadingListEntry(
        session=session, paper=paper, position=highest + 1, presenter=presenter, note=note
    )
    entry.full_clean()
    entry.save()
    return entry


@dataclass
class BibtexImportResult:
    added: list[ReadingListEntry] = field(default_factory=list)  # to the reading list
    created: list[Paper] = field(default_factory=list)  # new in the library
    reused: list[Paper] = field(default_factory=list)  # already in the library
    problems: list[BibtexProblem] = field(default_factory=list)

    @property
    def failed_text(self) -> str:
        """The BibTeX of the entries that failed, to correct and paste again."""
        return "\n\n".join(problem.raw.strip() for problem in self.problems if problem.raw)


def _existing_paper(fields: dict) -> Paper | None:
    """The library's copy of a paper: same DOI, same arXiv id, or same title and year."""
    match = Q()
    if fields["doi"]:
        match |= Q(doi__iexact=fields["doi"])
    if fields["arxiv_id"]:
        match |= Q(arxiv_id=fields["arxiv_id"])
    if not match:
        match = Q(title__iexact=fields["title"], year=fields["year"])
    return Paper.objects.filter(match).order_by("pk").first()


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        parts = []
        for name, errors in error.message_dict.items():
            label = {"doi": "DOI", "arxiv_id": "arXiv id", "url": "URL", "pdf_url": "PDF URL"}.get(
                name, name.replace("_", " ")
            )
            parts.extend(f"{label}: {message}" for message in errors)
        return " ".join(parts)
    return " ".join(error.messages)


def _import_one(*, parsed: ParsedPaper, session: Session | None, result: BibtexImportResult):
    paper = _existing_paper(parsed.fields)
    is_new = paper is None
    if is_new:
        paper = Paper(**parsed.fields)
        paper.full_clean()
        paper.save()
    entry = None
    if session is not None:
        if session.reading_list.filter(paper=paper).exists():
            raise ValueError(f"“{paper.title}” is already on this reading list.")
        entry = reading_list_add(session=session, paper=paper)
    (result.created if is_new else result.reused).append(paper)
    if entry is not None:
        result.added.append(entry)


def reading_list_import_bibtex(*, text: str, session: Session | None = None) -> BibtexImportResult:
    """
    Add the papers of pasted BibTeX to the library and, given a session, to the
    end of its reading list. A paper already in the library (same DOI or arXiv
    id) is reused, never stored twice. Each entry is saved on its own: a bad one
    is reported by its key and changes nothing, the good ones are kept.
    """
    parsed_entries, problems = parse_bibtex(text)
    result = BibtexImportResult(problems=problems)
    for parsed in parsed_entries:
        try:
            with transaction.atomic():
                _import_one(parsed=parsed, session=session, result=result)
        except ValidationError as error:
            result.problems.append(
                BibtexProblem(parsed.key, _validation_message(error), parsed.raw)
            )
        except ValueError as error:
            result.problems.append(BibtexProblem(parsed.key, str(error), parsed.raw))
        except IntegrityError:
            # Someone saved the same paper in the meantime; pasting again reuses it.
            result.problems.append(
                BibtexProblem(
                    parsed.key,
                    "it clashed with a paper saved at the same moment; paste it again.",
                    parsed.raw,
                )
            )
    return result


# --- subscriptions ----------------------------------------------------------------------------

# A pending address gets another confirmation email only after this long.
CONFIRMATION_RESEND_AFTER = timedelta(minutes=15)
# Rate limits, counted in the shared cache so that every app server agrees.
SUBSCRIBE_REQUESTS_PER_IP = 20
SUBSCRIBE_IP_WINDOW = timedelta(hours=1)
CONFIRMATIONS_PER_ADDRESS = 3
CONFIRMATIONS_ADDRESS_WINDOW = timedelta(days=1)


class SubscribeOutcome(enum.StrEnum):
    """What a subscribe request did. The visitor sees the same page whatever it is."""

    CONFIRMATION_QUEUED = "confirmation queued"
    ALREADY_CONFIRMED = "already confirmed"
    RECENTLY_SENT = "a confirmation was sent recently"
    IP_LIMITED = "too many requests from this client"
    ADDRESS_LIMITED = "too many confirmations for this address"


def _within_limit(key: str, *, limit: int, window: timedelta) -> bool:
    """
    Count one more use of `key` in the shared cache; False once more than `limit`
    uses fall in the window. add() starts a window only if none is running and
    incr() is atomic, so app servers sharing the cache count together.
    """
    seconds = int(window.total_seconds())
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:
        # The window ran out between add() and incr(): this use opens a new one.
        cache.add(key, 1, timeout=seconds)
        count = 1
    return count <= limit


def _address_key(email: str) -> str:
    # Addresses are kept out of the cache; a digest is enough to count them.
    return "meetups:confirmations:" + hashlib.sha256(email.encode()).hexdigest()


def subscription_request(
    *, series: Series, email: str, client_ip: str, now: datetime | None = None
) -> SubscribeOutcome:
    """
    Ask for `email` to follow `series`: one subscription per address and series,
    and a confirmation email (double opt-in) unless the address is confirmed
    already, one was sent recently, or a rate limit says no. Any number of
    identical requests at the same moment make one subscription and one email.
    """
    if not _within_limit(
        f"meetups:subscribe:ip:{client_ip}",
        limit=SUBSCRIBE_REQUESTS_PER_IP,
        window=SUBSCRIBE_IP_WINDOW,
    ):
        return SubscribeOutcome.IP_LIMITED
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
    from meetups.tasks import send_confirmation

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
        if not _within_limit(
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


# --- announcements ----------------------------------------------------------------------------


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
    from meetups.tasks import send_announcement

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
    from meetups.tasks import send_announcement

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
