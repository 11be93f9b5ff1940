"""
“Vote for the next session”: a round the organizer opens on a series until a
closing time. While it is open, an address backs one suggestion of the series at
a time: voting for another moves its vote there.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import dateformat, timezone

from meetups.models.series import Series


class VotingRoundQuerySet(models.QuerySet):
    def open(self, *, now: datetime | None = None):
        return self.filter(opens_at__lte=now or timezone.now(), closes_at__gt=now or timezone.now())


class VotingRound(models.Model):
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="voting_rounds")
    opens_at = models.DateTimeField("opens", default=timezone.now)
    closes_at = models.DateTimeField(
        "closes", help_text="Until then, each address has one vote among the open suggestions."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VotingRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-closes_at", "-pk"]
        verbose_name = "voting round"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="meetups_voting_round_closes_after_opening",
                violation_error_message="A round must close after it opens.",
            )
        ]

    def __str__(self):
        return f"Vote for the next session of {self.series} (until {self.closes_text})"

    def get_absolute_url(self):
        return reverse("meetups:suggestion_list", kwargs={"series": self.series.slug})

    @property
    def closes_text(self) -> str:
        """“Tuesday, 13 January 2026, 19:00” in the series' time zone."""
        return dateformat.format(
            timezone.localtime(self.closes_at, self.series.zone), "l, j F Y, H:i"
        )

    def is_open(self, *, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def clean(self):
        super().clean()
        if not (self.series_id and self.opens_at and self.closes_at):
            return
        overlapping = VotingRound.objects.filter(
            series_id=self.series_id, opens_at__lt=self.closes_at, closes_at__gt=self.opens_at
        ).exclude(pk=self.pk)
        if overlapping.exists():
            raise ValidationError("The series has a round at that time already.")
