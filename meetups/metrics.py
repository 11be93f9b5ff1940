"""The club's figures for /metrics, read from the database at each scrape."""

from django.db.models import Count

from meetups.enums import AnnouncementStatus, DeliveryStatus
from meetups.models import Announcement, Delivery
from portal.metrics import register_gauge


def deliveries_by_status():
    counts = dict(Delivery.objects.values_list("status").annotate(count=Count("pk")))
    for status in DeliveryStatus.values:
        yield (status,), counts.get(status, 0)


def announcements_sending():
    yield (), Announcement.objects.filter(status=AnnouncementStatus.SENDING).count()


register_gauge(
    name="club_deliveries",
    documentation="Announcement emails by delivery status (every announcement so far).",
    labels=("status",),
    read=deliveries_by_status,
)
register_gauge(
    name="club_announcements_sending",
    documentation="Announcements whose sending has not finished.",
    labels=(),
    read=announcements_sending,
)
