"""The club's pages: every series, one series with its sessions, one session."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from meetups.models import Series, Session
from meetups.queries import past_session_lines, session_page_sessions, visible_sessions
from portal.fragments import render_each
from portal.links import absolute_url
from portal.pagination import paginate

# Past sessions are one line each: a page holds more of them than of full entries.
# A page of one-line past sessions stays within a screen or two, whatever the history.
PAST_PER_PAGE = 15


def _webcal_url(path: str) -> str:
    """The webcal:// address calendar apps subscribe to (the same resource, polled)."""
    return "webcal://" + absolute_url(path).split("://", 1)[1]


@require_safe
def series_list(request):
    return render(
        request, "meetups/series_list.html", {"series_list": Series.objects.with_next_session()}
    )


def _line_version(session: Session) -> tuple:
    """Everything a past session's line shows that can change (see portal.fragments)."""
    return (
        session.pk,
        session.updated_at,
        session.published_at,
        session.is_published(),
        session.series.updated_at,
        session.paper_count,
    )


@require_safe
def series_detail(request, series):
    """
    The series page: the next session in full, the subscribe form right after it,
    then the later sessions and the past ones, one line each (their reading lists
    are one click away), a page at a time.
    """
    series = get_object_or_404(Series, slug=series)
    now = timezone.now()
    sessions = visible_sessions(request.user).filter(series=series)
    upcoming = list(sessions.upcoming(now=now).order_by("starts_at", "number"))
    past_page = paginate(
        request, past_session_lines(request.user, series, now=now), per_page=PAST_PER_PAGE
    )
    next_session = next((s for s in upcoming if not s.is_cancelled and s.is_published()), None)
    return render(
        request,
        "meetups/series_detail.html",
        {
            "series": series,
            "next_session": next_session,
            "upcoming": [s for s in upcoming if s != next_session],
            "page": past_page,
            "past_lines": render_each(
                "meetups/series_detail.html#session-line",
                past_page.object_list,
                name="session",
                version=_line_version,
            ),
            "webcal_url": _webcal_url(
                reverse("meetups:series_calendar", kwargs={"series": series.slug})
            ),
        },
    )


@require_safe
def session_detail(request, series, number):
    visible = Session.objects.visible_to(request.user)
    session = get_object_or_404(
        session_page_sessions(request.user), series__slug=series, number=number
    )
    return render(
        request,
        "meetups/session_detail.html",
        {
            "session": session,
            "series": session.series,
            "reading_list": list(session.reading_list.all()),
            # Offers to present come while the session can still use them.
            "offers_welcome": session.is_published()
            and session.is_upcoming()
            and not session.is_cancelled,
            "previous_session": session.previous_session(visible),
            "next_session": session.next_session(visible),
            "webcal_url": _webcal_url(
                reverse("meetups:series_calendar", kwargs={"series": session.series.slug})
            ),
        },
    )
