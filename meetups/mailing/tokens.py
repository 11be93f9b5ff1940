"""
Signed links for attendees, who have no accounts: whoever holds a link got it
by email at that address. Each kind has its own salt, so one can never stand in
for another.

- confirm: double opt-in for one series; valid for 7 days.
- unsubscribe: one series, one click; never expires (old emails keep working).
- manage: every series of one address; never expires.
"""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from portal.links import absolute_url

CONFIRM_SALT = "meetups.subscription.confirm"
UNSUBSCRIBE_SALT = "meetups.subscription.unsubscribe"
MANAGE_SALT = "meetups.subscription.manage"
CONFIRM_MAX_AGE = timedelta(days=7)


class InvalidLink(Exception):
    """The link was tampered with, cut short, or signed with another key."""


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


def _series_address(data: dict) -> SeriesAddress:
    series_id, email, issued = data.get("s"), data.get("e"), data.get("t")
    if not isinstance(series_id, int) or not isinstance(email, str):
        raise InvalidLink("unexpected payload")
    issued_at = None
    if isinstance(issued, int):
        issued_at = datetime.fromtimestamp(issued, tz=timezone.get_current_timezone())
    return SeriesAddress(series_id=series_id, email=email, issued_at=issued_at)


# --- confirm -------------------------------------------------------------------------------


def confirm_token(*, series_id: int, email: str) -> str:
    # The issue time lets a confirmation link that predates an unsubscribe be refused.
    return signing.dumps({"s": series_id, "e": email, "t": int(time.time())}, salt=CONFIRM_SALT)


def read_confirm_token(token: str) -> SeriesAddress:
    return _series_address(read_signed(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE))


def confirm_url(*, series_id: int, email: str) -> str:
    token = confirm_token(series_id=series_id, email=email)
    return absolute_url(reverse("meetups:subscription_confirm", kwargs={"token": token}))


# --- unsubscribe ---------------------------------------------------------------------------


def unsubscribe_token(*, series_id: int, email: str) -> str:
    return signing.dumps({"s": series_id, "e": email}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> SeriesAddress:
    return _series_address(read_signed(token, salt=UNSUBSCRIBE_SALT))


def unsubscribe_url(*, series_id: int, email: str) -> str:
    token = unsubscribe_token(series_id=series_id, email=email)
    return absolute_url(reverse("meetups:subscription_unsubscribe", kwargs={"token": token}))


# --- manage --------------------------------------------------------------------------------


def manage_token(*, email: str) -> str:
    return signing.dumps({"e": email}, salt=MANAGE_SALT)


def read_manage_token(token: str) -> str:
    """The address the link belongs to."""
    email = read_signed(token, salt=MANAGE_SALT).get("e")
    if not isinstance(email, str) or not email:
        raise InvalidLink("unexpected payload")
    return email


def manage_url(*, email: str) -> str:
    token = manage_token(email=email)
    return absolute_url(reverse("meetups:subscription_manage", kwargs={"token": token}))
