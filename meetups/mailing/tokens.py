"""
Signed links for attendees, who have no accounts: whoever holds a link got it
by email at that address. Each kind has its own salt, so one can never stand in
for another.

A link names a row (a subscription or an RSVP) by its id, never the address:
the address stays out of URLs, browser histories and server logs. Links mailed
before that change carried the address itself (base64, readable by anyone);
they were promised never to expire, so they are still read, but no longer made.

- confirm: double opt-in for one series; valid for 7 days.
- unsubscribe: one series, one click; never expires (old emails keep working).
- manage: every series and RSVP of one address; never expires.
- RSVP links: its own page (cancel) names its random token; the confirmation link
  signs that token (7 days); an announcement's “I'm coming” signs the subscription
  and the session.
"""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from meetups.models import Attendance, Subscription
from portal.links import absolute_url

CONFIRM_SALT = "meetups.subscription.confirm"
UNSUBSCRIBE_SALT = "meetups.subscription.unsubscribe"
MANAGE_SALT = "meetups.subscription.manage"
CONFIRM_MAX_AGE = timedelta(days=7)


class InvalidLink(Exception):
    """The link was tampered with, cut short, signed with another key, or its row is gone."""


class ExpiredLink(InvalidLink):
    """The link was genuine but is older than it may be."""


@dataclass(frozen=True)
class SeriesAddress:
    series_id: int
    email: str
    issued_at: datetime | None = None


def read_signed(token: str, *, salt: str, max_age: timedelta | None = None) -> dict:
    """The payload of a signed link of one kind (its `salt`); InvalidLink or ExpiredLink if not."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise ExpiredLink(str(error)) from error
    except (signing.BadSignature, ValueError, UnicodeError) as error:
        raise InvalidLink(str(error)) from error
    if not isinstance(data, dict):
        raise InvalidLink("unexpected payload")
    return data


def row_id(data: dict, key: str) -> int | None:
    """The row id under `key` of a payload, None if it has none."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidLink("unexpected payload")
    return value


def _issued_at(data: dict) -> datetime | None:
    issued = data.get("t")
    if isinstance(issued, int):
        return datetime.fromtimestamp(issued, tz=timezone.get_current_timezone())
    return None


def _series_address(data: dict) -> SeriesAddress:
    subscription_id = row_id(data, "r")
    if subscription_id is not None:
        found = (
            Subscription.objects.filter(pk=subscription_id)
            .values_list("series_id", "email")
            .first()
        )
        if found is None:
            raise InvalidLink("no such subscription")
        series_id, email = found
    else:
        # A link of the old form, with the address in it.
        series_id, email = data.get("s"), data.get("e")
        if not isinstance(series_id, int) or not isinstance(email, str):
            raise InvalidLink("unexpected payload")
    return SeriesAddress(series_id=series_id, email=email, issued_at=_issued_at(data))


# --- confirm -------------------------------------------------------------------------------


def confirm_token(*, subscription_id: int) -> str:
    # The issue time lets a confirmation link that predates an unsubscribe be refused.
    return signing.dumps({"r": subscription_id, "t": int(time.time())}, salt=CONFIRM_SALT)


def read_confirm_token(token: str) -> SeriesAddress:
    return _series_address(read_signed(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE))


def confirm_url(*, subscription_id: int) -> str:
    token = confirm_token(subscription_id=subscription_id)
    return absolute_url(reverse("meetups:subscription_confirm", kwargs={"token": token}))


# --- unsubscribe ---------------------------------------------------------------------------


