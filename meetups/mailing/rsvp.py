"""
The emails of an RSVP: the confirmation link of a new one, “you're in”, “you're
on the waitlist at position N” and “a place came free: you're in”. Each one has
the link to cancel the RSVP and the session's invitation attached, naming the
attendee (ACCEPTED when going, TENTATIVE while waiting). They go to one person
about their own answer, so they are no list mail: no List-Unsubscribe.
"""

import enum

from meetups.calendars import attendee_partstat
from meetups.mailing import tokens
from meetups.mailing.content import EmailContent, calendar_filename
from meetups.mailing.layout import render_email
from meetups.mailing.mime import ClubEmail, calendar_attachment, personal_message
from meetups.models import Attendance
from portal.links import absolute_url


class RsvpEmail(enum.StrEnum):
    CONFIRM = "confirm"
    GOING = "going"
    WAITING = "waiting"
    PROMOTED = "promoted"


SUBJECTS = {
    RsvpEmail.CONFIRM: "Confirm your place at the {session}",
    RsvpEmail.GOING: "You're in: {session}",
    RsvpEmail.WAITING: "On the waitlist: {session}",
    RsvpEmail.PROMOTED: "A place came free, you're in: {session}",
}


def rsvp_content(attendance: Attendance, kind: RsvpEmail) -> EmailContent:
    """What the `kind` email of `attendance` (with its session and series) says."""
    session = attendance.session
    return render_email(
        template="rsvp",
        subject=SUBJECTS[kind].format(session=session.display_title),
        context={
            "kind": kind.value,
            "attendance": attendance,
            "session": session,
            "series": session.series,
            "session_url": absolute_url(session.get_absolute_url()),
            "position": attendance.waitlist_position(),
            "confirm_url": tokens.rsvp_confirm_url(token=attendance.token),
            "valid_days": tokens.CONFIRM_MAX_AGE.days,
            "rsvp_url": tokens.rsvp_url(token=attendance.token),
            "manage_url": tokens.manage_url(attendance_id=attendance.pk),
            "unsubscribe_url": None,
            "calendar_filename": calendar_filename(session),
        },
    )


def rsvp_message(attendance: Attendance, kind: RsvpEmail) -> ClubEmail:
    """The `kind` email of `attendance`, ready to send, with the session's invitation."""
    message = personal_message(rsvp_content(attendance, kind), to=attendance.email)
    message.attach(
        calendar_attachment(
            attendance.session,
            attendee_email=attendance.email,
            attendee_name=attendance.name,
            partstat=attendee_partstat(attendance.status),
        )
    )
    return message
