"""
The emails of choosing what to read: the link that counts a vote, and the one
that confirms an offer to present. Both go to one address about one thing, so
they carry no list headers: the address may follow no series at all.
"""

from meetups.mailing import vote_links
from meetups.mailing.layout import render_email
from meetups.mailing.mime import ClubEmail, personal_message
from meetups.models import PresenterClaim, Suggestion
from portal.links import absolute_url


def vote_link_message(*, suggestion: Suggestion, email: str, notify: bool) -> ClubEmail:
    """“Confirm your vote”: the signed link that counts `email`'s vote for `suggestion`."""
    series = suggestion.series
    subject = f"Confirm your vote for “{suggestion.paper.title}” ({series.name})"
    content = render_email(
        template="vote_link",
        subject=subject,
        # Mail to one address about one thing: no list, so no unsubscribe links.
        context={
            "manage_url": None,
            "unsubscribe_url": None,
            "suggestion": suggestion,
            "paper": suggestion.paper,
            "series": series,
            "vote_url": vote_links.vote_url(
                suggestion_id=suggestion.pk, email=email, notify=notify
            ),
            "suggestions_url": absolute_url(suggestion.get_absolute_url()),
            "valid_days": vote_links.VOTE_MAX_AGE.days,
        },
    )
    return personal_message(content, to=email)


def claim_confirmation_message(claim: PresenterClaim) -> ClubEmail:
    """“Confirm your offer to present”, with the signed link that confirms it."""
    target = claim.entry or claim.suggestion
    paper = target.paper
    series = claim.entry.session.series if claim.entry else claim.suggestion.series
    subject = f"Confirm your offer to present “{paper.title}” ({series.name})"
    content = render_email(
        template="claim_confirmation",
        subject=subject,
        context={
            "manage_url": None,
            "unsubscribe_url": None,
            "claim": claim,
            "paper": paper,
            "series": series,
            "session": claim.entry.session if claim.entry else None,
            "confirm_url": vote_links.claim_url(claim_id=claim.pk),
            "page_url": absolute_url(claim.get_absolute_url()),
            "valid_days": vote_links.CLAIM_MAX_AGE.days,
        },
    )
    return personal_message(content, to=claim.email)
