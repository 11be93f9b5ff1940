"""
“I'll present this”: offers to present a paper on a session's reading list or a
suggested one. An offer is confirmed by a signed link mailed to its address,
then waits for the organizer, who approves it in the admin: approving writes
the name into the reading list's `presenter`, which the session page shows.

As with subscribing, the web only counts the client's requests and queues the
offer; the worker records it and mails the link (`presenter_claim_process`).
"""

import enum
from datetime import timedelta

from django.core.mail import mailers
from django.db import transaction
from django.tasks import TaskResultStatus

from meetups.enums import ClaimStatus
from meetups.identifiers import voter_address
from meetups.mailing.choosing import claim_confirmation_message
from meetups.models import PresenterClaim, ReadingListEntry, Suggestion
from meetups.queries import presenter_claim_with_target
from meetups.services.limits import mailbox_key, within_limit
from meetups.tasks import process_presenter_claim

CLAIM_REQUESTS_PER_IP = 10
CLAIM_IP_WINDOW = timedelta(hours=1)
CLAIM_LINKS_PER_ADDRESS = 3
CLAIM_LINKS_ADDRESS_WINDOW = timedelta(days=1)


class ClaimOutcome(enum.StrEnum):
    QUEUED = "queued for the worker"
    LINK_SENT = "confirmation link sent"
    IP_LIMITED = "too many requests from this client"
    ADDRESS_LIMITED = "too many confirmation links for this address"
    CONFIRMED = "confirmed, waiting for the organizer"
    ALREADY_CONFIRMED = "confirmed before"
    UNKNOWN = "no such offer"


def presenter_claim_request(
    *,
    name: str,
    email: str,
    client_ip: str,
    entry: ReadingListEntry | None = None,
    suggestion: Suggestion | None = None,
) -> ClaimOutcome:
    """An offer to present `entry` or `suggestion`, from the public form; the worker does the rest."""
    if (entry is None) == (suggestion is None):
        raise ValueError("An offer is for a reading-list entry or a suggestion.")
    if not within_limit(
        f"meetups:claim:ip:{client_ip}", limit=CLAIM_REQUESTS_PER_IP, window=CLAIM_IP_WINDOW
    ):
        return ClaimOutcome.IP_LIMITED
    result = process_presenter_claim.enqueue(
        entry.pk if entry else None,
        suggestion.pk if suggestion else None,
        name.strip(),
        voter_address(email),
    )
    if result.status == TaskResultStatus.SUCCESSFUL and result.return_value != "gone":
        return ClaimOutcome(result.return_value)
    return ClaimOutcome.QUEUED


def presenter_claim_process(
    *,
    name: str,
    email: str,
    entry: ReadingListEntry | None = None,
    suggestion: Suggestion | None = None,
) -> ClaimOutcome:
    """
    The worker's part of an offer: one offer per address and paper (asking again
    updates the name of one not yet confirmed) and its confirmation link, unless
    the address had its share of links today.
    """
    if not within_limit(
        mailbox_key("claim-links", email),
        limit=CLAIM_LINKS_PER_ADDRESS,
        window=CLAIM_LINKS_ADDRESS_WINDOW,
    ):
        return ClaimOutcome.ADDRESS_LIMITED
    with transaction.atomic():
        target = {"entry": entry} if entry is not None else {"suggestion": suggestion}
        claim = (
            PresenterClaim.objects.select_for_update()
            .filter(email=email, **target)
            .exclude(status=ClaimStatus.DECLINED)
            .first()
        )
        if claim is None:
            claim = PresenterClaim.objects.create(email=email, name=name, **target)
        elif claim.status == ClaimStatus.UNCONFIRMED and claim.name != name:
            claim.name = name
            claim.save(update_fields=["name", "updated_at"])
    claim = presenter_claim_with_target(claim.pk)
    mailers.default.send_messages([claim_confirmation_message(claim)])
    return ClaimOutcome.LINK_SENT


def presenter_claim_confirm(*, claim_id: int) -> tuple[ClaimOutcome, PresenterClaim | None]:
    """Confirm the offer a (verified) link stands for: it now waits for the organizer."""
    changed = PresenterClaim.objects.filter(pk=claim_id, status=ClaimStatus.UNCONFIRMED).update(
        status=ClaimStatus.PENDING
    )
    claim = presenter_claim_with_target(claim_id)
    if claim is None:
        return ClaimOutcome.UNKNOWN, None
    return (ClaimOutcome.CONFIRMED if changed else ClaimOutcome.ALREADY_CONFIRMED), claim


@transaction.atomic
def presenter_claim_approve(*, claim: PresenterClaim) -> ReadingListEntry | None:
    """
    Approve a confirmed offer: its name becomes the presenter of the reading-list
    entry (for a suggestion, of the entry it was accepted as, once it is). Returns
    the entry it was written to, if any.
    """
    claim.status = ClaimStatus.APPROVED
    claim.save(update_fields=["status", "updated_at"])
    entry = claim.entry
    if entry is None and claim.suggestion is not None:
        entry = claim.suggestion.accepted_entry
    if entry is not None:
        entry.presenter = claim.name
        entry.save(update_fields=["presenter", "updated_at"])
    return entry


def presenter_claims_carry_over(*, suggestion: Suggestion) -> ReadingListEntry | None:
    """
    A suggestion just accepted into a reading list: its approved offer (the latest)
    names the new entry's presenter, unless the entry has one.
    """
    entry = suggestion.accepted_entry
    claim = suggestion.presenter_claims.filter(status=ClaimStatus.APPROVED).first()
    if entry is None or claim is None or entry.presenter:
        return None
    entry.presenter = claim.name
    entry.save(update_fields=["presenter", "updated_at"])
    return entry


def presenter_claim_decline(*, claim: PresenterClaim) -> None:
    claim.status = ClaimStatus.DECLINED
    claim.save(update_fields=["status", "updated_at"])
