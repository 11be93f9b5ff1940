"""The admin of series: cadence, and scheduling the next sessions from it."""

from django.contrib import admin, messages
from django.contrib.humanize.templatetags.humanize import ordinal
from django.db.models import Count, IntegerField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import format_html

from meetups.admin.forms import ScheduleSessionsForm, SeriesAdminForm
from meetups.admin.pages import intermediate_page
from meetups.models import Series, Subscription
from meetups.services import attendance_fill_places, next_cadence_dates, session_schedule_next
from meetups.zones import combine, zone_label
from portal.admin import MarkdownAdminMixin


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
        ("Suggestions", {"fields": ["suggestions_need_approval"]}),
        ("RSVPs", {"fields": ["default_capacity"]}),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "default_capacity" in form.changed_data:
            # Sessions that take the series' number of places may have new ones to give.
            for session in obj.sessions.upcoming().filter(capacity__isnull=True):
                attendance_fill_places(session=session)

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
                if len(created) == 1:
                    done = f"scheduled the {ordinal(first.number)} session ({first.date_text})"
                else:
                    done = (
                        f"scheduled {len(created)} sessions, the {ordinal(first.number)} "
                        f"({first.date_text}) to the {ordinal(last.number)} ({last.date_text})"
                    )
                state = (
                    "published" if form.cleaned_data["publish"] else "drafts until you publish them"
                )
                self.message_user(request, f"{series}: {done}, {state}.", messages.SUCCESS)
            return None
        for series in queryset:
            starts = [
                combine(day, series.cadence_time, series.zone)
                for day in next_cadence_dates(series, count=3)
            ]
            series.preview_starts = [
                f"{dateformat.format(start, 'l, j F Y, H:i')} {zone_label(start)}"
                for start in starts
            ]
        return intermediate_page(
            self,
            request,
            queryset,
            template="meetups/admin/schedule_sessions.html",
            form=form,
            title="Schedule the next sessions",
            action="schedule_sessions",
        )
