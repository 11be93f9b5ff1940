"""RSVPs: who is coming to a session, who waits for a place, and who cancelled."""

import secrets

from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from meetups.enums import AttendanceStatus
from meetups.identifiers import normalize_email
from meetups.models.session import Session


def new_attendance_token() -> str:
    """The key of an RSVP's links: random, so a link says nothing about its address."""
    return secrets.token_urlsafe(24)


class AttendanceQuerySet(models.QuerySet):
    def going(self):
        return self.filter(status=AttendanceStatus.GOING)

    def waiting(self):
        """The waitlist, first in the queue first."""
        return self.filter(status=AttendanceStatus.WAITING).order_by("queued_at", "pk")

    def holding_a_place(self):
        """Going or waiting: what an organizer plans with."""
        return self.filter(status__in=[AttendanceStatus.GOING, AttendanceStatus.WAITING])

    def of_address(self, email: str):
        """Every RSVP of `email` (normalized first), with its session and series."""
        return self.filter(email=normalize_email(email)).select_related("session__series")


def _count_of(status: str):
    counted = (
        Attendance.objects.filter(session=OuterRef("pk"), status=status)
        .order_by()
        .values("session")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted), 0)


def with_attendance_counts(sessions):
    """`sessions` with `going_count` and `waiting_count`, counted in the same query."""
    return sessions.annotate(
        going_count=_count_of(AttendanceStatus.GOING),
        waiting_count=_count_of(AttendanceStatus.WAITING),
    )


class Attendance(models.Model):
    """
    One address's RSVP to one session. It holds a place only once the address is
    confirmed: `going`, or `waiting` in the order of `queued_at` while the session is full.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    email = models.EmailField(max_length=254, help_text="Normalized: no spaces, domain lower-case.")
    name = models.CharField(
        max_length=200, blank=True, help_text="Optional; shown to the organizer only."
    )
    status = models.CharField(
        max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.PENDING
    )
    token = models.CharField(
        max_length=64,
        unique=True,
        default=new_attendance_token,
        editable=False,
        help_text="The key of this RSVP's links.",
    )
    queued_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it joined the queue for a place; the waitlist is served in this order.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    last_confirmation_sent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the last confirmation email was queued; another waits a while.",
    )

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["session", "queued_at", "created_at", "pk"]
        verbose_name = "RSVP"
        verbose_name_plural = "RSVPs"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email"],
                name="meetups_attendance_once_per_session",
                violation_error_message="This address has already answered for this session.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "cancelled"]) | Q(queued_at__isnull=False),
                name="meetups_attendance_queued_when_holding",
                violation_error_message="Going or waiting needs the time it joined the queue.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["session", "status", "queued_at"], name="meetups_attendance_queue"
            ),
            models.Index(fields=["email"], name="meetups_attendance_email"),
        ]

    def __str__(self):
        return f"{self.email} → {self.session} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("meetups:attendance_detail", kwargs={"token": self.token})

    @property
    def is_going(self) -> bool:
        return self.status == AttendanceStatus.GOING

    @property
    def is_waiting(self) -> bool:
        return self.status == AttendanceStatus.WAITING

    @property
    def is_cancelled(self) -> bool:
        return self.status == AttendanceStatus.CANCELLED

    @property
    def is_pending(self) -> bool:
        return self.status == AttendanceStatus.PENDING

    def waitlist_position(self) -> int | None:
        """1 for the first in the queue; None when not waiting."""
        if not self.is_waiting:
            return None
        ahead = Attendance.objects.filter(
            session_id=self.session_id, status=AttendanceStatus.WAITING
        ).filter(Q(queued_at__lt=self.queued_at) | Q(queued_at=self.queued_at, pk__lt=self.pk))
        return ahead.count() + 1
