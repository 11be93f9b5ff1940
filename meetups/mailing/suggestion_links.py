"""
The signed link that confirms a suggestion made on the suggestions page. It
stands for the suggester's vote (`Vote.token`): confirming it counts that vote
and, for a new suggestion, puts it before the organizer or on the page. A paper
suggested again by someone else makes a vote for the first suggestion, and the
same kind of link confirms it. Valid for 7 days, like a subscription's.
"""

from datetime import timedelta

from django.core import signing
from django.urls import reverse

from meetups.mailing.tokens import ExpiredLink, InvalidLink
from portal.links import absolute_url

CONFIRM_SALT = "meetups.suggestion.confirm"
CONFIRM_MAX_AGE = timedelta(days=7)


def confirm_token(*, vote_token: str) -> str:
    return signing.dumps(vote_token, salt=CONFIRM_SALT)


def read_confirm_token(token: str) -> str:
    """The `Vote.token` the link stands for; InvalidLink or ExpiredLink if it is not genuine."""
    try:
        vote_token = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ExpiredLink(str(error)) from error
    except (signing.BadSignature, ValueError, UnicodeError) as error:
        raise InvalidLink(str(error)) from error
    if not isinstance(vote_token, str) or not vote_token:
        raise InvalidLink("unexpected payload")
    return vote_token


def confirm_url(*, vote_token: str) -> str:
    token = confirm_token(vote_token=vote_token)
    return absolute_url(reverse("meetups:suggestion_confirm", kwargs={"token": token}))
