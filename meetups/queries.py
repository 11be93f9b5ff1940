"""Reads of the paper club used by pages, feeds, calendars and the timeline."""

import functools
from datetime import datetime

from django.db.models import Count, JSONField, Max, OuterRef, Q, Subquery, Window
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from meetups.enums import AnnouncementKind, AttendanceStatus, DeliveryStatus, SuggestionStatus
from meetups.models import (
    Announcement,
    Attendance,
    Delivery,
    Paper,
    PresenterClaim,
    Series,
    Session,
    Suggestion,
    VotingRound,
)
from meetups.models.attendance import with_attendance_counts


def visible_sessions(user):
    """Sessions a visitor may see (staff also see drafts), ready to display."""
    return Session.objects.visible_to(user).for_display()


def session_page_sessions(user):
    """Sessions a visitor may see, with what their page shows: display parts and RSVP counts."""
    return with_attendance_counts(visible_sessions(user))


# What a session page shows on every visit; the rest is in its parts rendered once
# per version (see meetups.views.club), which fetch the whole session when rendered.
_SESSION_PAGE_FIELDS = (
    "number",
    "title",
    "starts_at",
    "ends_at",
    "status",
    "capacity",
    "rsvps_closed",
    "published_at",
    "updated_at",
    "series__name",
    "series__slug",
    "series__time_zone",
    "series__default_capacity",
    "series__updated_at",
)


def session_with_neighbours(
    user, *, series_slug: str, number: int
) -> tuple[Session | None, Session | None, Session | None]:
    """
    The session a visitor may see at `series_slug`/`number` (with what its page
    shows on every visit, see `_SESSION_PAGE_FIELDS`), and the sessions before
    and after it among those the visitor may see, or None for each missing.
    Sessions are numbered one after another, so the neighbours usually are the
    numbers either side, fetched in the same query; only a gap (a draft, a
    deleted session) or the newest session costs a query more.
    """
    rows = (
        _page_sessions()
        .visible_to(user)
        .filter(series__slug=series_slug, number__gte=number - 1, number__lte=number + 1)
    )
    by_number = {row.number: row for row in rows}
    session = by_number.get(number)
    if session is None:
        return None, None, None
    visible = Session.objects.visible_to(user)
    previous = by_number.get(number - 1)
    # save() gives a session without a number (or 0) the next free one: numbers start at 1.
    if previous is None and number > 1:
        previous = session.previous_session(visible)
    following = by_number.get(number + 1)
    if following is None:
        following = session.next_session(visible)
    return session, previous, following


def attendance_counts(session: Session) -> dict[str, int]:
    """`going_count` and `waiting_count` of `session`, counted in one query."""
    counts = dict(_attendance_counts().filter(session=session.pk))
    return {
        "going_count": counts.get(AttendanceStatus.GOING, 0),
        "waiting_count": counts.get(AttendanceStatus.WAITING, 0),
    }


def rsvps_of_address(email: str):
    """Every RSVP of `email` but those never confirmed, soonest session first, with its series."""
    return (
        Attendance.objects.of_address(email)
        .exclude(status=AttendanceStatus.PENDING)
        .order_by("-session__starts_at", "pk")
    )


# The order of the attendee list: who comes, who waits (in queue order), who may yet, who not.
_ATTENDEE_ORDER = [
    AttendanceStatus.GOING,
    AttendanceStatus.WAITING,
    AttendanceStatus.PENDING,
    AttendanceStatus.CANCELLED,
]


def attendee_list(session: Session) -> list[Attendance]:
    """Everyone who answered for `session`: going, then waiting in queue order, then the rest."""
    rows = Attendance.objects.filter(session=session).order_by("queued_at", "created_at", "pk")
    return sorted(rows, key=lambda row: _ATTENDEE_ORDER.index(row.status))


def past_session_lines(user, series: Series, *, now: datetime):
    """
    The past sessions of `series` a visitor may see, newest first, for a list of
    one line each: with their series and `paper_count`, without the reading lists.
    """
    return (
        Session.objects.visible_to(user)
        .filter(series=series)
        .past(now=now)
        .select_related("series")
        # What a line shows: the count groups by every column, so no more than that.
        .only(
            "number",
            "title",
            "starts_at",
            "status",
            "cancellation_reason",
            "published_at",
            "updated_at",
            "series__name",
            "series__slug",
            "series__time_zone",
            "series__updated_at",
        )
        .annotate(paper_count=Count("reading_list"))
        .order_by("-starts_at", "-number")
    )


def series_page_series():
    """
    Series with what their page shows of them on every visit (name, address and
    `updated_at`): the rest is in parts rendered once per version of the series.
    """
    return _series_on_page()


def upcoming_session_rows(user, series: Series, *, now: datetime) -> list[dict]:
    """
    The sessions of `series` a visitor may see that have not ended, soonest
    first, as rows of what their cards' versions need (see meetups.views.club):
    `pk`, `status`, `published_at` and `updated_at` (which a change of the reading
    list, of a paper on it or of the session's tags moves too).
    """
    return list(_upcoming_rows().visible_to(user).filter(series=series, ends_at__gt=now))


def past_session_rows(user, series: Series, *, now: datetime):
    """
    The past sessions of `series` a visitor may see, newest first, as rows of
    what their lines' versions need: `pk`, `published_at` and `updated_at`
    (which a change of the reading list moves too, see meetups.models.session),
    and in each row `total`, how many there are in all: a page of them needs
    no second query to count them.
    """
    return _past_rows().visible_to(user).filter(series=series, ends_at__lte=now)


# --- built once: what the club's pages read on every visit ----------------------------------
# Each request only filters these: their column lists, joins and annotations cost
# more to build than their small queries cost to run. They are never evaluated
# themselves (a queryset keeps what it fetched), only the filtered copies are.


