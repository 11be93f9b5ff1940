"""
Telling everyone concerned that an announced session moved or is cancelled:
who is concerned (confirmed subscribers of the series and the RSVPs holding a
place, each address once), what changed since they were last told, and the
notice itself, sent by the announcements' delivery machinery with the
session's invitation at its new SEQUENCE (or its CANCEL).
"""

import uuid
from dataclasses import dataclass

from django.db import IntegrityError

from meetups.enums import AnnouncementKind, AttendanceStatus
from meetups.mailing.content import EmailContent, notice_content
from meetups.models import Announcement, Session
from meetups.queries import last_told, notice_is_due, with_notice_state
from meetups.services.announcements import (
    NothingToAnnounce,
    Recipient,
    announcement_create,
    subscriber_recipients,
)


class NothingToNotify(NothingToAnnounce):
    """No notice is due: unpublished, nothing changed since last told, or nobody concerned."""


class NoticeAlreadySent(NothingToNotify):
    """This form was sent before (a double click, a reload): its notice is on its way."""


def concerned_recipients(session: Session) -> list[Recipient]:
    """Confirmed subscribers of the series, then the RSVPs going or waiting for `session`."""
    rsvps = session.attendances.filter(
        status__in=[AttendanceStatus.GOING, AttendanceStatus.WAITING]
    ).order_by("pk")
    return [
        *subscriber_recipients(session),
        *(
            Recipient(email=email, attendance_id=pk)
            for pk, email in rsvps.values_list("pk", "email")
        ),
    ]


@dataclass(frozen=True)
class NoticeDraft:
    """A notice as the organizer previews it: its kind, what changed, the email, how many get it."""

    kind: str
    changes: list[tuple[str, str, str]]
    content: EmailContent
    recipient_count: int


def notice_draft(*, session: Session) -> NoticeDraft:
    """The notice due for `session`; raises NothingToNotify with the reason if none is."""
    session = with_notice_state(Session.objects.for_display()).get(pk=session.pk)
    if not session.is_published():
        raise NothingToNotify("Only a published session's people are told of changes.")
    if not notice_is_due(session):
        raise NothingToNotify(
            "Nothing that calendars show (time, place, status) changed since everyone "
            "concerned was last told."
        )
    told = last_told(session)
    changes = session.calendar_changes_since(told.session_state if told else None)
    kind = AnnouncementKind.CANCELLATION if session.is_cancelled else AnnouncementKind.CHANGE
    recipients = {recipient.email for recipient in concerned_recipients(session)}
    return NoticeDraft(
        kind=kind,
        changes=changes,
        content=notice_content(session, changes=changes, told=told is not None),
        recipient_count=len(recipients),
    )


def notice_create(
    *, session: Session, created_by=None, request_key: uuid.UUID | None = None
) -> Announcement:
    """
    Send the due notice of `session` to everyone concerned, in the background.
    Raises NothingToNotify, or NoticeAlreadySent for a form (`request_key`) sent twice.
    """
    already = NoticeAlreadySent("This notice was already sent; nothing was sent again.")
    if request_key and Announcement.objects.filter(request_key=request_key).exists():
        raise already
    draft = notice_draft(session=session)
    if not draft.recipient_count:
        raise NothingToNotify("Nobody is concerned yet: no subscriber, no RSVP.")
    try:
        return announcement_create(
            session=session,
            kind=draft.kind,
            content=draft.content,
            recipients=concerned_recipients,
            created_by=created_by,
            request_key=request_key,
        )
    except IntegrityError as error:
        # The same form, sent twice at once: the other request created it.
        raise already from error
