"""
RSVPs on the public pages: “I'm coming” on a session page, the confirmation
link, the “I'm coming” link of an announcement, and each RSVP's own page (its
state, and the button to cancel it). Attendees have no accounts: the links in
their emails stand in for a login.
"""

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from meetups import services
from meetups.forms import AttendanceForm
from meetups.identifiers import is_link_key
from meetups.mailing import tokens
from meetups.models import Attendance, Session
from meetups.queries import session_page_sessions
from meetups.views.subscriptions import client_ip, link_problem, read_link
from portal.http import same_origin_post


def _session(request, series, number) -> Session:
    return get_object_or_404(
        session_page_sessions(request.user), series__slug=series, number=number
    )


@same_origin_post
@require_http_methods(["GET", "HEAD", "POST"])
def rsvp(request, series, number):
    """
    “I'm coming”. Whatever the address's state (new, pending, going, waiting,
    cancelled, rate-limited, a bot), a valid request gets the same answer. The form
    is on cached pages, so it carries no CSRF token: the Origin is checked instead.
    """
    session = _session(request, series, number)
    closed = session.rsvp_closed_reason()
    form = AttendanceForm(request.POST if request.method == "POST" and not closed else None)
    if form.is_bound and form.is_valid():
        if not form.is_trap_filled:
            services.attendance_request(
                session=session,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                client_ip=client_ip(request),
            )
        return redirect("meetups:rsvp_sent", series=session.series.slug, number=session.number)
    return render(
        request,
        "meetups/rsvp.html",
        {"session": session, "series": session.series, "form": form, "closed": closed},
    )


@require_safe
def rsvp_sent(request, series, number):
    session = _session(request, series, number)
    return render(request, "meetups/rsvp_sent.html", {"session": session, "series": session.series})


def _answer_page(request, answer, attendance, *, offer_confirm: bool = False):
    session = attendance.session
    closed = session.rsvp_closed_reason()
    return render(
        request,
        "meetups/attendance_detail.html",
        {
            "attendance": attendance,
            "session": session,
            "series": session.series,
            "answer": answer and answer.value,
            "closed": closed,
            "position": attendance.waitlist_position(),
            "offer_confirm": offer_confirm and attendance.is_pending and not closed,
            "can_cancel": not attendance.is_cancelled and closed not in ("started", "cancelled"),
            "manage_url": tokens.manage_url(attendance_id=attendance.pk),
        },
    )


def _unknown_rsvp(request):
    return link_problem(request, "unknown-rsvp", status=404)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def attendance_confirm(request, token):
    """
    The confirmation link of a new RSVP shows a button; confirming takes a POST,
    so that mail scanners that follow links give nobody's place away.
    """
    attendance_token, problem = read_link(request, tokens.read_rsvp_confirm_token, token)
    if problem:
        return problem
    if request.method == "POST":
        answer, attendance = services.attendance_confirm(token=attendance_token)
        if attendance is None:
            return _unknown_rsvp(request)
        return _answer_page(request, answer, attendance)
    attendance = Attendance.objects.select_related("session__series").filter(token=attendance_token)
    attendance = attendance.first()
    if attendance is None:
        return _unknown_rsvp(request)
    return _answer_page(request, None, attendance, offer_confirm=True)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def attendance_from_announcement(request, token):
    """An announcement's “I'm coming”: a button (for the same reason), then a place at once."""
    link, problem = read_link(request, tokens.read_rsvp_from_announcement_token, token)
    if problem:
        return problem
    session = Session.objects.published().select_related("series").filter(pk=link.session_id)
    session = session.first()
    if session is None:
        return link_problem(request, "invalid", status=404)
    if request.method == "POST":
        answer, attendance = services.attendance_from_announcement(link=link)
        if attendance is not None:
            return _answer_page(request, answer, attendance)
    else:
        answer = None
    return render(
        request,
        "meetups/attendance_announced.html",
        {
            "session": session,
            "series": session.series,
            "answer": answer and answer.value,
            "closed": session.rsvp_closed_reason(),
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def attendance_detail(request, token):
    """One RSVP: its state and a button to cancel it (a GET, as scanners make, cancels nothing)."""
    if not is_link_key(token):
        return _unknown_rsvp(request)
    attendance = Attendance.objects.select_related("session__series").filter(token=token).first()
    if attendance is None:
        return _unknown_rsvp(request)
    if request.method == "POST":
        answer, attendance = services.attendance_cancel(token=attendance.token)
        return _answer_page(request, answer, attendance)
    return _answer_page(request, None, attendance)