@functools.cache
def _page_sessions():
    return Session.objects.select_related("series").only(*_SESSION_PAGE_FIELDS)


@functools.cache
def _attendance_counts():
    return Attendance.objects.order_by().values_list("status").annotate(count=Count("pk"))


@functools.cache
def _series_on_page():
    return Series.objects.only("name", "slug", "updated_at")


@functools.cache
def _upcoming_rows():
    return Session.objects.order_by("starts_at", "number").values(
        "pk", "status", "published_at", "updated_at"
    )


@functools.cache
def _past_rows():
    return (
        Session.objects.order_by("-starts_at", "-number")
        .values("pk", "published_at", "updated_at")
        .annotate(total=Window(Count("pk")))
    )


def calendar_sessions(series: Series):
    """Every published session of `series`, cancelled ones included, oldest first."""
    return (
        Session.objects.published()
        .filter(series=series)
        .select_related("series")
        .prefetch_related("tags")
        .with_reading_list()
        .order_by("starts_at", "number")
    )


def series_last_modified(series: Series, *, session: Session | None = None) -> datetime:
    """
    When the calendar or BibTeX of `series` (or of one `session`) last changed:
    the latest edit of the series, its published sessions, their reading lists
    (an edit there touches the session) and papers, or a publication time that
    has come since.
    """
    now = timezone.now()
    sessions = Session.objects.filter(series=series, published_at__lte=now)
    if session is not None:
        sessions = sessions.filter(pk=session.pk)
    session_times = sessions.aggregate(
        edited=Max(Greatest("updated_at", "published_at")),
    )
    paper_times = Paper.objects.filter(Q(readings__session__in=sessions.values("pk"))).aggregate(
        edited=Max("updated_at")
    )
    candidates = [series.updated_at, session_times["edited"], paper_times["edited"]]
    return max(moment for moment in candidates if moment is not None)


def open_suggestions(series: Series):
    """The suggestions of `series` listed for votes, most voted first, with their papers."""
    return Suggestion.objects.open().filter(series=series).select_related("paper").ranked()


# --- what was last told, and whether a change or cancellation notice is due ----------------

# The emails that tell recipients where and when a session is (reminders only repeat it).
TELLING_KINDS = (
    AnnouncementKind.ANNOUNCEMENT,
    AnnouncementKind.CHANGE,
    AnnouncementKind.CANCELLATION,
)


def last_told(session: Session) -> Announcement | None:
    """The latest announcement or notice of `session`: what its recipients were last told."""
    return (
        session.announcements.filter(kind__in=TELLING_KINDS, sequence__isnull=False)
        .order_by("-created_at", "-pk")
        .first()
    )


def with_notice_state(sessions):
    """
    `sessions` with `told_sequence` and `told_state` (the SEQUENCE and state of
    the latest announcement or notice, None if none), `first_rsvp_at` (when the first place still held
    was confirmed) and `failed_deliveries`, each a subquery of the same query.
    """
    told = Announcement.objects.filter(
        session=OuterRef("pk"), kind__in=TELLING_KINDS, sequence__isnull=False
    ).order_by("-created_at", "-pk")
    first_rsvp = (
        Attendance.objects.filter(
            session=OuterRef("pk"),
            status__in=[AttendanceStatus.GOING, AttendanceStatus.WAITING],
        )
        .order_by("confirmed_at")
        .values("confirmed_at")[:1]
    )
    failed = (
        Delivery.objects.filter(announcement__session=OuterRef("pk"), status=DeliveryStatus.FAILED)
        .order_by()
        .values("announcement__session")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return sessions.annotate(
        told_sequence=Subquery(told.values("sequence")[:1]),
        told_state=Subquery(told.values("session_state")[:1], output_field=JSONField()),
        first_rsvp_at=Subquery(first_rsvp),
        failed_deliveries=Coalesce(Subquery(failed), 0),
    )


def notice_is_due(session: Session) -> bool:
    """
    Whether the people concerned by `session` (fetched `with_notice_state`)
    have not heard of its latest change of time, place or status: it was
    announced at a lower SEQUENCE, or, never announced, it changed after its
    first RSVP that still holds a place. Only published sessions are told.
    """
    if not session.is_published():
        return False
    if session.told_sequence is not None:
        # Changed and changed back is no news.
        return session.sequence > session.told_sequence and bool(
            session.calendar_changes_since(session.told_state)
        )
    # RSVPs carry no SEQUENCE of their own: a change since the first is the best reading.
    return (
        session.first_rsvp_at is not None
        and session.sequence > 0
        and session.updated_at > session.first_rsvp_at
    )


def presenter_claim_with_target(claim_id: int):
    """An offer to present, with its entry's session and series or its suggestion's, and paper."""
    return (
        PresenterClaim.objects.select_related(
            "entry__session__series", "entry__paper", "suggestion__series", "suggestion__paper"
        )
        .filter(pk=claim_id)
        .first()
    )


def paper_history(paper_id: int) -> list:
    """
    The suggestions a paper's page tells of: open or accepted, oldest first, each
    with its series, the session it was accepted into and `vote_count`.
    """
    return list(
        Suggestion.objects.filter(
            paper_id=paper_id, status__in=[SuggestionStatus.OPEN, SuggestionStatus.ACCEPTED]
        )
        .with_vote_count()
        .select_related("series", "accepted_session__series")
        .order_by("created_at", "pk")
    )


def open_voting_round(series: Series) -> VotingRound | None:
    """The series' “vote for the next session” round open now, if any."""
    return VotingRound.objects.open().filter(series=series).select_related("series").first()
