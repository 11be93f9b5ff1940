"""
The club's fixed vocabularies. They live apart from the models so that parsers,
emails and migrations can name a status or a kind without importing the models.
"""

from django.db import models


class Weekday(models.IntegerChoices):
    # Python's date.weekday() numbering, so no translation is needed.
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class PaperKind(models.TextChoices):
    """The BibTeX entry type, so that exports name the venue the way citation styles expect."""

    ARTICLE = "article", "Journal article"
    INPROCEEDINGS = "inproceedings", "Conference or workshop paper"
    TECHREPORT = "techreport", "Technical report"
    BOOK = "book", "Book"
    THESIS = "phdthesis", "Thesis"
    MISC = "misc", "Preprint or other"


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", "Pending confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"


class AnnouncementKind(models.TextChoices):
    ANNOUNCEMENT = "announcement", "Announcement"
    REMINDER = "reminder", "Reminder"
    # To everyone concerned when an announced session moves or is cancelled.
    CHANGE = "change", "Change notice"
    CANCELLATION = "cancellation", "Cancellation notice"
    # To the suggester and the voters who asked to hear, when a suggestion is accepted.
    SUGGESTION_ACCEPTED = "suggestion_accepted", "Suggestion accepted"


class AnnouncementStatus(models.TextChoices):
    SENDING = "sending", "Sending"
    FINISHED = "finished", "Finished"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped (unsubscribed or RSVP cancelled before sending)"


class SuggestionStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", "Waiting for the suggester's confirmation"
    PENDING_APPROVAL = "pending_approval", "Waiting for the organizer's approval"
    OPEN = "open", "Open for votes"
    ACCEPTED = "accepted", "Accepted into a session"
    REJECTED = "rejected", "Rejected"
    MERGED = "merged", "Merged into another suggestion"


class VoteStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", "Waiting for the voter's confirmation"
    COUNTED = "counted", "Counted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ClaimStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", "Waiting for the presenter's confirmation"
    PENDING = "pending", "Waiting for the organizer"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class AttendanceStatus(models.TextChoices):
    PENDING = "pending", "Awaiting confirmation of the address"
    GOING = "going", "Going"
    WAITING = "waiting", "On the waitlist"
    CANCELLED = "cancelled", "Cancelled"
