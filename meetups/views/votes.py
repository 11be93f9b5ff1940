"""
Voting for suggested papers, from the suggestions page and from signed links.

How an address is remembered once confirmed: using a vote link (mailed to the
address) sets a signed, HttpOnly, SameSite=Lax cookie holding that address.
The suggestions page stays the same bytes for everyone (it comes from the
shared page cache; the cookie is not the session cookie, so it does not stop
caching); only the vote POST reads the cookie: when it names the address typed
into the form, the vote counts at once, otherwise a link is mailed. The answer
to a vote from an unproven address is the same whatever that address is.
"""

from datetime import timedelta

from django.core import signing
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from meetups import services
from meetups.enums import SuggestionStatus, VoteStatus
from meetups.forms import VoteForm, VoteLinkForm
from meetups.identifiers import voter_address
from meetups.mailing import vote_links
from meetups.models import Suggestion
from meetups.services.votes import VoteOutcome
from meetups.views.links import link_problem, read_link
from portal.client_address import client_ip
from portal.http import same_origin_post

# What visitors may see of a suggestion: the others wait for their suggester or the organizer.
PUBLIC_STATUSES = (
    SuggestionStatus.OPEN,
    SuggestionStatus.ACCEPTED,
    SuggestionStatus.REJECTED,
    SuggestionStatus.MERGED,
)


def _public_suggestion(series: str, pk: int) -> Suggestion:
    return get_object_or_404(
        Suggestion.objects.select_related("series", "paper").filter(status__in=PUBLIC_STATUSES),
        series__slug=series,
        pk=pk,
    )


def proven_voter(request) -> str | None:
    """The address this browser proved by using a vote link, if any."""
    try:
        return request.get_signed_cookie(
            vote_links.VOTER_COOKIE,
            default=None,
            salt=vote_links.VOTER_COOKIE_SALT,
            max_age=vote_links.VOTER_COOKIE_MAX_AGE,
        )
    except signing.BadSignature:
        return None


def remember_voter(request, response, email: str) -> None:
    response.set_signed_cookie(
        vote_links.VOTER_COOKIE,
        voter_address(email),
        salt=vote_links.VOTER_COOKIE_SALT,
        max_age=int(vote_links.VOTER_COOKIE_MAX_AGE / timedelta(seconds=1)),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def _apply(*, suggestion: Suggestion, email: str, action: str, notify: bool) -> VoteOutcome:
    if action == "withdraw":
        return services.vote_withdraw(suggestion=suggestion, email=email)
    return services.vote_cast(suggestion=suggestion, email=email, notify=notify)


def _page(request, suggestion, *, status: int = 200, **context):
    return render(
        request,
        "meetups/vote.html",
        {"suggestion": suggestion, "series": suggestion.series, **context},
        status=status,
    )


@same_origin_post
@require_http_methods(["GET", "HEAD", "POST"])
def vote(request, series, pk):
    """
    A suggestion's vote form (on the suggestions page; on its own page when shown
    again with errors). No CSRF token: the page is cached; Origin is checked.
    """
    suggestion = _public_suggestion(series, pk)
    if suggestion.status != SuggestionStatus.OPEN:
        return _page(request, suggestion, outcome="closed", status=410)
    form = VoteForm(request.POST if request.method == "POST" else None)
    if not (form.is_bound and form.is_valid()):
        return _page(request, suggestion, vote_form=form)
    if form.is_trap_filled:
        return redirect("meetups:vote_sent", series=suggestion.series.slug, pk=suggestion.pk)
    email, action = form.cleaned_data["email"], form.cleaned_data["action"]
    if proven_voter(request) == voter_address(email):
        outcome = _apply(
            suggestion=suggestion, email=email, action=action, notify=form.cleaned_data["notify"]
        )
        response = _page(request, suggestion, outcome=outcome.name.lower())
        response["Cache-Control"] = "private, no-store"
        return response
    services.vote_request(
        suggestion=suggestion,
        email=email,
        notify=form.cleaned_data["notify"],
        client_ip=client_ip(request),
    )
    return redirect("meetups:vote_sent", series=suggestion.series.slug, pk=suggestion.pk)


@require_safe
def vote_sent(request, series, pk):
    return render(request, "meetups/vote_sent.html", {"suggestion": _public_suggestion(series, pk)})


PROBLEM_PAGE = "meetups/vote_link_problem.html"


def vote_link_problem(request, problem: str, *, status: int):
    return link_problem(request, problem, status=status, template=PROBLEM_PAGE)


@same_origin_post
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def vote_link(request, token):
    """
    A signed vote link, from a confirmation email or an announcement. Opening it
    shows a button (link scanners vote for nothing); pressing it counts the vote
    or takes it back, however often, from any mail client: it needs no cookie.
    """
    link, problem = read_link(request, vote_links.read_vote_token, token, template=PROBLEM_PAGE)
    if problem:
        return problem
    suggestion = (
        Suggestion.objects.select_related("series", "paper")
        .filter(pk=link.suggestion_id, status__in=PUBLIC_STATUSES)
        .first()
    )
    if suggestion is None:
        return vote_link_problem(request, "invalid", status=400)
    if suggestion.status != SuggestionStatus.OPEN:
        return _page(request, suggestion, outcome="closed", email=link.email, status=410)
    if request.method == "POST":
        form = VoteLinkForm(request.POST)
        if not form.is_valid():
            return vote_link_problem(request, "bad-request", status=400)
        outcome = _apply(
            suggestion=suggestion,
            email=link.email,
            action=form.cleaned_data["action"],
            notify=form.cleaned_data["notify"],
        )
        response = _page(request, suggestion, outcome=outcome.name.lower(), email=link.email)
        remember_voter(request, response, link.email)
        return response
    vote = services.vote_of(suggestion=suggestion, email=link.email)
    return _page(
        request,
        suggestion,
        email=link.email,
        confirming=True,
        counted=vote is not None and vote.status == VoteStatus.COUNTED,
        notify=vote.notify if vote is not None else link.notify,
    )
