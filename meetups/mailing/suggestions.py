"""
The emails of a paper suggestion: the link that confirms it, and the news that
it was rejected or accepted into a session. Each goes to one address about one
suggestion, so none carries list headers: the address may follow no series.
"""

from django.conf import settings
from django.template.loader import render_to_string

from meetups.mailing import suggestion_links
from meetups.mailing.content import EmailContent
from meetups.mailing.mime import ClubEmail
from meetups.models import Suggestion, Vote
from portal.links import absolute_url


def _email(*, template: str, subject: str, to: str, context: dict) -> ClubEmail:
    context = {**context, "site_name": settings.SITE_NAME}
    content = EmailContent(
        subject=subject,
        text=render_to_string(f"meetups/email/{template}.txt", context),
        html=render_to_string(f"meetups/email/{template}.html", context),
    )
    message = ClubEmail(subject=content.subject, body=content.text, to=[to])
    message.attach_alternative(content.html, "text/html")
    return message


def _context(suggestion: Suggestion) -> dict:
    return {
        "suggestion": suggestion,
        "paper": suggestion.paper,
        "series": suggestion.series,
        "suggestions_url": absolute_url(suggestion.get_absolute_url()),
    }


def confirmation_message(vote: Vote) -> ClubEmail:
    """“Confirm your suggestion”: the signed link that counts `vote` (and opens a new suggestion)."""
    suggestion = vote.suggestion
    return _email(
        template="suggestion_confirm",
        subject=f"Confirm your suggestion for {suggestion.series.name}",
        to=vote.email,
        context={
            **_context(suggestion),
            "confirm_url": suggestion_links.confirm_url(vote_token=vote.token),
            "valid_days": suggestion_links.CONFIRM_MAX_AGE.days,
        },
    )


def rejected_message(suggestion: Suggestion) -> ClubEmail:
    """The suggester is told why the organizer will not take the suggestion up."""
    return _email(
        template="suggestion_rejected",
        subject=f"Your suggestion for {suggestion.series.name}: “{suggestion.paper.title}”",
        to=suggestion.email,
        context=_context(suggestion),
    )


def accepted_content(suggestion: Suggestion) -> EmailContent:
    """
    “It will be read in the 21st session”: one text for the suggester and every
    voter who asked to hear, sent through the announcements' delivery machinery.
    """
    session = suggestion.accepted_session
    context = {
        **_context(suggestion),
        "session": session,
        "session_url": absolute_url(session.get_absolute_url()),
        "site_name": settings.SITE_NAME,
    }
    return EmailContent(
        subject=f"“{suggestion.paper.title}” will be read in the {session}",
        text=render_to_string("meetups/email/suggestion_accepted.txt", context),
        html=render_to_string("meetups/email/suggestion_accepted.html", context),
    )
