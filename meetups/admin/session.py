"""The admin of sessions: reading list, cancelling, duplicating, pasting citations, announcing."""

import uuid

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import ngettext

from meetups.admin.attendance import attendees_page, rsvp_summary
from meetups.admin.forms import AnnounceForm, CancelSessionsForm, SessionAdminForm
from meetups.admin.notices import desk_page, notify_page, offer_notice
from meetups.admin.pages import (
    citations_paste_page,
    intermediate_page,
    large_posts_reach_the_form,
)
from meetups.enums import AnnouncementKind, SessionStatus
from meetups.models import Announcement, ReadingListEntry, Series, Session
from meetups.services import (
    NothingToAnnounce,
    announcement_create,
    announcement_preview,
    announcement_send_test,
    attendance_fill_places,
    next_cadence_dates,
    session_duplicate_as_next,
)
from meetups.zones import combine
from portal.admin import PublicationStatusFilter, PublishableAdmin


class UpcomingPastFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", "Upcoming"), ("past", "Past")]

    def queryset(self, request, queryset):
        match self.value():
            case "upcoming":
                return queryset.upcoming()
            case "past":
                return queryset.past()
        return queryset


class ReadingListInline(admin.TabularInline):
    model = ReadingListEntry
    fields = ["position", "paper", "presenter", "note"]
    autocomplete_fields = ["paper"]
    ordering = ["position", "pk"]
    extra = 1


