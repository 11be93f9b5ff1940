from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import (
    condition,
    conditional_page,
    require_http_methods,
    require_safe,
)
from taggit.models import Tag

from meetups import calendars, services
from meetups.bibtex import papers_to_bibtex
from meetups.forms import ManageSubscriptionForm, SubscribeForm
from meetups.mailing import tokens
from meetups.models import Paper, Series, Session, Subscription
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
    next_session = next((s for s in upcoming if not s.is_cancelled and s.is_published()), None)
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
    session = get_object_or_404(visible_sessions(request.user), series__slug=series, number=number)
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


# --- subscriptions: attendees have no accounts, signed links stand in -------------------------


def client_ip(request) -> str:
    """
    The visitor's address. Behind the TLS-terminating proxy (HTTPS=true) that is
    the last entry of X-Forwarded-For, the one our proxy appended; the others
    come from the client and prove nothing.
    """
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request, series):
    """
    The subscribe form. Whatever the address's state (new, pending, confirmed,
    unsubscribed, rate-limited, a bot), a valid request gets the same answer.
    """
    series = get_object_or_404(Series, slug=series)
    form = SubscribeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        if not form.is_trap_filled:
            services.subscription_request(
                series=series, email=form.cleaned_data["email"], client_ip=client_ip(request)
            )
        return redirect("meetups:subscribe_sent", series=series.slug)
    return render(request, "meetups/subscribe.html", {"series": series, "form": form})


@require_safe
def subscribe_sent(request, series):
    series = get_object_or_404(Series, slug=series)
    return render(request, "meetups/subscribe_sent.html", {"series": series})


def _link_problem(request, problem: str, *, status: int):
    return render(
        request, "meetups/subscription_link_problem.html", {"problem": problem}, status=status
    )


def _read_link(request, reader, token):
    """The verified content of a signed link, or the page explaining why it is not valid."""
    try:
        return reader(token), None
    except tokens.ExpiredLink:
        return None, _link_problem(request, "expired", status=410)
    except tokens.InvalidLink:
        return None, _link_problem(request, "invalid", status=400)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscription_confirm(request, token):
    """
    A confirmation link shows a button; confirming takes a POST, so that mail
    scanners that follow links do not subscribe anybody.
    """
    link, problem = _read_link(request, tokens.read_confirm_token, token)
    if problem:
        return problem
    series = Series.objects.filter(pk=link.series_id).first()
    if series is None:
        return _link_problem(request, "invalid", status=400)
    outcome = None
    if request.method == "POST":
        outcome, _ = services.subscription_confirm(link=link)
        if outcome == services.ConfirmOutcome.UNKNOWN:
            return _link_problem(request, "invalid", status=400)
    else:
        subscription = Subscription.objects.filter(series=series, email=link.email).first()
        if subscription is None:
            return _link_problem(request, "invalid", status=400)
        if subscription.is_confirmed:
            outcome = services.ConfirmOutcome.ALREADY_CONFIRMED
    return render(
        request,
        "meetups/subscription_confirm.html",
        {
            "series": series,
            "email": link.email,
            "outcome": outcome and outcome.name.lower(),
            "manage_url": tokens.manage_url(email=link.email),
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscription_manage(request, token):
    """Every series of one address, each with a button to follow or leave it."""
    email, problem = _read_link(request, tokens.read_manage_token, token)
    if problem:
        return problem
    if request.method == "POST":
        form = ManageSubscriptionForm(request.POST)
        if not form.is_valid():
            return _link_problem(request, "bad-request", status=400)
        series = form.cleaned_data["series"]
        if form.cleaned_data["action"] == "unsubscribe":
            services.subscription_unsubscribe(series_id=series.pk, email=email)
            messages.success(request, f"You will no longer receive announcements of {series}.")
        else:
            services.subscription_resubscribe(series=series, email=email)
            messages.success(request, f"You now receive the announcements of {series}.")
        return redirect(request.path)
    subscriptions = {s.series_id: s for s in Subscription.objects.of_address(email)}
    series_list = Series.objects.filter(Q(active=True) | Q(pk__in=list(subscriptions)))
    rows = [(series, subscriptions.get(series.pk)) for series in series_list]
    return render(request, "meetups/subscription_manage.html", {"email": email, "rows": rows})


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscription_unsubscribe(request, token):
    """
    RFC 8058 one-click unsubscribe: a POST (from a mail client, with no cookie
    and no CSRF token) unsubscribes, however often it comes. A GET, which mail
    scanners also make, only shows the button.
    """
    link, problem = _read_link(request, tokens.read_unsubscribe_token, token)
    if problem:
        return problem
    series = Series.objects.filter(pk=link.series_id).first()
    done = False
    if request.method == "POST" and series is not None:
        services.subscription_unsubscribe(series_id=series.pk, email=link.email)
        done = True
    return render(
        request,
        "meetups/subscription_unsubscribe.html",
        {
            "series": series,
            "email": link.email,
            "done": done,
            "manage_url": tokens.manage_url(email=link.email),
        },
    )
