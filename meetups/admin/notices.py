"""
The organizer's side of change notices and the desk: the page that previews
and sends a session's due notice, the offers of it after an edit or a
cancellation, and the desk of the next sessions at a glance.
"""

import uuid

from django import forms
from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from meetups.enums import AnnouncementKind, ClaimStatus
from meetups.models import Announcement, PresenterClaim, Session
from meetups.models.attendance import with_attendance_counts
from meetups.queries import notice_is_due, with_notice_state
from meetups.services import NothingToNotify, NoticeAlreadySent, notice_create, notice_draft

DESK_SESSIONS = 12


class NoticeForm(forms.Form):
    # One key per preview: the same form sent twice notifies once.
    request_key = forms.UUIDField(widget=forms.HiddenInput)


def notify_url(session: Session) -> str:
    return reverse("admin:meetups_session_notify", args=[session.pk])


def offer_notice(model_admin, request, sessions) -> None:
    """After an edit or a cancellation: a message linking each of `sessions` whose notice is due."""
    due = with_notice_state(Session.objects.select_related("series")).filter(
        pk__in=[session.pk for session in sessions]
    )
    for session in due:
        if notice_is_due(session):
            model_admin.message_user(
                request,
                format_html(
                    "The {} {} since its people were told. "
                    '<a href="{}">Preview and send a notice to everyone concerned</a>; '
                    "their calendars update with it.",
                    session,
                    "is cancelled" if session.is_cancelled else "changed time or place",
                    notify_url(session),
                ),
                messages.WARNING,
            )


def notify_page(model_admin, request, session: Session):
    """Preview the due notice of `session` and send it; a clear page if none is due."""
    back_url = reverse("admin:meetups_session_change", args=[session.pk])
    if request.method == "POST":
        form = NoticeForm(request.POST)
        if form.is_valid():
            try:
                notice = notice_create(
                    session=session,
                    created_by=request.user,
                    request_key=form.cleaned_data["request_key"],
                )
            except NoticeAlreadySent as reason:
                model_admin.message_user(request, str(reason), messages.WARNING)
                return HttpResponseRedirect(reverse("admin:meetups_announcement_changelist"))
            except NothingToNotify as reason:
                model_admin.message_user(request, str(reason), messages.ERROR)
            else:
                count = notice.deliveries.count()
                model_admin.message_user(
                    request,
                    f"Sending “{notice.subject}” to {count} address{'es' if count != 1 else ''} "
                    "in the background.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:meetups_announcement_change", args=[notice.pk])
                )
        else:
            model_admin.message_user(
                request, "The form was incomplete; look at the preview again.", messages.ERROR
            )
    try:
        draft, problem = notice_draft(session=session), ""
    except NothingToNotify as reason:
        draft, problem = None, str(reason)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Notify everyone concerned by the {session}",
        "opts": model_admin.opts,
        "original": session,
        "draft": draft,
        "problem": problem,
        "form": NoticeForm(initial={"request_key": uuid.uuid4()}),
        "back_url": back_url,
    }
    return TemplateResponse(request, "meetups/admin/notify.html", context)


def desk_sessions():
    """The next sessions with everything the desk shows, in a fixed number of queries."""
    announced = Announcement.objects.filter(
        session=OuterRef("pk"), kind=AnnouncementKind.ANNOUNCEMENT
    )
    # Confirmed offers to present a paper of the session, waiting for the organizer.
    offers = (
        PresenterClaim.objects.filter(entry__session=OuterRef("pk"), status=ClaimStatus.PENDING)
        .order_by()
        .values("entry__session")
        .annotate(count=Count("pk"))
        .values("count")
    )
    sessions = (
        Session.objects.upcoming()
        .select_related("series")
        .annotate(
            paper_total=Count("reading_list", distinct=True),
            without_presenter=Count(
                "reading_list", filter=Q(reading_list__presenter=""), distinct=True
            ),
            offers_waiting=Coalesce(Subquery(offers), 0),
            announced=Exists(announced),
        )
        .order_by("starts_at", "pk")
    )
    return with_notice_state(with_attendance_counts(sessions))[:DESK_SESSIONS]


def _attendees_url(session: Session) -> str:
    try:
        return reverse("admin:meetups_session_attendees", args=[session.pk])
    except NoReverseMatch:  # the attendee list is not part of this admin
        return ""


def desk_page(model_admin, request):
    """The organizer's desk: the next sessions, what each still needs, and links to act."""
    rows = []
    for session in desk_sessions():
        rows.append(
            {
                "session": session,
                "change_url": reverse("admin:meetups_session_change", args=[session.pk]),
                "announce_url": reverse("admin:meetups_session_announce", args=[session.pk]),
                "attendees_url": _attendees_url(session),
                "notice_due": notice_is_due(session),
                "notify_url": notify_url(session),
                "offers_url": reverse("admin:meetups_presenterclaim_changelist")
                + f"?status__exact=pending&entry__session__id__exact={session.pk}",
                "failed_url": reverse("admin:meetups_delivery_changelist")
                + f"?status__exact=failed&announcement__session__id__exact={session.pk}",
            }
        )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "The organizer's desk",
        "opts": model_admin.opts,
        "rows": rows,
    }
    return TemplateResponse(request, "meetups/admin/desk.html", context)
