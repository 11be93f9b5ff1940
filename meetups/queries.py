"""Reads of the paper club used by pages, feeds, calendars and the timeline."""

from datetime import datetime

from django.db.models import Count, Max, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from meetups.models import Paper, Series, Session, Suggestion


def visible_sessions(user):
    """Sessions a visitor may see (staff also see drafts), ready to display."""
    return Session.objects.visible_to(user).for_display()


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
