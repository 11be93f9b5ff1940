"""
Votes for suggested papers: one per address and suggestion, public as a count,
never as a list of voters.

An address proves itself by a signed link mailed to it (`vote_links`): a vote
made on the suggestions page sends one, and announcements carry one per
suggestion shown. Using a link counts the vote; afterwards the page's buttons
count at once for that address (the views keep a signed cookie). A vote can be
withdrawn and cast again; casting one twice, or twenty times at once, counts it
once (the database keeps one row per address and suggestion). While the
organizer's voting round of the series is open, an address backs one suggestion
at a time: a new vote moves it.

As with subscribing, the web answers a vote request before anything about the
address is looked up, and the worker sends the link (`vote_send_link`).
"""

import enum
from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone

from meetups.enums import SuggestionStatus, VoteStatus
from meetups.identifiers import voter_address
from meetups.mailing.choosing import vote_link_message
from meetups.models import Suggestion, Vote, VotingRound
from meetups.services.limits import mailbox_key, within_limit
from meetups.tasks import send_vote_link
from portal.pagecache import content_changed

VOTE_REQUESTS_PER_IP = 30
VOTE_IP_WINDOW = timedelta(hours=1)
VOTE_LINKS_PER_ADDRESS = 5
VOTE_LINKS_ADDRESS_WINDOW = timedelta(days=1)
# The same address asking again for the same suggestion gets no second link this soon.
VOTE_LINK_RESEND_AFTER = timedelta(minutes=15)


class VoteOutcome(enum.StrEnum):
    QUEUED = "queued for the worker"
    LINK_SENT = "vote link sent"
    RECENTLY_SENT = "a vote link was sent recently"
    IP_LIMITED = "too many requests from this client"
    ADDRESS_LIMITED = "too many vote links for this address"
    CLOSED = "the suggestion is not open for votes"
    COUNTED = "counted"
    ALREADY_COUNTED = "already counted"
    WITHDRAWN = "withdrawn"
    NOT_COUNTED = "there was no vote to withdraw"
    MOVED = "counted, and moved from another suggestion (a voting round is open)"


def _is_open(suggestion_id: int) -> bool:
    return Suggestion.objects.filter(pk=suggestion_id, status=SuggestionStatus.OPEN).exists()


def vote_request(
    *, suggestion: Suggestion, email: str, notify: bool, client_ip: str
) -> VoteOutcome:
    """
    A vote from the page by an address not yet known to this browser: count the
    client's requests and queue the link for the worker, the same work for every
    address. Returns QUEUED, or what was done when tasks run at once (tests).
    """
    if not within_limit(
        f"meetups:vote:ip:{client_ip}", limit=VOTE_REQUESTS_PER_IP, window=VOTE_IP_WINDOW
    ):
        return VoteOutcome.IP_LIMITED
    result = send_vote_link.enqueue(suggestion.pk, voter_address(email), notify)
    if result.status == TaskResultStatus.SUCCESSFUL and result.return_value != "gone":
        return VoteOutcome(result.return_value)
    return VoteOutcome.QUEUED


def vote_send_link(*, suggestion: Suggestion, email: str, notify: bool) -> VoteOutcome:
    """
    The worker's part of a vote request: mail the address its vote link, unless
    the suggestion closed, a link for it went out lately, or the address had its
    share of links today. A known voter gets the link too (it offers to withdraw).
    """
    if suggestion.status != SuggestionStatus.OPEN:
        return VoteOutcome.CLOSED
    guard = mailbox_key(f"vote-link:{suggestion.pk}", email)
    if not cache.add(guard, 1, timeout=int(VOTE_LINK_RESEND_AFTER.total_seconds())):
        return VoteOutcome.RECENTLY_SENT
    if not within_limit(
        mailbox_key("vote-links", email),
        limit=VOTE_LINKS_PER_ADDRESS,
        window=VOTE_LINKS_ADDRESS_WINDOW,
    ):
        return VoteOutcome.ADDRESS_LIMITED
    try:
        mailers.default.send_messages(
            [vote_link_message(suggestion=suggestion, email=email, notify=notify)]
        )
    except Exception:
        # Let the address ask again at once instead of waiting for the guard to lapse.
        cache.delete(guard)
        raise
    return VoteOutcome.LINK_SENT


def vote_cast(
    *,
    suggestion: Suggestion,
    email: str,
    notify: bool | None = None,
    now: datetime | None = None,
) -> VoteOutcome:
    """
    Count `email`'s vote for `suggestion` (the address is proven: a signed link,
    the voter cookie, a confirmed suggestion). Idempotent, also when many arrive
    at once. `notify`: whether to tell the address when the suggestion is
    accepted (None keeps what it chose before).
    """
    now = now or timezone.now()
    email = voter_address(email)
    if not _is_open(suggestion.pk):
        return VoteOutcome.CLOSED
    try:
        with transaction.atomic():
            vote, created = Vote.objects.get_or_create(
                suggestion=suggestion,
                email=email,
                defaults={"status": VoteStatus.COUNTED, "notify": bool(notify)},
            )
    except IntegrityError:
        # The same address voting at the same moment inserted it between our look-up and insert.
        vote, created = Vote.objects.get(suggestion=suggestion, email=email), False
    if created:
        return _moved_in_round(suggestion=suggestion, email=email, now=now)
    if notify is not None and vote.notify != notify:
        Vote.objects.filter(pk=vote.pk).update(notify=notify, updated_at=now)
    # Of many requests at once exactly one changes the row; the others find it counted.
    changed = (
        Vote.objects.filter(pk=vote.pk)
        .exclude(status=VoteStatus.COUNTED)
        .update(status=VoteStatus.COUNTED, updated_at=now)
    )
    if not changed:
        return VoteOutcome.ALREADY_COUNTED
    content_changed()
    return _moved_in_round(suggestion=suggestion, email=email, now=now)


def _moved_in_round(*, suggestion: Suggestion, email: str, now: datetime) -> VoteOutcome:
    """
    A vote just counted. While a voting round of the series is open, an address
    backs one suggestion: its other counted votes there are withdrawn (MOVED).
    """
    if not VotingRound.objects.open(now=now).filter(series_id=suggestion.series_id).exists():
        return VoteOutcome.COUNTED
    moved = (
        Vote.objects.filter(
            suggestion__series_id=suggestion.series_id,
            suggestion__status=SuggestionStatus.OPEN,
            email=email,
            status=VoteStatus.COUNTED,
        )
        .exclude(suggestion=suggestion)
        .update(status=VoteStatus.WITHDRAWN, updated_at=now)
    )
    if not moved:
        return VoteOutcome.COUNTED
    content_changed()
    return VoteOutcome.MOVED


def vote_withdraw(
    *, suggestion: Suggestion, email: str, now: datetime | None = None
) -> VoteOutcome:
    """Take back `email`'s vote for `suggestion`; it can be cast again later."""
    now = now or timezone.now()
    if not _is_open(suggestion.pk):
        return VoteOutcome.CLOSED
    changed = Vote.objects.filter(
        suggestion=suggestion, email=voter_address(email), status=VoteStatus.COUNTED
    ).update(status=VoteStatus.WITHDRAWN, updated_at=now)
    if not changed:
        return VoteOutcome.NOT_COUNTED
    content_changed()
    return VoteOutcome.WITHDRAWN


def vote_of(*, suggestion: Suggestion, email: str) -> Vote | None:
    """The address's vote for `suggestion`, counted or not."""
    return Vote.objects.filter(suggestion=suggestion, email=voter_address(email)).first()
