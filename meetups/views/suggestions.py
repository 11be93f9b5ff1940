"""
Suggesting a paper: the ranked list of open suggestions with the form, the
form on its own (where its errors are shown), and the link that confirms a
suggestion. Attendees have no accounts: the emailed link stands in for a login.
"""

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from meetups import services
from meetups.forms import SuggestForm
from meetups.mailing import suggestion_links
from meetups.models import Series
from meetups.queries import open_suggestions, open_voting_round
from meetups.services.suggestions import ConfirmOutcome, confirmation_of
from meetups.views.links import link_problem, read_link
from portal.client_address import client_ip
from portal.http import same_origin_post


@require_safe
def suggestion_list(request, series):
    """Open suggestions, most votes first (then the oldest), and the form for a new one."""
    series = get_object_or_404(Series, slug=series)
    return render(
        request,
        "meetups/suggestion_list.html",
        {
            "series": series,
            "suggestions": list(open_suggestions(series)),
            "form": SuggestForm(),
            "voting_round": open_voting_round(series),
        },
    )


@same_origin_post
@require_http_methods(["GET", "HEAD", "POST"])
def suggest(request, series):
    """
    The suggest form. A citation that cannot be read, or names a paper the
    series read already, is answered here; any other valid request gets the
    same answer whatever the address. On cached pages, so no CSRF token: a POST
    from another site is refused by its Origin instead.
    """
    series = get_object_or_404(Series, slug=series)
    form = SuggestForm(request.POST if request.method == "POST" else None)
    already_read = None
    if form.is_bound and form.is_valid():
        if form.is_trap_filled:
            return redirect("meetups:suggestion_sent", series=series.slug)
        answer = services.suggestion_request(
            series=series,
            citation=form.cleaned_data["citation"],
            why=form.cleaned_data["why"],
            email=form.cleaned_data["email"],
            client_ip=client_ip(request),
        )
        if answer.problem:
            form.add_error("citation", answer.problem)
        elif answer.already_read is not None:
            already_read = answer.already_read
        else:
            return redirect("meetups:suggestion_sent", series=series.slug)
    return render(
        request,
        "meetups/suggest.html",
        {"series": series, "form": form, "already_read": already_read},
    )


@require_safe
def suggestion_sent(request, series):
    series = get_object_or_404(Series, slug=series)
    return render(request, "meetups/suggestion_sent.html", {"series": series})


PROBLEM_PAGE = "meetups/suggestion_link_problem.html"


def _link_problem(request, problem: str, *, status: int):
    return link_problem(request, problem, status=status, template=PROBLEM_PAGE)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def suggestion_confirm(request, token):
    """
    A confirmation link shows a button; confirming takes a POST, so that mail
    scanners that follow links confirm nothing.
    """
    vote_token, problem = read_link(
        request,
        suggestion_links.read_confirm_token,
        token,
        template=PROBLEM_PAGE,
    )
    if problem:
        return problem
    if request.method == "POST":
        confirmation = services.suggestion_confirm(vote_token=vote_token)
        done = True
    else:
        confirmation = confirmation_of(vote_token=vote_token)
        done = confirmation.outcome != ConfirmOutcome.CONFIRMED
    if confirmation.outcome == ConfirmOutcome.UNKNOWN:
        return _link_problem(request, "invalid", status=400)
    vote = confirmation.vote
    return render(
        request,
        "meetups/suggestion_confirm.html",
        {
            "vote": vote,
            "suggestion": vote.suggestion,
            "series": vote.suggestion.series,
            "paper": vote.suggestion.paper,
            "outcome": confirmation.outcome.name.lower(),
            "done": done,
        },
    )
