"""Suggestions of papers for a series, and their votes, in any state."""

import pytest
from django.utils import timezone


@pytest.fixture
def make_suggestion(series, make_paper):
    """
    Factory: make_suggestion(paper=new, status="open", email=..., votes=N, of=series,
    **fields) → a saved Suggestion whose suggester's vote counts, plus N more counted votes.
    """
    from meetups.enums import SuggestionStatus, VoteStatus
    from meetups.models import Suggestion, Vote

    def factory(*, paper=None, status=SuggestionStatus.OPEN, votes=0, of=None, **fields):
        fields.setdefault("email", "suggester@example.org")
        if status != SuggestionStatus.UNCONFIRMED:
            fields.setdefault("confirmed_at", timezone.now())
        suggestion = Suggestion.objects.create(
            series=of or series, paper=paper or make_paper(), status=status, **fields
        )
        confirmed = status != SuggestionStatus.UNCONFIRMED
        Vote.objects.create(
            suggestion=suggestion,
            email=suggestion.email.lower(),
            notify=True,
            status=VoteStatus.COUNTED if confirmed else VoteStatus.UNCONFIRMED,
        )
        for number in range(votes):
            Vote.objects.create(
                suggestion=suggestion, email=f"voter{number}@example.org", status=VoteStatus.COUNTED
            )
        return suggestion

    return factory