@admin.register(Session)
class SessionAdmin(PublishableAdmin):
    form = SessionAdminForm
    change_form_template = "meetups/admin/session_change_form.html"
    list_display = [
        "__str__",
        "title",
        "local_start",
        "session_status",
        "publication",
        "paper_count",
    ]
    list_display_links = ["__str__"]
    list_filter = ["series", UpcomingPastFilter, "status", PublicationStatusFilter, "tags"]
    list_select_related = ["series"]
    search_fields = ["title", "series__name", "description", "reading_list__paper__title"]
    ordering = ["-starts_at"]
    inlines = [ReadingListInline]
    actions = [
        "publish_now",
        "unpublish",
        "cancel_sessions",
        "reinstate_sessions",
        "duplicate_as_next",
    ]
    readonly_fields = ["sequence", "calendar_links", "rsvps"]
    fieldsets = [
        (None, {"fields": ["series", "number", "title", ("starts_at", "ends_at")]}),
        ("What we read", {"fields": ["description", "tags"]}),
        ("After the session", {"fields": ["write_up"]}),
        (
            "Where (empty: the series' place)",
            {
                "classes": ["collapse"],
                "fields": ["venue_name", "venue_address", "venue_map_url", "online_url"],
            },
        ),
        ("Status", {"fields": ["status", "cancellation_reason", "published_at"]}),
        ("RSVPs", {"fields": ["capacity", "rsvps_closed", "rsvps"]}),
        ("Calendar", {"fields": ["sequence", "calendar_links"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("series")
            .annotate(paper_total=Count("reading_list", distinct=True))
            .order_by(*Session._meta.ordering)
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/paste-citations/",
                self.admin_site.admin_view(large_posts_reach_the_form(self.paste_citations_view)),
                name="meetups_session_paste_citations",
            ),
            path(
                "<path:object_id>/announce/",
                self.admin_site.admin_view(self.announce_view),
                name="meetups_session_announce",
            ),
            path(
                "<path:object_id>/notify/",
                self.admin_site.admin_view(self.notify_view),
                name="meetups_session_notify",
            ),
            path(
                "<path:object_id>/attendees/",
                self.admin_site.admin_view(self.attendees_view),
                name="meetups_session_attendees",
            ),
            path(
                "desk/",
                self.admin_site.admin_view(self.desk_view),
                name="meetups_session_desk",
            ),
            *super().get_urls(),
        ]

    def get_changeform_initial_data(self, request):
        """The series (from ?series= or the only active one), its next number and slot."""
        initial = super().get_changeform_initial_data(request)
        series = None
        series_id = request.GET.get("series", "")
        if series_id.isdigit():
            series = Series.objects.filter(pk=series_id).first()
        else:
            active = list(Series.objects.filter(active=True)[:2])
            series = active[0] if len(active) == 1 else None
        if series is None:
            return initial
        (day,) = next_cadence_dates(series, count=1)
        starts_at = combine(day, series.cadence_time, series.zone)
        return {
            **initial,
            "series": series.pk,
            "number": series.next_session_number(),
            "starts_at": starts_at.replace(tzinfo=None),
            "ends_at": timezone.localtime(starts_at + series.duration, series.zone).replace(
                tzinfo=None
            ),
        }

    @admin.display(description="starts", ordering="starts_at")
    def local_start(self, session):
        # The site's own way of writing a date, so the admin and the pages read alike.
        return f"{session.date_text}, {session.local_start:%H:%M} {session.zone_label}"

    @admin.display(description="status", ordering="status")
    def session_status(self, session):
        if session.is_cancelled:
            return format_html('<strong class="cancelled">{}</strong>', "Cancelled")
        return "Scheduled"

    @admin.display(description="publication")
    def publication(self, session):
        return session.publication_status.label

    @admin.display(description="papers", ordering="paper_total")
    def paper_count(self, session):
        return session.paper_total

    @admin.display(description="calendar and exports")
    def calendar_links(self, session):
        if not session.pk:
            return "Available once saved."
        kwargs = {"series": session.series.slug, "number": session.number}
        links = [
            (reverse("meetups:session_calendar", kwargs=kwargs), "session.ics"),
            (reverse("meetups:session_bibtex", kwargs=kwargs), "reading-list.bib"),
        ]
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    @admin.action(description="Cancel selected sessions…")
    def cancel_sessions(self, request, queryset):
        form = CancelSessionsForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            cancelled = []
            for session in queryset.exclude(status=SessionStatus.CANCELLED):
                session.cancel(reason=form.cleaned_data["reason"])
                cancelled.append(session)
            self.message_user(
                request,
                ngettext("Cancelled %d session; ", "Cancelled %d sessions; ", len(cancelled))
                % len(cancelled)
                + "they stay listed, marked cancelled, and calendars show them as cancelled.",
                messages.SUCCESS,
            )
            offer_notice(self, request, cancelled)
            return None
        return intermediate_page(
            self,
            request,
            queryset.select_related("series"),
            template="meetups/admin/cancel_sessions.html",
            form=form,
            title="Cancel sessions",
            action="cancel_sessions",
        )

    @admin.action(description="Reinstate selected cancelled sessions")
    def reinstate_sessions(self, request, queryset):
        reinstated = 0
        for session in queryset.filter(status=SessionStatus.CANCELLED):
            session.reinstate()
            reinstated += 1
        self.message_user(
            request,
            ngettext("Reinstated %d session.", "Reinstated %d sessions.", reinstated) % reinstated,
            messages.SUCCESS,
        )

    @admin.action(description="Duplicate as next session")
    def duplicate_as_next(self, request, queryset):
        copies = [session_duplicate_as_next(session=session) for session in queryset]
        if len(copies) == 1:
            copy = copies[0]
            self.message_user(
                request,
                f"Created the {copy} as a draft on {copy.when_text}; "
                "its reading list and write-up start empty.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:meetups_session_change", args=[copy.pk]))
        self.message_user(
            request,
            ngettext("Created %d draft session.", "Created %d draft sessions.", len(copies))
            % len(copies),
            messages.SUCCESS,
        )
        return None

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            offer_notice(self, request, [obj])
            if {"capacity", "rsvps_closed"} & set(form.changed_data):
                # More places, or RSVPs open again: the first waiting get what is free.
                attendance_fill_places(session=obj)

    @admin.display(description="Answers")
    def rsvps(self, obj):
        return rsvp_summary(obj)

    def attendees_view(self, request, object_id):
        """Who is going, who waits (in queue order), who has not confirmed, who cancelled; CSV."""
        session = self.get_object(request, object_id)
        if session is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, session):
            raise PermissionDenied
        return attendees_page(self, request, session)

    def _session_to_mail_about(self, request, object_id):
        """The session an organizer may email about, or None if there is no such session."""
        session = self.get_object(request, object_id)
        if session is not None and not (
            self.has_change_permission(request, session)
            and request.user.has_perm("meetups.add_announcement")
        ):
            raise PermissionDenied
        return session

    def notify_view(self, request, object_id):
        """Preview and send the change or cancellation notice that is due, if one is."""
        session = self._session_to_mail_about(request, object_id)
        if session is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return notify_page(self, request, session)

    def desk_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return desk_page(self, request)

    def paste_citations_view(self, request, object_id):
        session = self.get_object(request, object_id)
        if session is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, session):
            raise PermissionDenied
        return citations_paste_page(
            self,
            request,
            session=session,
            back_url=reverse("admin:meetups_session_change", args=[session.pk]),
            title=f"Paste citations into the reading list of the {session}",
        )

    def announce_view(self, request, object_id):
        """
        Preview the announcement email (subject, text, HTML), send a test to the
        organizer's own address, or send it to every confirmed subscriber.
        """
        session = self._session_to_mail_about(request, object_id)
        if session is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        change_url = reverse("admin:meetups_session_change", args=[session.pk])
        subscribers = session.series.subscriptions.confirmed().count()
        if request.method == "POST":
            form = AnnounceForm(request.POST)
            already_announced = session.announcements.filter(
                kind=AnnouncementKind.ANNOUNCEMENT
            ).exists()
            if (
                form.is_valid()
                and "send" in request.POST
                and already_announced
                and not form.cleaned_data["send_again"]
                # A form sent twice is answered as such below, not asked again.
                and not Announcement.objects.filter(
                    request_key=form.cleaned_data["request_key"]
                ).exists()
            ):
                form.add_error(
                    "send_again",
                    "This session was already announced. Tick this box to send the "
                    "announcement to everyone again, or send a change notice instead.",
                )
            if form.is_valid() and "send" in request.POST:
                try:
                    announcement = announcement_create(
                        session=session,
                        subject=form.cleaned_data["subject"],
                        created_by=request.user,
                        request_key=form.cleaned_data["request_key"],
                    )
                except NothingToAnnounce as reason:
                    self.message_user(request, str(reason), messages.ERROR)
                except IntegrityError:
                    self.message_user(
                        request,
                        "This announcement was already sent (the form arrived twice); "
                        "nothing was sent again.",
                        messages.WARNING,
                    )
                    return HttpResponseRedirect(reverse("admin:meetups_announcement_changelist"))
                else:
                    count = announcement.deliveries.count()
                    self.message_user(
                        request,
                        f"Sending “{announcement.subject}” to {count} confirmed "
                        f"subscriber{'s' if count != 1 else ''} in the background.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:meetups_announcement_change", args=[announcement.pk])
                    )
            elif form.is_valid() and "test" in request.POST:
                if not request.user.email:
                    self.message_user(
                        request,
                        "Your account has no email address: add one to receive a test.",
                        messages.ERROR,
                    )
                else:
                    announcement_send_test(
                        session=session, subject=form.cleaned_data["subject"], to=request.user.email
                    )
                    self.message_user(
                        request, f"Sent a test to {request.user.email}.", messages.SUCCESS
                    )
        else:
            form = None
        subject = form.cleaned_data.get("subject", "") if form and form.is_valid() else ""
        preview = announcement_preview(session=session, subject=subject)
        if form is None:
            form = AnnounceForm(initial={"subject": preview.subject, "request_key": uuid.uuid4()})
        context = {
            **self.admin_site.each_context(request),
            "title": f"Announce the {session}",
            "opts": self.opts,
            "original": session,
            "form": form,
            "preview": preview,
            "subscribers": subscribers,
            "is_published": session.is_published(),
            "previous": session.announcements.with_delivery_counts().order_by("-created_at"),
            "already_announced": session.announcements.filter(
                kind=AnnouncementKind.ANNOUNCEMENT
            ).exists(),
            "back_url": change_url,
        }
        return TemplateResponse(request, "meetups/admin/announce.html", context)
