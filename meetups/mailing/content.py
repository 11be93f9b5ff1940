"""
What the club's emails say: subjects, and plain text and HTML bodies rendered
from templates in the one layout of `meetups.mailing.layout`. Each recipient's
own links are placeholders here (`MANAGE_URL`, `UNSUBSCRIBE_URL`, `RSVP_URL`), so one
rendering serves a whole list; `meetups.mailing.mime` fills them in when it
builds each message.
"""

from django.urls import reverse

from meetups.calendars import session_description
from meetups.enums import AnnouncementKind
from meetups.mailing import tokens, vote_links
from meetups.mailing.layout import MANAGE_URL, UNSUBSCRIBE_URL, EmailContent, render_email
from meetups.models import Session, Subscription, Suggestion
from meetups.queries import open_suggestions, open_voting_round
from portal.links import absolute_url

__all__ = ["MANAGE_URL", "RSVP_URL", "UNSUBSCRIBE_URL", "EmailContent"]

# An announcement's “I'm coming” link: signed for its subscriber and session.
RSVP_URL = "%%RSVP_URL%%"


# --- confirmation ----------------------------------------------------------------------------


def confirmation_content(subscription: Subscription) -> EmailContent:
    """The double opt-in email of `subscription`, with its confirmation link filled in."""
    series = subscription.series
    context = {
        "series": series,
        "series_url": absolute_url(series.get_absolute_url()),
        "confirm_url": tokens.confirm_url(subscription_id=subscription.pk),
        "valid_days": tokens.CONFIRM_MAX_AGE.days,
    }
    return render_email(
        template="confirmation",
        subject=f"Confirm your subscription to {series.name}",
        context=context,
    )


# --- announcements and reminders ------------------------------------------------------------


def announcement_subject(session: Session, *, kind: str = AnnouncementKind.ANNOUNCEMENT) -> str:
    """“20th Distributed Systems Paper Club: DHT security — Tuesday, 13 January 2026”."""
    subject = f"{session.display_title} — {session.date_text}"
    if session.is_cancelled:
        return f"Cancelled: {subject}"
    if kind == AnnouncementKind.REMINDER:
        return f"Reminder: {session.display_title} — {session.date_text}, {session.time_text}"
    return subject


def calendar_filename(session: Session) -> str:
    return f"{session.series.slug}-{session.number}.ics"


def announcement_content(
    session: Session, *, subject: str, kind: str = AnnouncementKind.ANNOUNCEMENT
) -> EmailContent:
    """
    Subject, text and HTML of an announcement of `session` (fetched with
    `for_display()`), with placeholders for each recipient's links.
    """
    context = {
        "session": session,
        "series": session.series,
        "is_reminder": kind == AnnouncementKind.REMINDER,
        "session_url": absolute_url(session.get_absolute_url()),
        "series_url": absolute_url(session.series.get_absolute_url()),
        "calendar_filename": calendar_filename(session),
        "details": session_description(session),
        "suggestions": _suggestions_to_vote_for(session, kind=kind),
        "voting_round": open_voting_round(session.series),
        "suggestions_url": absolute_url(
            reverse("meetups:suggestion_list", kwargs={"series": session.series.slug})
        ),
        "rsvp_url": RSVP_URL,
        "takes_rsvps": not session.rsvp_closed_reason(),
    }
    return render_email(template="announcement", subject=subject, context=context)


# An announcement shows this many of the most voted open suggestions, with vote links.
SUGGESTIONS_IN_ANNOUNCEMENTS = 3


def _suggestions_to_vote_for(session: Session, *, kind: str) -> list[tuple[Suggestion, str]]:
    """The top open suggestions of the session's series, each with its vote-link placeholder."""
    if kind != AnnouncementKind.ANNOUNCEMENT or session.is_cancelled:
        return []
    top = open_suggestions(session.series)[:SUGGESTIONS_IN_ANNOUNCEMENTS]
    return [(suggestion, vote_links.vote_url_placeholder(suggestion.pk)) for suggestion in top]


# --- change and cancellation notices --------------------------------------------------------


def notice_content(
    session: Session, *, changes: list[tuple[str, str, str]], told: bool
) -> EmailContent:
    """
    The notice that `session` (fetched with `for_display()`) changed or is
    cancelled: `changes` as (what, before, now); `told`: whether recipients
    were told of it before (an announcement), so "before" means something.
    """
    prefix = "Cancelled" if session.is_cancelled else "Changed"
    subject = f"{prefix}: {session.display_title} — {session.date_text}"
    context = {
        "session": session,
        "series": session.series,
        "changes": changes,
        "told": told,
        "session_url": absolute_url(session.get_absolute_url()),
        "series_url": absolute_url(session.series.get_absolute_url()),
        "calendar_filename": calendar_filename(session),
    }
    return render_email(template="notice", subject=subject, context=context)
