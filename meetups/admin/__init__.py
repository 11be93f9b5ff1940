import csv
import uuid
from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers, widgets
from django.contrib.humanize.templatetags.humanize import ordinal
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Count, IntegerField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from meetups.enums import DeliveryStatus, SessionStatus
from meetups.models import (
    Announcement,
    Delivery,
    Paper,
    ReadingListEntry,
    Series,
    Session,
    Subscription,
)
from meetups.services import (
    NothingToAnnounce,
    announcement_create,
    announcement_preview,
    announcement_resume,
    announcement_send_test,
    next_cadence_dates,
    reading_list_import_bibtex,
    session_duplicate_as_next,
    session_schedule_next,
)
from meetups.zones import NonexistentLocalTime, combine, localize, time_zone_choices, zone_label
from portal.admin import MarkdownAdminMixin, PublicationStatusFilter, PublishableAdmin

# --- forms ------------------------------------------------------------------------------


class LocalDateTimeField(forms.SplitDateTimeField):
    """
    A date and a wall-clock time with no zone attached: the session form applies
    the series' zone, not the server's.
    """

    widget = widgets.AdminSplitDateTime

    def compress(self, data_list):
        if not data_list:
            return None
        if data_list[0] in self.empty_values:
            raise forms.ValidationError(self.error_messages["invalid_date"], code="invalid_date")
        if data_list[1] in self.empty_values:
            raise forms.ValidationError(self.error_messages["invalid_time"], code="invalid_time")
        return datetime.combine(*data_list)


class SessionAdminForm(forms.ModelForm):
    starts_at = LocalDateTimeField(label="Starts")
    ends_at = LocalDateTimeField(label="Ends")

    class Meta:
        model = Session
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        series_field = self.fields.get("series")
        if series_field is not None:
            series_field.label_from_instance = lambda series: f"{series.name} ({series.time_zone})"
        zone_hint = "the series' time zone (shown beside its name)"
        if self.instance.pk:
            zone = self.instance.series.zone
            zone_hint = zone.key
            for name in ("starts_at", "ends_at"):
                local = timezone.localtime(getattr(self.instance, name), zone)
                self.initial[name] = local.replace(tzinfo=None)
        self.fields["starts_at"].help_text = f"Local wall-clock time in {zone_hint}."
        self.fields["ends_at"].help_text = f"Local wall-clock time in {zone_hint}."

    def clean(self):
        cleaned_data = super().clean()
        series = cleaned_data.get("series")
        for name in ("starts_at", "ends_at"):
            naive = cleaned_data.get(name)
            if naive is None:
                continue
            if series is None:
                # Without a series there is no zone to read the time in.
                cleaned_data.pop(name)
                continue
            try:
                cleaned_data[name] = localize(naive, series.zone)
            except NonexistentLocalTime as error:
                self.add_error(name, str(error))
        return cleaned_data


class SeriesAdminForm(forms.ModelForm):
    class Meta:
        model = Series
        fields = "__all__"
        widgets = {"time_zone": forms.Select(choices=time_zone_choices)}


class ScheduleSessionsForm(forms.Form):
    count = forms.IntegerField(
        label="How many sessions",
        min_value=1,
        max_value=52,
        initial=4,
        help_text="Created after each series' latest session, following its cadence.",
    )
    publish = forms.BooleanField(
        label="Publish them now (they appear on the site and in calendars)",
        required=False,
        initial=True,
    )


class CancelSessionsForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown on the session page, in feeds and in calendars.",
    )


class BibtexImportForm(forms.Form):
    bibtex = forms.CharField(
        label="BibTeX",
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 18, "cols": 100, "spellcheck": "false"}),
        help_text="Paste one or more entries (e.g. from Google Scholar, DBLP or the ACM DL). "
        "Papers already in the library (same DOI or arXiv id) are reused.",
    )


class AnnounceForm(forms.Form):
    subject = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"size": 90}))
    # One key per preview: sending the same form twice (a double click) announces once.
    request_key = forms.UUIDField(widget=forms.HiddenInput)


