from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import condition, conditional_page, require_safe
from taggit.models import Tag

from meetups import calendars
from meetups.bibtex import papers_to_bibtex
from meetups.models import Paper, Series, Session
from meetups.queries import calendar_sessions, series_last_modified, visible_sessions
from portal.links import absolute_url
from portal.pagination import paginate

CALENDAR_TYPE = "text/calendar; charset=utf-8"
BIBTEX_TYPE = "application/x-bibtex; charset=utf-8"


def _webcal_url(path: str) -> str:
    """The webcal:// address calendar apps subscribe to (the same resource, polled)."""
    return "webcal://" + absolute_url(path).split("://", 1)[1]


def _published_session(series: str, number: int) -> Session:
    return get_object_or_404(
        Session.objects.published().select_related("series"), series__slug=series, number=number
    )


# --- pages ----------------------------------------------------------------------------


@require_safe
def series_list(request):
    return render(
        request, "meetups/series_list.html", {"series_list": Series.objects.with_next_session()}
    )


@require_safe
def series_detail(request, series):
    """
    The series page. Its `subscribe` block holds the calendar links and the
    place where the email subscription form goes.
    """
    series = get_object_or_404(Series, slug=series)
    now = timezone.now()
    sessions = visible_sessions(request.user).filter(series=series)
    upcoming = list(sessions.upcoming(now=now).order_by("starts_at", "number"))
    past_page = paginate(request, sessions.past(now=now).order_by("-starts_at", "-number"))
    next_session = next(
        (s for s in upcoming if not s.is_cancelled and s.is_published()), None
    )
    return render(
        request,
        "meetups/series_detail.html",
        {
            "series": series,
            "next_session": next_session,
            "upcoming": [s for s in upcoming if s != next_session],
            "page": past_page,
            "webcal_url": _webcal_url(
                reverse("meetups:series_calendar", kwargs={"series": series.slug})
            ),
        },
    )


@require_safe
def session_detail(request, series, number):
    visible = Session.objects.visible_to(request.user)
    session = get_object_or_404(
        visible_sessions(request.user), series__slug=series, number=number
    )
    return render(
        request,
        "meetups/session_detail.html",
        {
            "session": session,
            "series": session.series,
            "reading_list": list(session.reading_list.all()),
            "previous_session": session.previous_session(visible),
            "next_session": session.next_session(visible),
            "webcal_url": _webcal_url(
                reverse("meetups:series_calendar", kwargs={"series": session.series.slug})
            ),
        },
    )


def _search_text(request, name: str) -> str:
    # PostgreSQL refuses NUL characters in text: a crafted URL must not become an error.
    return request.GET.get(name, "").replace("\x00", "").strip()[:200]


@require_safe
def paper_list(request):
    query, author, tag_slug = (_search_text(request, name) for name in ("q", "author", "tag"))
    tag = None
    if tag_slug:
        tag = Tag.objects.filter(slug=tag_slug).first()
        if tag is None:
            raise Http404(f"No tag “{tag_slug}”.")
    papers = (
        Paper.objects.read_in_published_sessions()
        .matching(query=query, author=author, tag=tag_slug)
        .with_readings()
    )
    tags = (
        Tag.objects.filter(
            sessions__published_at__lte=timezone.now(), sessions__reading_list__isnull=False
        )
        .distinct()
        .order_by("name")
    )
    return render(
        request,
        "meetups/paper_list.html",
        {
            "page": paginate(request, papers),
            "query": query,
            "author": author,
            "tag": tag,
            "tags": tags,
            "filtered": bool(query or author or tag),
        },
    )


@require_safe
def paper_detail(request, pk):
    papers = Paper.objects.all()
    if not (request.user.is_active and request.user.is_staff):
        papers = papers.read_in_published_sessions()
    paper = get_object_or_404(papers.with_readings(), pk=pk)
    return render(request, "meetups/paper_detail.html", {"paper": paper})


# --- calendars and BibTeX: clients poll, so unchanged answers are a 304 ---------------


def _series_modified(request, series, number=None):
    series = get_object_or_404(Series, slug=series)
    session = None
    if number is not None:
        session = _published_session(series.slug, number)
    return series_last_modified(series, session=session)


def _download(body, *, content_type: str, filename: str, inline: bool = True) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@require_safe
@condition(last_modified_func=_series_modified)
@conditional_page
def series_calendar(request, series):
    series = get_object_or_404(Series, slug=series)
    body = calendars.series_calendar(series, calendar_sessions(series))
    return _download(body, content_type=CALENDAR_TYPE, filename=f"{series.slug}.ics")


@require_safe
@condition(last_modified_func=_series_modified)
@conditional_page
def session_calendar(request, series, number):
    session = get_object_or_404(
        calendar_sessions(get_object_or_404(Series, slug=series)), number=number
    )
    body = calendars.session_calendar(session)
    return _download(
        body, content_type=CALENDAR_TYPE, filename=f"{series}-{number}.ics", inline=False
    )


@require_safe
@condition(last_modified_func=_series_modified)
@conditional_page
def series_bibtex(request, series):
    series = get_object_or_404(Series, slug=series)
    papers = [
        entry.paper for session in calendar_sessions(series) for entry in session.reading_list.all()
    ]
    return _download(
        papers_to_bibtex(papers), content_type=BIBTEX_TYPE, filename=f"{series.slug}.bib"
    )


@require_safe
@condition(last_modified_func=_series_modified)
@conditional_page
def session_bibtex(request, series, number):
    session = get_object_or_404(
        calendar_sessions(get_object_or_404(Series, slug=series)), number=number
    )
    papers = [entry.paper for entry in session.reading_list.all()]
    return _download(
        papers_to_bibtex(papers), content_type=BIBTEX_TYPE, filename=f"{series}-{number}.bib"
    )
