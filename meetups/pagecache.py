"""
What changes the club's pages: series, sessions, papers and reading lists,
RSVPs, suggestions with their votes and presenters, and time.
"""

from django.db.models import Min, Q

from meetups.models import (
    Attendance,
    Paper,
    PresenterClaim,
    ReadingListEntry,
    Series,
    Session,
    Suggestion,
    Vote,
    VotingRound,
)
from portal.pagecache import PageChanges, register


def next_change(now):
    """
    The next moment club pages change by themselves: a scheduled session is
    published, a session starts, or one ends and moves from “Coming up” to the past.
    """
    found = Session.objects.aggregate(
        published=Min("published_at", filter=Q(published_at__gt=now)),
        starts=Min("starts_at", filter=Q(starts_at__gt=now)),
        ends=Min("ends_at", filter=Q(ends_at__gt=now)),
    )
    # A voting round opening or closing changes the suggestions page and the vote answers.
    found |= VotingRound.objects.aggregate(
        round_opens=Min("opens_at", filter=Q(opens_at__gt=now)),
        round_closes=Min("closes_at", filter=Q(closes_at__gt=now)),
    )
    return min((moment for moment in found.values() if moment is not None), default=None)


register(
    PageChanges(
        name="meetups",
        # A session page shows how many places are taken and how many wait.
        models=(
            Series,
            Session,
            Paper,
            ReadingListEntry,
            Attendance,
            Suggestion,
            Vote,
            VotingRound,
            PresenterClaim,
        ),
        next_change=next_change,
    )
)
