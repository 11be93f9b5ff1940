"""
The club's emails: plain text and HTML from templates, with the list headers of
RFC 2369 and one-click unsubscribe of RFC 8058 in every one.

An announcement is rendered once (`announcement_content`), with placeholders
where each recipient's own links go; `announcement_message` fills them in for
one address, which keeps ten thousand recipients cheap.
"""

import email.message
import email.policy
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from meetups import tokens
from meetups.calendars import session_calendar, session_description
from meetups.models import AnnouncementKind, Series, Session, Subscription
from portal.links import absolute_url

MANAGE_URL = "%%MANAGE_URL%%"
UNSUBSCRIBE_URL = "%%UNSUBSCRIBE_URL%%"


class ClubEmail(EmailMultiAlternatives):
    """
    An email whose header lines may run to RFC 5322's 998 characters. Folded at
    78, a List-Unsubscribe URL (which has no space to fold at) would become an
    encoded word that no mail client can follow. Bodies are encoded before this
    applies, so their lines stay short.
    """

    def message(self, *, policy=email.policy.default):
        message = super().message(policy=policy)
        message.policy = policy.clone(max_line_length=998)
        return message


@dataclass(frozen=True)
class EmailContent:
    subject: str
    text: str
    html: str


def list_id(series: Series) -> str:
    """RFC 2919 List-Id: “Distributed Systems Paper Club <distributed-systems.club.example.org>”."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    name = series.name.replace('"', "'").replace("<", "(").replace(">", ")")
    return f'"{name}" <{series.slug}.club.{host}>'


def list_headers(*, series: Series, email: str) -> dict[str, str]:
    unsubscribe = tokens.unsubscribe_url(series_id=series.pk, email=email)
    return {
        "List-Id": list_id(series),
        "List-Unsubscribe": f"<{unsubscribe}>",
        # RFC 8058: mail clients POST this body to the link above, without cookies.
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Archive": f"<{absolute_url(series.get_absolute_url())}>",
    }


def _links_for(*, series: Series, email: str) -> dict[str, str]:
    return {
        MANAGE_URL: tokens.manage_url(email=email),
        UNSUBSCRIBE_URL: tokens.unsubscribe_url(series_id=series.pk, email=email),
    }


def _fill(text: str, links: dict[str, str]) -> str:
    for placeholder, url in links.items():
        text = text.replace(placeholder, url)
    return text


def _message(*, content: EmailContent, to: str, series: Series, attachments=()) -> ClubEmail:
    links = _links_for(series=series, email=to)
    message = ClubEmail(
        subject=content.subject,
        body=_fill(content.text, links),
        to=[to],
        headers=list_headers(series=series, email=to),
    )
    message.attach_alternative(_fill(content.html, links), "text/html")
    for attachment in attachments:
        message.attach(attachment)
    return message


# --- confirmation ----------------------------------------------------------------------------


def confirmation_message(subscription: Subscription) -> ClubEmail:
    series = subscription.series
    context = {
        "series": series,
        "series_url": absolute_url(series.get_absolute_url()),
        "confirm_url": tokens.confirm_url(series_id=series.pk, email=subscription.email),
        "valid_days": tokens.CONFIRM_MAX_AGE.days,
        "manage_url": MANAGE_URL,
        "unsubscribe_url": UNSUBSCRIBE_URL,
        "site_name": settings.SITE_NAME,
    }
    content = EmailContent(
        subject=f"Confirm your subscription to {series.name}",
        text=render_to_string("meetups/email/confirmation.txt", context),
        html=render_to_string("meetups/email/confirmation.html", context),
    )
    return _message(content=content, to=subscription.email, series=series)


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
        "subject": subject,
        "is_reminder": kind == AnnouncementKind.REMINDER,
        "session_url": absolute_url(session.get_absolute_url()),
        "series_url": absolute_url(session.series.get_absolute_url()),
        "calendar_filename": calendar_filename(session),
        "details": session_description(session),
        "manage_url": MANAGE_URL,
        "unsubscribe_url": UNSUBSCRIBE_URL,
        "site_name": settings.SITE_NAME,
    }
    return EmailContent(
        subject=subject,
        text=render_to_string("meetups/email/announcement.txt", context),
        html=render_to_string("meetups/email/announcement.html", context),
    )


def calendar_attachment(session: Session) -> email.message.MIMEPart:
    """
    The session's .ics as `text/calendar; method=PUBLISH`: calendar clients offer
    to add it, and its UID and SEQUENCE match the series feed.
    """
    part = email.message.MIMEPart()
    part.set_content(
        session_calendar(session, method="PUBLISH").decode(),
        subtype="calendar",
        charset="utf-8",
        params={"method": "PUBLISH"},
        # Not 8bit: a server without 8BITMIME must be able to carry it too.
        cte="quoted-printable",
        disposition="attachment",
        filename=calendar_filename(session),
    )
    return part


def announcement_message(
    *, content: EmailContent, to: str, series: Series, calendar: email.message.MIMEPart
) -> ClubEmail:
    """One recipient's copy: their links filled in, the calendar attached."""
    return _message(content=content, to=to, series=series, attachments=[calendar])
