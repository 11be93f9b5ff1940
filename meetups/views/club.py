"""The club's pages: every series, one series with its sessions, one session."""

from django.core.paginator import InvalidPage, Page, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_safe

from meetups.enums import SessionStatus
from meetups.models import Series, Session
from meetups.queries import (
    attendance_counts,
    past_session_lines,
    past_session_rows,
    series_page_series,
    session_with_neighbours,
    upcoming_session_rows,
    visible_sessions,
)
from portal.fragments import (
    object_tags,
    render_keyed_by_key,
    render_keyed_together,
    render_parts,
)
from portal.links import absolute_url
from portal.pagination import page_number

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


def _is_published(row: dict, now) -> bool:
    return row["published_at"] is not None and row["published_at"] <= now


def _entry_version(row: dict, *, series: Series, now) -> tuple:
    """
    Everything a session's card or past line shows that can change (see
    portal.fragments): a change of its reading list, an edited paper on it and a
    change of its tags all move its `updated_at` (meetups.models.session,
    portal.tagging); the series names and places it.
    """
    return (
        row["pk"],
        row["updated_at"],
        row["published_at"],
        _is_published(row, now),
        series.updated_at,
    )


def _upcoming_cards(request, series: Series, *, now) -> tuple[SafeString | None, list]:
    """The card of the next session (None when none is due) and those of the later ones."""
    rows = upcoming_session_rows(request.user, series, now=now)

    def load(pks: list[int]) -> dict[int, Session]:
        return {
            session.pk: session for session in visible_sessions(request.user).filter(pk__in=pks)
        }

    cards = render_keyed_by_key(
        "meetups/partials.html#session-card",
        {row["pk"]: _entry_version(row, series=series, now=now) for row in rows},
        name="session",
        load=load,
    )
    # The next session: the first that takes place and that everyone can see.
    next_pk = next(
        (
            row["pk"]
            for row in rows
            if row["status"] != SessionStatus.CANCELLED and _is_published(row, now)
        ),
        None,
    )
    return cards.get(next_pk), [card for pk, card in cards.items() if pk != next_pk]


def _past_page(request, series: Series, *, now) -> tuple[Page, list]:
    """
    The page of past sessions of `series` that `?page=` names, and its lines. A
    page number that is not one or lies past the end is a 404 (as portal.pagination's).
    """
    requested = request.GET.get("page")
    number = page_number(requested) if requested else 1
    if number is None:
        raise Http404("No such page: not a page number.")
    # Page 0 is a 404 below, as a page past the end is: never a negative slice.
    start = (max(number, 1) - 1) * PAST_PER_PAGE
    rows = list(past_session_rows(request.user, series, now=now)[start : start + PAST_PER_PAGE])
    # Each row counts them all; with none, there are none, or the page is past the end.
    total = rows[0]["total"] if rows else 0
    try:
        page = Paginator(range(total), PAST_PER_PAGE, allow_empty_first_page=True).page(number)
    except InvalidPage as error:
        raise Http404(f"No such page: {error}") from None

    def load(pks: list[int]) -> dict[int, Session]:
        lines = past_session_lines(request.user, series, now=now).filter(pk__in=pks)
        return {session.pk: session for session in lines}

    lines = render_keyed_together(
        "meetups/series_detail.html#session-line",
        {row["pk"]: _entry_version(row, series=series, now=now) for row in rows},
        name="session",
        load=load,
    )
    return page, lines


@require_safe
def series_detail(request, series):
    """
    The series page: the next session in full, the subscribe form right after it,
    then the later sessions and the past ones, one line each (their reading lists
    are one click away), a page at a time. Each card and line is rendered once
    per version of what it shows (see portal.fragments).
    """
    series = get_object_or_404(series_page_series(), slug=series)
    now = timezone.now()
    next_card, later_cards = _upcoming_cards(request, series, now=now)
    page, past_lines = _past_page(request, series, now=now)
    # All the page shows of the series itself comes from its row.
    version = (series.pk, series.updated_at)

    def context() -> dict:
        # Only when the parts are rendered: the whole series.
        calendar = reverse("meetups:series_calendar", kwargs={"series": series.slug})
        return {"series": Series.objects.get(pk=series.pk), "webcal_url": _webcal_url(calendar)}

    return render(
        request,
        "meetups/series_detail.html",
        {
            "series": series,
            "parts": render_parts(
                "meetups/series_detail.html",
                ["description", "intro", "about"],
                version=version,
                context=context,
            ),
            "next_card": next_card,
            "later_cards": later_cards,
            "page": page,
            "past_lines": past_lines,
        },
    )


def _session_version(session: Session, *, offers: bool) -> tuple:
    """
    Everything a session page shows of the session itself that can change (see
    portal.fragments), and whether its reading list takes offers to present. Its
    reading list and tags need no version of their own: a change to an entry, to a
    paper it reads or to a tag moves the session's updated_at (meetups.models.session,
    portal.tagging).
    """
    return (
        session.pk,
        session.updated_at,
        session.published_at,
        session.is_published(),
        session.series.updated_at,
        offers,
    )


@require_safe
def session_detail(request, series, number):
    """
    A session's page. What it shows of the session, its series, reading list and
    tags is rendered once per version of them; the RSVP counts and the links to
    its neighbours are read on every visit.
    """
    session, previous_session, next_session = session_with_neighbours(
        request.user, series_slug=series, number=number
    )
    if session is None:
        raise Http404("No such session.")
    upcoming = session.is_upcoming()
    if upcoming:
        # The form shows them; a past session's page has no form.
        for name, count in attendance_counts(session).items():
            setattr(session, name, count)
    # Offers to present come while the session can still use them.
    offers_welcome = session.is_published() and upcoming and not session.is_cancelled
    version = _session_version(session, offers=offers_welcome)

    def context() -> dict:
        # Only when the parts are rendered: the whole session, with its reading list.
        whole = Session.objects.select_related("series").with_reading_list().get(pk=session.pk)
        calendar = reverse("meetups:series_calendar", kwargs={"series": whole.series.slug})
        return {
            "session": whole,
            "series": whole.series,
            "tags": object_tags(whole),
            "webcal_url": _webcal_url(calendar),
            "reading_list": list(whole.reading_list.all()),
            "offers_welcome": offers_welcome,
        }

    return render(
        request,
        "meetups/session_detail.html",
        {
            "session": session,
            "series": session.series,
            "parts": render_parts(
                "meetups/session_detail.html",
                ["title", "description", "meta", "header", "reading"],
                version=version,
                context=context,
            ),
            "previous_session": previous_session,
            "next_session": next_session,
        },
    )
