"""Who follows a series by email, and each announcement sent to them, one delivery per address."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from meetups.enums import AnnouncementKind, AnnouncementStatus, DeliveryStatus, SubscriptionStatus
from meetups.identifiers import normalize_email
from meetups.models.attendance import Attendance
from meetups.models.series import Series
from meetups.models.session import Session


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=SubscriptionStatus.CONFIRMED)

    def pending(self):
        return self.filter(status=SubscriptionStatus.PENDING)

    def unsubscribed(self):
        return self.filter(status=SubscriptionStatus.UNSUBSCRIBED)

    def of_address(self, email: str):
        """Every subscription of `email` (normalized first), with its series."""
        return self.filter(email=normalize_email(email)).select_related("series")


class Subscription(models.Model):
    """One email address following one series; only confirmed ones receive announcements."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="subscriptions")
    email = models.EmailField(max_length=254, help_text="Normalized: no spaces, domain lower-case.")
    status = models.CharField(
        max_length=20, choices=SubscriptionStatus.choices, default=SubscriptionStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    last_confirmation_sent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the last confirmation email was queued; another waits a while.",
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["email", "series_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "email"],
                name="meetups_subscription_once_per_series",
                violation_error_message="This address already follows this series.",
            )
        ]

    def __str__(self):
        return f"{self.email} ({self.series})"

    def get_absolute_url(self):
        return reverse("meetups:subscribe", kwargs={"series": self.series.slug})

    @property
    def is_confirmed(self) -> bool:
        return self.status == SubscriptionStatus.CONFIRMED


class AnnouncementQuerySet(models.QuerySet):
    def with_delivery_counts(self):
        """With `sent_count`, `failed_count`, `pending_count`, `skipped_count`."""
        return self.annotate(
            **{
                f"{status}_count": models.Count("deliveries", filter=Q(deliveries__status=status))
                for status in DeliveryStatus.values
            }
        )


class Announcement(models.Model):
    """
    One email about a session to every confirmed subscriber of its series. The
    subject and both bodies are fixed when it is created (what the organizer
    previewed is what goes out); each recipient's links are filled in at sending.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="announcements")
    kind = models.CharField(
        max_length=20, choices=AnnouncementKind.choices, default=AnnouncementKind.ANNOUNCEMENT
    )
    subject = models.CharField(max_length=200)
    body_text = models.TextField(editable=False)
    body_html = models.TextField(editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="club_announcements",
        help_text="Empty for reminders, which are sent by `send_reminders`.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=20, choices=AnnouncementStatus.choices, default=AnnouncementStatus.SENDING
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    request_key = models.UUIDField(
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="The preview form's one-time key: a form sent twice announces once.",
    )
    # Who is sending right now, and until when that claim holds without renewal: a
    # worker that dies loses it, and the next run takes over.
    lease_owner = models.CharField(max_length=64, blank=True, editable=False)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The one queued run allowed to continue this announcement; older ones stop at once.
    run_token = models.UUIDField(null=True, blank=True, editable=False)
    # What the email told its recipients about the session: its calendar SEQUENCE and its
    # time, place and status then. A later change notice says what changed since.
    sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    session_state = models.JSONField(default=dict, blank=True, editable=False)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(kind="reminder"),
                name="meetups_announcement_one_reminder_per_session",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"

    def get_absolute_url(self):
        return self.session.get_absolute_url()


class Delivery(models.Model):
    """
    One announcement to one address: sent once, or failed with the reason. The
    address may come with why it is on the list (a subscription, an RSVP, or
    both); the run skips it if none of those still holds when it is its turn.
    A delivery with neither goes to the address as it stands.
    """

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="deliveries"
    )
    email = models.EmailField(max_length=254, help_text="Normalized, like subscriptions'.")
    # Deleting the subscription (or RSVP) deletes what was to be sent on its account.
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries", null=True, blank=True
    )
    attendance = models.ForeignKey(
        Attendance, on_delete=models.CASCADE, related_name="deliveries", null=True, blank=True
    )
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(
        default=timezone.now, help_text="A temporary failure is retried from then on."
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "email"],
                name="meetups_delivery_once_per_address",
                violation_error_message="This address already gets this email.",
            )
        ]
        indexes = [
            models.Index(
                fields=["announcement", "status", "next_attempt_at"],
                name="meetups_delivery_due",
            )
        ]

    def __str__(self):
        return f"{self.announcement.subject} → {self.email}"

    def get_absolute_url(self):
        return self.announcement.get_absolute_url()