def _intermediate_page(model_admin, request, queryset, *, template, form, title, action):
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "queryset": queryset,
        "form": form,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, template, context)


def _bibtex_import_page(model_admin, request, *, session=None, back_url, title):
    if not request.user.has_perm("meetups.add_paper"):
        raise PermissionDenied
    form = BibtexImportForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = reading_list_import_bibtex(text=form.cleaned_data["bibtex"], session=session)
        if result.created or result.reused:
            where = "the reading list" if session is not None else "the library"
            model_admin.message_user(
                request,
                f"Added {len(result.created) + len(result.reused)} paper(s) to {where} "
                f"({len(result.created)} new in the library, {len(result.reused)} already there).",
                messages.SUCCESS,
            )
        if not result.problems:
            return HttpResponseRedirect(back_url)
        # The good entries are saved; offer only the failed ones for correction.
        form = BibtexImportForm(initial={"bibtex": result.failed_text})
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "original": session,
        "form": form,
        "result": result,
        "back_url": back_url,
    }
    return TemplateResponse(request, "meetups/admin/bibtex_import.html", context)


# --- filters ----------------------------------------------------------------------------


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


# --- series -------------------------------------------------------------------------------


@admin.register(Series)
class SeriesAdmin(MarkdownAdminMixin, admin.ModelAdmin):
    form = SeriesAdminForm
    list_display = ["name", "cadence", "active", "session_count", "subscriber_count", "add_session"]
    list_filter = ["active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["schedule_sessions"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "active"]}),
        (
            "Cadence",
            {
                "fields": [
                    "time_zone",
                    ("cadence_weeks", "cadence_weekday", "cadence_time"),
                    "duration_minutes",
                ]
            },
        ),
        (
            "Where",
            {"fields": ["venue_name", "venue_address", "venue_map_url", "online_url"]},
        ),
        ("Email", {"fields": ["remind_hours_before"]}),
    ]

    def get_queryset(self, request):
        # A subquery, not a join: joining subscriptions would multiply the session count.
        confirmed = (
            Subscription.objects.confirmed()
            .filter(series=OuterRef("pk"))
            .order_by()
            .values("series")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                session_total=Count("sessions"),
                highest_number=Max("sessions__number"),
                subscriber_total=Coalesce(Subquery(confirmed, output_field=IntegerField()), 0),
            )
            .order_by(*Series._meta.ordering)
        )

    @admin.display(description="subscribers", ordering="subscriber_total")
    def subscriber_count(self, series):
        url = reverse("admin:meetups_subscription_changelist")
        return format_html(
            '<a href="{}?series__id__exact={}&amp;status__exact=confirmed">{} confirmed</a>',
            url,
            series.pk,
            series.subscriber_total,
        )

    @admin.display(description="cadence")
    def cadence(self, series):
        return series.cadence_text

    @admin.display(description="sessions", ordering="session_total")
    def session_count(self, series):
        return series.session_total

    @admin.display(description="")
    def add_session(self, series):
        url = reverse("admin:meetups_session_add") + f"?series={series.pk}"
        return format_html(
            '<a href="{}">Add the {} session</a>', url, ordinal((series.highest_number or 0) + 1)
        )

    @admin.action(description="Schedule the next N sessions…")
    def schedule_sessions(self, request, queryset):
        form = ScheduleSessionsForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            for series in queryset:
                created = session_schedule_next(
                    series=series,
                    count=form.cleaned_data["count"],
                    publish=form.cleaned_data["publish"],
                )
                first, last = created[0], created[-1]
                self.message_user(
                    request,
                    f"{series}: scheduled {len(created)} session(s), the "
                    f"{ordinal(first.number)} ({first.date_text}) to the "
                    f"{ordinal(last.number)} ({last.date_text}).",
                    messages.SUCCESS,
                )
            return None
        for series in queryset:
            starts = [
                combine(day, series.cadence_time, series.zone)
                for day in next_cadence_dates(series, count=3)
            ]
            series.preview_starts = [
                f"{start:%a %d %b %Y, %H:%M} {zone_label(start)}" for start in starts
            ]
        return _intermediate_page(
            self,
            request,
            queryset,
            template="meetups/admin/schedule_sessions.html",
            form=form,
            title="Schedule the next sessions",
            action="schedule_sessions",
        )


