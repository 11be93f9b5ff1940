"""
Choosing what to read: attendees' suggestions of papers for a series, the votes
they gather, and the offers to present a suggested or listed paper.
"""

import secrets

from django.db import models
from django.db.models import Count, Q
from django.urls import reverse

from meetups.enums import ClaimStatus, SuggestionStatus, VoteStatus
from meetups.models.paper import Paper, ReadingListEntry
from meetups.models.series import Series
from meetups.models.session import Session
from portal.models import RenderedMarkdownMixin

# Statuses in which a suggestion still stands for its paper: one per paper and series.
NOT_CLOSED = (
    SuggestionStatus.UNCONFIRMED,
    SuggestionStatus.PENDING_APPROVAL,
    SuggestionStatus.OPEN,
)


def new_token() -> str:
    """An unguessable key for a personal link; it says nothing about the row it opens."""
    return secrets.token_urlsafe(24)


class SuggestionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=SuggestionStatus.OPEN)

    def not_closed(self):
        return self.filter(status__in=NOT_CLOSED)

    def with_vote_count(self):
        """With `vote_count`: the counted votes (the suggester's own among them)."""
        return self.annotate(
            vote_count=Count("votes", filter=Q(votes__status=VoteStatus.COUNTED), distinct=True)
        )

    def ranked(self):
        """Most votes first, then the oldest: a suggestion waiting longer wins a tie."""
        return self.with_vote_count().order_by("-vote_count", "confirmed_at", "created_at", "pk")


class Suggestion(RenderedMarkdownMixin, models.Model):
    """One attendee's proposal that a series reads a paper."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="suggestions")
    paper = models.ForeignKey(Paper, on_delete=models.PROTECT, related_name="suggestions")
    why = models.TextField(
        "why read it", blank=True, help_text="Markdown, from the suggester; shown sanitized."
    )
    why_html = models.TextField(editable=False, default="")
    email = models.EmailField(
        max_length=254, help_text="The suggester; normalized, never shown publicly."
    )
    status = models.CharField(
        max_length=20, choices=SuggestionStatus.choices, default=SuggestionStatus.UNCONFIRMED
    )
    reject_reason = models.TextField(
        blank=True, help_text="Sent to the suggester when the suggestion is rejected."
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_suggestions",
        help_text="The suggestion this duplicate's votes moved to.",
    )
    accepted_session = models.ForeignKey(
        Session,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accepted_suggestions",
    )
    accepted_entry = models.ForeignKey(
        ReadingListEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        help_text="The reading-list entry the suggestion became.",
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    markdown_fields = {"why": "why_html"}

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "paper"],
                condition=Q(status__in=NOT_CLOSED),
                name="meetups_suggestion_one_open_per_paper",
                violation_error_message="This paper is already suggested for this series.",
            )
        ]

    def __str__(self):
        return f"{self.paper.title} ({self.series})"

    def get_absolute_url(self):
        return reverse("meetups:suggestion_list", kwargs={"series": self.series.slug})

    @property
    def is_closed(self) -> bool:
        return self.status not in NOT_CLOSED


class Vote(models.Model):
    """One address backing one suggestion; counted once confirmed, changeable later."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="votes")
    email = models.EmailField(max_length=254, help_text="Normalized; never shown publicly.")
    status = models.CharField(
        max_length=20, choices=VoteStatus.choices, default=VoteStatus.UNCONFIRMED
    )
    notify = models.BooleanField(
        default=False, help_text="Tell this address when the suggestion is accepted."
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["suggestion_id", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "email"],
                name="meetups_vote_once_per_address",
                violation_error_message="This address already voted for this suggestion.",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.suggestion}"

    def get_absolute_url(self):
        return self.suggestion.get_absolute_url()


class PresenterClaim(models.Model):
    """“I'll present this”: an offer for a suggested paper or a reading-list entry."""

    suggestion = models.ForeignKey(
        Suggestion,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="presenter_claims",
    )
    entry = models.ForeignKey(
        ReadingListEntry,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="presenter_claims",
    )
    email = models.EmailField(max_length=254, help_text="Normalized; never shown publicly.")
    name = models.CharField(max_length=200, help_text="Shown as the presenter once approved.")
    status = models.CharField(
        max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.UNCONFIRMED
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(suggestion__isnull=False, entry__isnull=True)
                    | Q(suggestion__isnull=True, entry__isnull=False)
                ),
                name="meetups_presenter_claim_one_target",
                violation_error_message="A claim is for a suggestion or a reading-list entry, "
                "not both.",
            )
        ]

    def __str__(self):
        target = self.entry or self.suggestion
        return f"{self.name} presents {target}"

    def get_absolute_url(self):
        if self.entry_id is not None:
            return self.entry.get_absolute_url()
        return self.suggestion.get_absolute_url()
