"""
The paper club: a recurring `Series`, its numbered `Session`s, the `Paper`s
they read, the ordered reading list between a session and its papers, and the
subscriptions and announcements that reach attendees by email, the RSVPs of
attendees who are coming, and the attendees' suggestions of what to read next,
with their votes and presenters.
"""

from meetups.models.attendance import Attendance
from meetups.models.mailing import Announcement, Delivery, Subscription
from meetups.models.paper import Paper, ReadingListEntry
from meetups.models.series import Series
from meetups.models.session import Session
from meetups.models.suggestions import PresenterClaim, Suggestion, Vote
from meetups.models.suggestions_rounds import VotingRound

__all__ = [
    "Announcement",
    "Attendance",
    "Delivery",
    "Paper",
    "PresenterClaim",
    "ReadingListEntry",
    "Series",
    "Session",
    "Subscription",
    "Suggestion",
    "Vote",
    "VotingRound",
]