# --- sessions -------------------------------------------------------------------------------


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
    readonly_fields = ["sequence", "calendar_links"]
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
                "<path:object_id>/import-bibtex/",
                self.admin_site.admin_view(self.import_bibtex_view),
                name="meetups_session_import_bibtex",
            ),
            path(
                "<path:object_id>/announce/",
                self.admin_site.admin_view(self.announce_view),
                name="meetups_session_announce",
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
        return f"{session.local_start:%a %d %b %Y, %H:%M} {session.zone_label}"

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
            cancelled = 0
            for session in queryset.exclude(status=SessionStatus.CANCELLED):
                session.cancel(reason=form.cleaned_data["reason"])
                cancelled += 1
            self.message_user(
                request,
                f"Cancelled {cancelled} session(s); they stay listed, marked cancelled, "
                "and calendars show them as cancelled.",
                messages.SUCCESS,
            )
            return None
        return _intermediate_page(
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
        self.message_user(request, f"Reinstated {reinstated} session(s).", messages.SUCCESS)

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
        self.message_user(request, f"Created {len(copies)} draft session(s).", messages.SUCCESS)
        return None

    def import_bibtex_view(self, request, object_id):
        session = self.get_object(request, object_id)
        if session is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, session):
            raise PermissionDenied
        return _bibtex_import_page(
            self,
            request,
            session=session,
            back_url=reverse("admin:meetups_session_change", args=[session.pk]),
            title=f"Add papers to the {session} from BibTeX",
        )

    def announce_view(self, request, object_id):
        """
        Preview the announcement email (subject, text, HTML), send a test to the
        organizer's own address, or send it to every confirmed subscriber.
        """
        session = self.get_object(request, object_id)
        if session is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not (
            self.has_change_permission(request, session)
            and request.user.has_perm("meetups.add_announcement")
        ):
            raise PermissionDenied
        change_url = reverse("admin:meetups_session_change", args=[session.pk])
        subscribers = session.series.subscriptions.confirmed().count()
        if request.method == "POST":
            form = AnnounceForm(request.POST)
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
            "back_url": change_url,
        }
        return TemplateResponse(request, "meetups/admin/announce.html", context)


# --- subscriptions and announcements -----------------------------------------------------------


