"""“I'll present this” on a session's reading list or a suggestion, and its confirmation link."""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from meetups import services
from meetups.enums import ClaimStatus, SuggestionStatus
from meetups.forms import PresenterClaimForm
from meetups.mailing import vote_links
from meetups.models import ReadingListEntry, Series, Suggestion
from meetups.queries import presenter_claim_with_target
from meetups.views.links import read_link
from meetups.views.votes import PROBLEM_PAGE, vote_link_problem
from portal.client_address import client_ip
from portal.http import same_origin_post


def _offer(request, *, series, paper, entry=None, suggestion=None):
    """The offer form of one paper; a valid offer is queued and answered the same for everyone."""
    form = PresenterClaimForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        if not form.is_trap_filled:
            services.presenter_claim_request(
                entry=entry,
                suggestion=suggestion,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                client_ip=client_ip(request),
            )
        return redirect("meetups:claim_sent", series=series.slug)
    return render(
        request,
        "meetups/presenter_claim.html",
        {"series": series, "paper": paper, "entry": entry, "suggestion": suggestion, "form": form},
    )


@same_origin_post
@require_http_methods(["GET", "HEAD", "POST"])
def claim_entry(request, series, number, entry):
    """Offer to present a paper on the reading list of a published, upcoming session."""
    entry = get_object_or_404(
        ReadingListEntry.objects.select_related("session__series", "paper"),
        pk=entry,
        session__number=number,
        session__series__slug=series,
        session__published_at__lte=timezone.now(),
    )
    session = entry.session
    if not session.is_upcoming() or session.is_cancelled or entry.presenter:
        return render(
            request,
            "meetups/presenter_claim.html",
            {"series": session.series, "paper": entry.paper, "entry": entry, "closed": True},
            status=410,
        )
    return _offer(request, series=session.series, paper=entry.paper, entry=entry)


@same_origin_post
@require_http_methods(["GET", "HEAD", "POST"])
def claim_suggestion(request, series, pk):
    """Offer to present a suggested paper, should it be chosen."""
    suggestion = get_object_or_404(
        Suggestion.objects.select_related("series", "paper"),
        pk=pk,
        series__slug=series,
        status__in=[SuggestionStatus.OPEN, SuggestionStatus.ACCEPTED],
    )
    return _offer(request, series=suggestion.series, paper=suggestion.paper, suggestion=suggestion)


@require_safe
def claim_sent(request, series):
    series = get_object_or_404(Series, slug=series)
    return render(request, "meetups/presenter_claim_sent.html", {"series": series})


@same_origin_post
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def claim_confirm(request, token):
    """The link of an offer's email: a button (link scanners confirm nothing), then a POST."""
    claim_id, problem = read_link(
        request, vote_links.read_claim_token, token, template=PROBLEM_PAGE
    )
    if problem:
        return problem
    if request.method == "POST":
        outcome, claim = services.presenter_claim_confirm(claim_id=claim_id)
    else:
        outcome, claim = None, presenter_claim_with_target(claim_id)
    if claim is None:
        return vote_link_problem(request, "invalid", status=400)
    if outcome is None and claim.status != ClaimStatus.UNCONFIRMED:
        outcome = services.ClaimOutcome.ALREADY_CONFIRMED
    target = claim.entry or claim.suggestion
    return render(
        request,
        "meetups/presenter_claim_confirm.html",
        {
            "claim": claim,
            "paper": target.paper,
            "series": claim.entry.session.series if claim.entry else claim.suggestion.series,
            "outcome": outcome and outcome.name.lower(),
        },
    )
