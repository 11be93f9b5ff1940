"""
RSVPs in the admin: counted on the session's page, the attendee list of a
session (going, waiting in queue order, awaiting confirmation, cancelled) with a
CSV export, and the list of every RSVP. Answers change only through the
attendee's own links or the “cancel” action, so places and the waitlist stay
true (a cancellation promotes the first waiting).
"""

import csv

from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponse
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import ngettext

from meetups import services
from meetups.admin.mailing import _csv_cell
from meetups.enums import AttendanceStatus
from meetups.models import Attendance, Session
from meetups.queries import attendee_list

CSV_COLUMNS = ["email", "name", "status", "waitlist position", "answered", "confirmed", "cancelled"]


def rsvp_summary(session: Session) -> str:
    """“4 going of 6 places, 2 waiting · attendee list” for the session's admin page."""
    if session.pk is None:
        return "—"
    counts = dict(
        session.attendances.holding_a_place()
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    places = session.places
    return format_html(
        '{} going {} · {} waiting · <a href="{}">attendee list</a>',
        counts.get(AttendanceStatus.GOING, 0),
        f"of {places} place{pluralize(places)}" if places else "(no limit)",
        counts.get(AttendanceStatus.WAITING, 0),
        reverse("admin:meetups_session_attendees", args=[session.pk]),
    )


def _rows(session: Session) -> list[tuple[Attendance, int | None]]:
    """Each RSVP with its waitlist position (1 for the first waiting), in the list's order."""
    rows, position = [], 0
    for attendance in attendee_list(session):
        if attendance.is_waiting:
            position += 1
        rows.append((attendance, position if attendance.is_waiting else None))
    return rows


def _local(moment, session: Session) -> str:
    return (
        timezone.localtime(moment, session.series.zone).strftime("%Y-%m-%d %H:%M") if moment else ""
    )


def attendees_csv(session: Session) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"attendees-{session.series.slug}-{session.number}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for attendance, position in _rows(session):
        writer.writerow(
            _csv_cell(value)
            for value in [
                attendance.email,
                attendance.name,
                attendance.status,
                position,
                _local(attendance.created_at, session),
                _local(attendance.confirmed_at, session),
                _local(attendance.cancelled_at, session),
            ]
        )
    return response


def attendees_page(model_admin, request, session: Session):
    """The attendee list of `session`; `?format=csv` downloads it."""
    if request.GET.get("format") == "csv":
        return attendees_csv(session)
    rows = _rows(session)
    groups = [
        (label, [(a, position) for a, position in rows if a.status == status])
        for status, label in [
            (AttendanceStatus.GOING, "Going"),
            (AttendanceStatus.WAITING, "On the waitlist"),
            (AttendanceStatus.PENDING, "Awaiting confirmation of the address"),
            (AttendanceStatus.CANCELLED, "Cancelled"),
        ]
    ]
    going = len(groups[0][1])
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": f"Attendees of the {session}",
        "session": session,
        "groups": groups,
        "going": going,
        "places": session.places,
        "change_url": reverse("admin:meetups_session_change", args=[session.pk]),
        "csv_url": reverse("admin:meetups_session_attendees", args=[session.pk]) + "?format=csv",
    }
    return TemplateResponse(request, "meetups/admin/attendees.html", context)


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "session", "status", "queued_at", "cancelled_at"]
    list_filter = ["status", "session__series"]
    list_select_related = ["session__series"]
    search_fields = ["email", "name"]
    ordering = ["-session__starts_at", "queued_at", "pk"]
    actions = ["cancel_rsvps"]
    readonly_fields = [
        "session",
        "email",
        "name",
        "status",
        "queued_at",
        "created_at",
        "updated_at",
        "confirmed_at",
        "cancelled_at",
        "last_confirmation_sent_at",
    ]

    def has_add_permission(self, request):
        # RSVPs come in through the session page and the announcements' links only.
        return False

    @admin.action(description="Cancel selected RSVPs (the first waiting get their places)")
    def cancel_rsvps(self, request, queryset):
        cancelled = 0
        for token in queryset.values_list("token", flat=True):
            answer, _ = services.attendance_cancel(token=token)
            cancelled += answer == services.RsvpAnswer.CANCELLED
        self.message_user(
            request,
            ngettext("Cancelled %d RSVP.", "Cancelled %d RSVPs.", cancelled) % cancelled,
            messages.SUCCESS,
        )
