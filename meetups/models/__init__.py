"""
The paper club: a recurring `Series`, its numbered `Session`s, the `Paper`s
they read, the ordered reading list between a session and its papers, and the
subscriptions and announcements that reach attendees by email.
"""

from meetups.models.mailing import Announcement, Delivery, Subscription
from meetups.models.paper import Paper, ReadingListEntry
from meetups.models.series import Series
from meetups.models.session import Session

__all__ = [
    "Announcement",
    "Delivery",
    "Paper",
    "ReadingListEntry",
    "Series",
    "Session",
    "Subscription",
]
