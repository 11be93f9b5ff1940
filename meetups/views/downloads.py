"""
Calendars (.ics) and reading lists (.bib) to download. Calendar apps and reference
managers poll them, so an unchanged answer is a 304.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import condition, conditional_page, require_safe

from meetups import calendars
from meetups.bibtex import papers_to_bibtex
from meetups.models import Series, Session
from meetups.queries import calendar_sessions, series_last_modified

CALENDAR_TYPE = "text/calendar; charset=utf-8"
BIBTEX_TYPE = "application/x-bibtex; charset=utf-8"


def _published_session(series: str, number: int) -> Session:
    return get_object_or_404(
        Session.objects.published().select_related("series"), series__slug=series, number=number
    )


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