def _csv_cell(value) -> str:
    """A spreadsheet must not run a cell as a formula (an address may start with = or +)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "series", "status", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = ["status", "series"]
    list_select_related = ["series"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    actions = ["export_csv"]
    readonly_fields = [
        "series",
        "email",
        "status",
        "created_at",
        "updated_at",
        "confirmed_at",
        "unsubscribed_at",
        "last_confirmation_sent_at",
    ]

    def has_add_permission(self, request):
        # Addresses come in through the double opt-in form only.
        return False

    @admin.action(description="Export selected subscribers as CSV")
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="subscribers-{stamp}.csv"'
        writer = csv.writer(response)
        writer.writerow(["email", "series", "status", "subscribed", "confirmed", "unsubscribed"])
        for subscription in queryset.select_related("series").order_by("series__name", "email"):
            writer.writerow(
                _csv_cell(value)
                for value in [
                    subscription.email,
                    subscription.series.name,
                    subscription.status,
                    subscription.created_at.isoformat(),
                    subscription.confirmed_at.isoformat() if subscription.confirmed_at else "",
                    subscription.unsubscribed_at.isoformat()
                    if subscription.unsubscribed_at
                    else "",
                ]
            )
        return response


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "session",
        "kind",
        "status",
        "created_at",
        "created_by",
        "sent",
        "failed",
        "pending",
    ]
    list_filter = ["kind", "status", "session__series"]
    list_select_related = ["session__series", "created_by"]
    search_fields = ["subject"]
    actions = ["resume_sending"]
    readonly_fields = [
        "session",
        "kind",
        "subject",
        "created_by",
        "created_at",
        "status",
        "finished_at",
        "delivery_summary",
        "failures",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).with_delivery_counts()

    def has_add_permission(self, request):
        # Announcements start from a session's "Announce" page, with its preview.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="sent", ordering="sent_count")
    def sent(self, announcement):
        return announcement.sent_count

    @admin.display(description="failed", ordering="failed_count")
    def failed(self, announcement):
        return announcement.failed_count

    @admin.display(description="pending", ordering="pending_count")
    def pending(self, announcement):
        return announcement.pending_count

    @admin.display(description="deliveries")
    def delivery_summary(self, announcement):
        url = reverse("admin:meetups_delivery_changelist")
        counts = [
            (
                f"{url}?announcement__id__exact={announcement.pk}&status__exact={status.value}",
                getattr(announcement, f"{status.value}_count", 0),
                status.label.lower(),
            )
            for status in DeliveryStatus
        ]
        return format_html_join(" · ", '<a href="{}">{} {}</a>', counts)

    @admin.display(description="failures (latest 50)")
    def failures(self, announcement):
        failed = (
            announcement.deliveries.filter(status=DeliveryStatus.FAILED)
            .select_related("subscription")
            .order_by("-pk")[:50]
        )
        rows = [(delivery.subscription.email, delivery.last_error) for delivery in failed]
        if not rows:
            return "None."
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", rows))

    @admin.action(description="Resume sending to those not sent yet")
    def resume_sending(self, request, queryset):
        resumed = sum(announcement_resume(announcement=a) for a in queryset)
        self.message_user(
            request,
            f"Queued {resumed} announcement(s) to send what is still pending; "
            "nobody who already got one gets it again.",
            messages.SUCCESS,
        )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["recipient", "announcement", "status", "attempts", "last_error", "sent_at"]
    list_filter = ["status", "announcement__kind", "announcement"]
    list_select_related = ["subscription", "announcement"]
    search_fields = ["subscription__email"]
    list_per_page = 200

    @admin.display(description="recipient", ordering="subscription__email")
    def recipient(self, delivery):
        return delivery.subscription.email

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- papers -------------------------------------------------------------------------------


class ReadingInline(admin.TabularInline):
    model = ReadingListEntry
    fields = ["session", "position", "presenter", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "reading"
    verbose_name_plural = "read in"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    change_list_template = "meetups/admin/paper_change_list.html"
    list_display = ["title", "authors_short", "venue", "year", "identifiers", "reading_count"]
    list_filter = ["kind", "year"]
    search_fields = ["title", "authors", "doi", "arxiv_id", "venue"]
    inlines = [ReadingInline]
    fieldsets = [
        (None, {"fields": ["title", "authors", ("kind", "venue", "year")]}),
        ("Links", {"fields": ["doi", "arxiv_id", "url", "pdf_url"]}),
        (None, {"fields": ["abstract"]}),
    ]

    def get_queryset(self, request):
        # An aggregate drops Meta.ordering; autocomplete pages need a stable order.
        return (
            super()
            .get_queryset(request)
            .annotate(reading_total=Count("readings"))
            .order_by(*Paper._meta.ordering)
        )

    def get_urls(self):
        return [
            path(
                "import-bibtex/",
                self.admin_site.admin_view(self.import_bibtex_view),
                name="meetups_paper_import_bibtex",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="authors")
    def authors_short(self, paper):
        return paper.authors_short

    @admin.display(description="DOI / arXiv")
    def identifiers(self, paper):
        return " · ".join(
            part for part in [paper.doi, paper.arxiv_id and f"arXiv:{paper.arxiv_id}"] if part
        )

    @admin.display(description="read", ordering="reading_total")
    def reading_count(self, paper):
        return paper.reading_total

    def import_bibtex_view(self, request):
        return _bibtex_import_page(
            self,
            request,
            back_url=reverse("admin:meetups_paper_changelist"),
            title="Add papers to the library from BibTeX",
        )
