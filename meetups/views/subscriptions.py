"""Subscribing by email. Attendees have no accounts: signed links stand in for a login."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from meetups import services
from meetups.forms import CancelAttendanceForm, ManageSubscriptionForm, SubscribeForm
from meetups.mailing import tokens
from meetups.models import Attendance, Series, Subscription
from meetups.queries import rsvps_of_address
from meetups.views import links
from portal.client_address import client_ip
from portal.http import same_origin_post


@same_origin_post
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request, series):
    """
    The subscribe form. Whatever the address's state (new, pending, confirmed,
    unsubscribed, rate-limited, a bot), a valid request gets the same answer.
    The form is on cached pages, so it carries no CSRF token: a POST from another
    site is refused by its Origin instead.
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


PROBLEM_PAGE = "meetups/subscription_link_problem.html"


def link_problem(request, problem: str, *, status: int):
    return links.link_problem(request, problem, status=status, template=PROBLEM_PAGE)


def read_link(request, reader, token):
    """The verified content of a signed link, or the page explaining why it is not valid."""
    return links.read_link(request, reader, token, template=PROBLEM_PAGE)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscription_confirm(request, token):
    """
    A confirmation link shows a button; confirming takes a POST, so that mail
    scanners that follow links do not subscribe anybody.
    """
    link, problem = read_link(request, tokens.read_confirm_token, token)
    if problem:
        return problem
    series = Series.objects.filter(pk=link.series_id).first()
    if series is None:
        return link_problem(request, "invalid", status=400)
    outcome = None
    if request.method == "POST":
        outcome, subscription = services.subscription_confirm(link=link)
        if outcome == services.ConfirmOutcome.UNKNOWN:
            return link_problem(request, "invalid", status=400)
    else:
        subscription = Subscription.objects.filter(series=series, email=link.email).first()
        if subscription is None:
            return link_problem(request, "invalid", status=400)
        if subscription.is_confirmed:
            outcome = services.ConfirmOutcome.ALREADY_CONFIRMED
    return render(
        request,
        "meetups/subscription_confirm.html",
        {
            "series": series,
            "email": link.email,
            "outcome": outcome and outcome.name.lower(),
            "manage_url": tokens.manage_url(subscription_id=subscription.pk),
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscription_manage(request, token):
    """Every series of one address, each with a button to follow or leave it, and its RSVPs."""
    email, problem = read_link(request, tokens.read_manage_token, token)
    if problem:
        return problem
    if request.method == "POST" and request.POST.get("action") == "cancel-rsvp":
        return _cancel_rsvp(request, email)
    if request.method == "POST":
        form = ManageSubscriptionForm(request.POST)
        if not form.is_valid():
            return link_problem(request, "bad-request", status=400)
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
    rsvps = list(rsvps_of_address(email))
    now = timezone.now()
    for rsvp in rsvps:
        rsvp.cancellable = not rsvp.is_cancelled and rsvp.session.rsvp_closed_reason(
            now=now
        ) not in ("started", "cancelled")
    return render(
        request,
        "meetups/subscription_manage.html",
        {"email": email, "rows": rows, "rsvps": rsvps},
    )


def _cancel_rsvp(request, email: str):
    """The manage page's “Cancel this RSVP”: only an RSVP of the page's own address."""
    form = CancelAttendanceForm(request.POST)
    if not form.is_valid():
        return link_problem(request, "bad-request", status=400)
    token = form.cleaned_data["rsvp"]
    if not Attendance.objects.of_address(email).filter(token=token).exists():
        return link_problem(request, "bad-request", status=400)
    answer, attendance = services.attendance_cancel(token=token)
    if answer == services.RsvpAnswer.CANCELLED:
        messages.success(
            request, f"Your RSVP to the {attendance.session.display_title} is cancelled."
        )
    elif answer == services.RsvpAnswer.PAST:
        messages.info(request, "That session has started: its RSVPs can no longer be changed.")
    return redirect(request.path)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscription_unsubscribe(request, token):
    """
    RFC 8058 one-click unsubscribe: a POST (from a mail client, with no cookie
    and no CSRF token) unsubscribes, however often it comes. A GET, which mail
    scanners also make, only shows the button.
    """
    link, problem = read_link(request, tokens.read_unsubscribe_token, token)
    if problem:
        return problem
    series = Series.objects.filter(pk=link.series_id).first()
    done = False
    subscription = None
    if series is not None:
        subscription = Subscription.objects.filter(series=series, email=link.email).first()
    if request.method == "POST" and series is not None:
        subscription = services.subscription_unsubscribe(series_id=series.pk, email=link.email)
        done = True
    return render(
        request,
        "meetups/subscription_unsubscribe.html",
        {
            "series": series,
            "email": link.email,
            "done": done,
            "manage_url": subscription and tokens.manage_url(subscription_id=subscription.pk),
        },
    )
