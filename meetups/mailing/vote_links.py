"""
Signed links for choosing what to read: a vote for a suggestion, and the
confirmation of an offer to present. As with the subscription links
(`meetups.mailing.tokens`), whoever holds one got it by email at that address;
each kind has its own salt.

- vote: one address (encrypted in the link, never readable), one suggestion;
  opening it shows a button, pressing it counts (or withdraws) the vote. Mailed to confirm a vote made on the page and
  in announcements (one per suggestion shown); valid for 60 days, and only
  while the suggestion is open.
  Announcements render the link of each suggestion they show as a placeholder
  (`vote_url_placeholder`), one rendering for the whole list; `vote_links_in`
  gives one recipient's links to fill in.
- claim: confirms one offer to present; valid for 7 days.
- the voter cookie: set when a vote link is used, so the page's vote buttons
  count at once for that address afterwards (see `meetups.views.votes`).
"""

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import signing
from django.urls import reverse

from meetups.mailing.tokens import InvalidLink, read_signed
from portal.links import absolute_url

VOTE_SALT = "meetups.vote"
CLAIM_SALT = "meetups.presenter-claim"
VOTER_COOKIE_SALT = "meetups.voter-cookie"
VOTE_MAX_AGE = timedelta(days=60)
CLAIM_MAX_AGE = timedelta(days=7)
VOTER_COOKIE = "club_voter"
VOTER_COOKIE_MAX_AGE = timedelta(days=365)
_VOTE_PLACEHOLDER = re.compile(r"%%VOTE_URL_(\d+)%%")


@dataclass(frozen=True)
class VoteLink:
    suggestion_id: int
    email: str
    notify: bool = False


def _address_cipher() -> MultiFernet:
    # A vote link is made before any row stands for its address (an announcement's
    # links, a vote typed on the page), so the address rides in the link: encrypted,
    # since signing alone leaves it readable in every log the URL passes through.
    # The keys come from SECRET_KEY (and its fallbacks, so rotating it keeps links).
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"{VOTE_SALT}:{key}".encode()).digest()))
            for key in secrets
        ]
    )


def vote_token(*, suggestion_id: int, email: str, notify: bool = False) -> str:
    sealed = _address_cipher().encrypt(email.encode()).decode()
    return signing.dumps({"g": suggestion_id, "a": sealed, "n": int(notify)}, salt=VOTE_SALT)


def read_vote_token(token: str) -> VoteLink:
    data = read_signed(token, salt=VOTE_SALT, max_age=VOTE_MAX_AGE)
    suggestion_id, sealed = data.get("g"), data.get("a")
    if not isinstance(suggestion_id, int) or not isinstance(sealed, str):
        raise InvalidLink("unexpected payload")
    try:
        email = _address_cipher().decrypt(sealed.encode()).decode()
    except (InvalidToken, UnicodeDecodeError) as error:
        raise InvalidLink("unreadable address") from error
    if not email:
        raise InvalidLink("unexpected payload")
    return VoteLink(suggestion_id=suggestion_id, email=email, notify=bool(data.get("n")))


def vote_url(*, suggestion_id: int, email: str, notify: bool = False) -> str:
    token = vote_token(suggestion_id=suggestion_id, email=email, notify=notify)
    return absolute_url(reverse("meetups:vote_link", kwargs={"token": token}))


def vote_url_placeholder(suggestion_id: int) -> str:
    """Where a list email shows the vote link of a suggestion, until it is filled in."""
    return f"%%VOTE_URL_{suggestion_id}%%"


def vote_links_in(text: str, *, email: str) -> dict[str, str]:
    """The vote-link placeholders found in `text`, each with `email`'s own link."""
    return {
        match.group(0): vote_url(suggestion_id=int(match.group(1)), email=email)
        for match in _VOTE_PLACEHOLDER.finditer(text)
    }


def claim_token(*, claim_id: int) -> str:
    return signing.dumps({"c": claim_id}, salt=CLAIM_SALT)


def read_claim_token(token: str) -> int:
    """The id of the claim the link confirms."""
    claim_id = read_signed(token, salt=CLAIM_SALT, max_age=CLAIM_MAX_AGE).get("c")
    if not isinstance(claim_id, int):
        raise InvalidLink("unexpected payload")
    return claim_id


def claim_url(*, claim_id: int) -> str:
    token = claim_token(claim_id=claim_id)
    return absolute_url(reverse("meetups:claim_confirm", kwargs={"token": token}))