def unsubscribe_token(*, subscription_id: int) -> str:
    return signing.dumps({"r": subscription_id}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> SeriesAddress:
    return _series_address(read_signed(token, salt=UNSUBSCRIBE_SALT))


def unsubscribe_url(*, subscription_id: int) -> str:
    token = unsubscribe_token(subscription_id=subscription_id)
    return absolute_url(reverse("meetups:subscription_unsubscribe", kwargs={"token": token}))


# --- manage --------------------------------------------------------------------------------


def manage_token(*, subscription_id: int | None = None, attendance_id: int | None = None) -> str:
    """A link to every series and RSVP of the address of a subscription or of an RSVP."""
    if (subscription_id is None) == (attendance_id is None):
        raise ValueError("name either a subscription or an RSVP")
    if subscription_id is not None:
        return signing.dumps({"r": subscription_id}, salt=MANAGE_SALT)
    return signing.dumps({"a": attendance_id}, salt=MANAGE_SALT)


def read_manage_token(token: str) -> str:
    """The address the link belongs to."""
    data = read_signed(token, salt=MANAGE_SALT)
    subscription_id, attendance_id = row_id(data, "r"), row_id(data, "a")
    if subscription_id is not None:
        email = Subscription.objects.filter(pk=subscription_id).values_list("email").first()
    elif attendance_id is not None:
        email = Attendance.objects.filter(pk=attendance_id).values_list("email").first()
    else:
        # A link of the old form, with the address in it.
        email = (data.get("e"),)
    if email is None:
        raise InvalidLink("no such subscription or RSVP")
    if not isinstance(email[0], str) or not email[0]:
        raise InvalidLink("unexpected payload")
    return email[0]


def manage_url(*, subscription_id: int | None = None, attendance_id: int | None = None) -> str:
    token = manage_token(subscription_id=subscription_id, attendance_id=attendance_id)
    return absolute_url(reverse("meetups:subscription_manage", kwargs={"token": token}))


# --- RSVPs ---------------------------------------------------------------------------------

RSVP_CONFIRM_SALT = "meetups.attendance.confirm"
RSVP_FROM_ANNOUNCEMENT_SALT = "meetups.attendance.announced"


def rsvp_url(*, token: str) -> str:
    """The page of one RSVP: its state, and the button to cancel it (the emails' cancel link)."""
    return absolute_url(reverse("meetups:attendance_detail", kwargs={"token": token}))


def rsvp_confirm_token(*, token: str) -> str:
    return signing.dumps({"a": token}, salt=RSVP_CONFIRM_SALT)


def rsvp_confirm_url(*, token: str) -> str:
    """The link confirming a new RSVP's address; valid for `CONFIRM_MAX_AGE`."""
    signed = rsvp_confirm_token(token=token)
    return absolute_url(reverse("meetups:attendance_confirm", kwargs={"token": signed}))


def read_rsvp_confirm_token(token: str) -> str:
    """The token of the RSVP that a confirmation link confirms."""
    attendance_token = read_signed(token, salt=RSVP_CONFIRM_SALT, max_age=CONFIRM_MAX_AGE).get("a")
    if not isinstance(attendance_token, str) or not attendance_token:
        raise InvalidLink("unexpected payload")
    return attendance_token


@dataclass(frozen=True)
class AnnouncedRSVP:
    subscription_id: int
    session_id: int


def rsvp_from_announcement_token(*, subscription_id: int, session_id: int) -> str:
    return signing.dumps({"r": subscription_id, "n": session_id}, salt=RSVP_FROM_ANNOUNCEMENT_SALT)


def read_rsvp_from_announcement_token(token: str) -> AnnouncedRSVP:
    data = read_signed(token, salt=RSVP_FROM_ANNOUNCEMENT_SALT)
    subscription_id, session_id = row_id(data, "r"), row_id(data, "n")
    if subscription_id is None or session_id is None:
        raise InvalidLink("unexpected payload")
    return AnnouncedRSVP(subscription_id=subscription_id, session_id=session_id)


def rsvp_from_announcement_url(*, subscription_id: int, session_id: int) -> str:
    """
    The “I'm coming” link of an announcement to a subscriber: it carries the
    signature, so a confirmed subscriber is confirmed at once (no second email).
    """
    token = rsvp_from_announcement_token(subscription_id=subscription_id, session_id=session_id)
    return absolute_url(reverse("meetups:attendance_from_announcement", kwargs={"token": token}))
