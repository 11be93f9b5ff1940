"""The admin of subscriptions (with a CSV export), announcements and their deliveries."""

import csv

from django.contrib import admin, messages
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import ngettext

from meetups.enums import DeliveryStatus
from meetups.models import Announcement, Delivery, Subscription
from meetups.services import announcement_resume
from portal.admin import CompactListMixin, short_datetime


def _csv_cell(value) -> str:
    """A spreadsheet must not run a cell as a formula (an address may start with = or +)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


@admin.register(Subscription)
class SubscriptionAdmin(CompactListMixin, admin.ModelAdmin):
    list_display = ["email", "series", "status", "since"]
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

    @admin.display(description="since", ordering="updated_at")
    def since(self, subscription):
        """When the address reached its state: confirmed, left, or asked."""
        moment = (
            subscription.unsubscribed_at or subscription.confirmed_at or subscription.created_at
        )
        return short_datetime(moment)

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
class AnnouncementAdmin(CompactListMixin, admin.ModelAdmin):
    list_display = ["subject", "kind", "status", "created", "sent", "failed", "pending"]
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

    @admin.display(description="created", ordering="created_at")
    def created(self, announcement):
        by = f" by {announcement.created_by}" if announcement.created_by else ""
        return f"{short_datetime(announcement.created_at)}{by}"

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
        failed = announcement.deliveries.filter(status=DeliveryStatus.FAILED).order_by("-pk")[:50]
        rows = [(delivery.email, delivery.last_error) for delivery in failed]
        if not rows:
            return "None."
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", rows))

    @admin.action(description="Resume sending to those not sent yet")
    def resume_sending(self, request, queryset):
        resumed = sum(announcement_resume(announcement=a) for a in queryset)
        self.message_user(
            request,
            ngettext(
                "Queued %d announcement to send what is still pending; ",
                "Queued %d announcements to send what is still pending; ",
                resumed,
            )
            % resumed
            + "nobody who already got one gets it again.",
            messages.SUCCESS,
        )


@admin.register(Delivery)
class DeliveryAdmin(CompactListMixin, admin.ModelAdmin):
    list_display = [
        "recipient",
        "announcement_subject",
        "status",
        "attempts",
        "last_error",
        "sent",
    ]
    list_filter = ["status", "announcement__kind", "announcement"]
    list_select_related = ["announcement"]
    search_fields = ["email"]
    list_per_page = 200

    def lookup_allowed(self, lookup, value, request=None):
        # The desk links a session's failed deliveries; the filter list would be too long.
        return lookup == "announcement__session__id__exact" or super().lookup_allowed(
            lookup, value, request
        )

    @admin.display(description="recipient", ordering="email")
    def recipient(self, delivery):
        return delivery.email

    @admin.display(description="announcement", ordering="announcement__subject")
    def announcement_subject(self, delivery):
        return Truncator(delivery.announcement.subject).chars(60)

    @admin.display(description="sent", ordering="sent_at")
    def sent(self, delivery):
        return short_datetime(delivery.sent_at)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
