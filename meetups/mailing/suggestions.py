"""
The emails of a paper suggestion: the link that confirms it, and the news that
it was rejected or accepted into a session, in the club's one layout. Each is
about one suggestion to people who need not follow the series, so none offers
the manage and unsubscribe links of subscriptions.
"""

from meetups.mailing import suggestion_links
from meetups.mailing.layout import EmailContent, render_email
from meetups.mailing.mime import ClubEmail, personal_message
from meetups.models import Suggestion, Vote
from portal.links import absolute_url


def _content(template: str, *, subject: str, suggestion: Suggestion, **context) -> EmailContent:
    return render_email(
        template=template,
        subject=subject,
        context={
            "suggestion": suggestion,
            "paper": suggestion.paper,
            "series": suggestion.series,
            "suggestions_url": absolute_url(suggestion.get_absolute_url()),
            "manage_url": None,
            "unsubscribe_url": None,
            **context,
        },
    )


def confirmation_message(vote: Vote) -> ClubEmail:
    """“Confirm your suggestion”: the signed link that counts `vote` (and opens a new suggestion)."""
    suggestion = vote.suggestion
    content = _content(
        "suggestion_confirm",
        subject=f"Confirm your suggestion for {suggestion.series.name}",
        suggestion=suggestion,
        confirm_url=suggestion_links.confirm_url(vote_token=vote.token),
        valid_days=suggestion_links.CONFIRM_MAX_AGE.days,
    )
    return personal_message(content, to=vote.email)


def rejected_message(suggestion: Suggestion) -> ClubEmail:
    """The suggester is told why the organizer will not take the suggestion up."""
    content = _content(
        "suggestion_rejected",
        subject=f"Your suggestion for {suggestion.series.name}: “{suggestion.paper.title}”",
        suggestion=suggestion,
    )
    return personal_message(content, to=suggestion.email)


def accepted_content(suggestion: Suggestion) -> EmailContent:
    """
    “It will be read in the 21st session”: one text for the suggester and every
    voter who asked to hear, sent through the announcements' delivery machinery.
    """
    session = suggestion.accepted_session
    return _content(
        "suggestion_accepted",
        subject=f"“{suggestion.paper.title}” will be read in the {session}",
        suggestion=suggestion,
        session=session,
        session_url=absolute_url(session.get_absolute_url()),
    )
