"""
Suggesting a paper for a series, and what the organizer does with suggestions:
approve, reject, merge a duplicate, accept into a session.

A suggestion is made on the suggestions page: the citation is read (and looked
up) on the web, because what it says about the paper is the same for every
visitor and answered next to the field: unreadable, or read by the series
already. Everything about the address is the worker's
(`suggestion_request_process`), as with subscribing: the visitor gets the same
answer whether the address is new, suggested the paper already, voted for it,
or is over its limit. The suggester confirms by a link mailed to them; that
counts their vote, and a new suggestion then waits for the organizer (if the
series asks for approval) or is listed. A paper suggested while an earlier
suggestion of it is not closed becomes a vote for that one, not a second row.
"""

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone

from meetups.enums import AnnouncementKind, SuggestionStatus, VoteStatus
from meetups.identifiers import normalize_email, voter_address
from meetups.mailing.suggestions import accepted_content, confirmation_message, rejected_message
from meetups.models import Paper, ReadingListEntry, Series, Session, Suggestion, Vote
from meetups.services.announcements import Recipient, announcement_create
from meetups.services.limits import mailbox_key, within_limit
from meetups.services.papers import paper_add, paper_from_citation, reading_list_add
from meetups.services.presenters import presenter_claims_carry_over
from meetups.services.scheduling import session_schedule_next
from meetups.services.subscriptions import (
    CONFIRMATION_RESEND_AFTER,
    CONFIRMATIONS_ADDRESS_WINDOW,
    CONFIRMATIONS_PER_ADDRESS,
    SUBSCRIBE_IP_WINDOW,
    SUBSCRIBE_REQUESTS_PER_IP,
)
from meetups.tasks import (
    process_suggestion_request,
    send_suggestion_confirmation,
    send_suggestion_rejected,
)
from portal.worker import requeue_lost


class SuggestOutcome(enum.StrEnum):
    """What a suggest request did. The visitor sees the same page whatever it is."""

    QUEUED = "queued for the worker"
    CONFIRMATION_QUEUED = "confirmation queued"
    ALREADY_COUNTED = "the address's vote counts already"
    RECENTLY_SENT = "a confirmation was sent recently"
    IP_LIMITED = "too many requests from this client"
    ADDRESS_LIMITED = "too many confirmations for this address"


@dataclass
class SuggestAnswer:
    """The web's answer to a suggest request: a problem with the citation, or an outcome."""

    outcome: SuggestOutcome | None = None
    problem: str = ""  # shown next to the citation field; nothing was saved
    already_read: ReadingListEntry | None = None  # the series read (or will read) it there


def _reading_in_series(*, series: Series, paper: Paper) -> ReadingListEntry | None:
    """The first published session of `series` with `paper` on its reading list."""
    return (
        ReadingListEntry.objects.filter(
            session__series=series, session__published_at__lte=timezone.now(), paper=paper
        )
        .select_related("session__series")
        .order_by("session__starts_at")
        .first()
    )


def suggestion_request(
    *,
    series: Series,
    citation: str,
    why: str,
    email: str,
    client_ip: str,
) -> SuggestAnswer:
    """
    A visitor suggests the paper `citation` names for `series`. Counts the
    client's requests (as subscribing does), reads the citation, and queues the
    rest for the worker. Returns a problem with the citation or the session that
    read the paper already (nothing queued then), or the outcome: QUEUED, or
    what was done when tasks run at once (as in tests).
    """
    if not within_limit(
        f"meetups:suggest:ip:{client_ip}",
        limit=SUBSCRIBE_REQUESTS_PER_IP,
        window=SUBSCRIBE_IP_WINDOW,
    ):
        return SuggestAnswer(outcome=SuggestOutcome.IP_LIMITED)
    draft = paper_from_citation(text=citation)
    if draft.problem:
        return SuggestAnswer(problem=draft.problem)
    if draft.existing is None and not draft.citation.title:
        # Offline, or no service knew it: a bare DOI or link says no title.
        return SuggestAnswer(
            problem="We could not find out which paper this is. "
            "Paste the full reference, with its title, instead."
        )
    if draft.existing is not None:
        reading = _reading_in_series(series=series, paper=draft.existing)
        if reading is not None:
            return SuggestAnswer(already_read=reading)
    result = process_suggestion_request.enqueue(
        series.pk,
        draft.existing.pk if draft.existing else None,
        {} if draft.existing else draft.citation.paper_fields(),
        why,
        normalize_email(email),
    )
    if result.status == TaskResultStatus.SUCCESSFUL and result.return_value != "gone":
        return SuggestAnswer(outcome=SuggestOutcome(result.return_value))
    return SuggestAnswer(outcome=SuggestOutcome.QUEUED)


def _suggestion_for(*, series: Series, paper: Paper, why: str, email: str) -> Suggestion:
    """The not-closed suggestion of `paper` in `series`: an earlier one, or a new one by `email`."""
    existing = Suggestion.objects.not_closed().filter(series=series, paper=paper).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Suggestion.objects.create(series=series, paper=paper, why=why, email=email)
    except IntegrityError:
        # Someone suggested the same paper at the same moment: theirs is the suggestion.
        return Suggestion.objects.not_closed().get(series=series, paper=paper)


def _vote_for(*, suggestion: Suggestion, email: str) -> Vote:
    """The address's vote for `suggestion`, unconfirmed if new; a withdrawn one asks again."""
    email = voter_address(email)
    try:
        with transaction.atomic():
            vote, _ = Vote.objects.get_or_create(
                suggestion=suggestion, email=email, defaults={"notify": True}
            )
    except IntegrityError:
        vote = Vote.objects.get(suggestion=suggestion, email=email)
    if vote.status == VoteStatus.WITHDRAWN:
        Vote.objects.filter(pk=vote.pk, status=VoteStatus.WITHDRAWN).update(
            status=VoteStatus.UNCONFIRMED, notify=True, updated_at=timezone.now()
        )
        vote.refresh_from_db()
    return vote


def suggestion_request_process(
    *,
    series: Series,
    paper_id: int | None,
    paper_fields: dict,
    why: str,
    email: str,
) -> SuggestOutcome:
    """
    The worker's part of a suggest request: the paper (the library's, or added
    from what the citation said), the suggestion (or the earlier one of the same
    paper), the address's vote for it, and the confirmation email, unless the
    vote counts already, one was mailed lately, or the address had its share of
    confirmations today.
    """
    email = normalize_email(email)
    with transaction.atomic():
        # One request of a series at a time: two people suggesting one paper at once
        # would otherwise add it to the library twice (only DOIs and arXiv ids are
        # unique there) and make two suggestions of it. The email is queued in the
        # same transaction (the queue is in the database): all of it or none.
        Series.objects.select_for_update().filter(pk=series.pk).first()
        return _process(
            series=series, paper_id=paper_id, paper_fields=paper_fields, why=why, email=email
        )


def _process(
    *, series: Series, paper_id: int | None, paper_fields: dict, why: str, email: str
) -> SuggestOutcome:
    paper = Paper.objects.filter(pk=paper_id).first() if paper_id else None
    if paper is None:
        paper, _ = paper_add(fields=paper_fields)
    suggestion = _suggestion_for(series=series, paper=paper, why=why, email=email)
    vote = _vote_for(suggestion=suggestion, email=email)
    if vote.status == VoteStatus.COUNTED:
        return SuggestOutcome.ALREADY_COUNTED
    # One confirmation per vote a while; add() is atomic in the shared cache.
    if not within_limit(
        f"meetups:suggest:resend:{vote.pk}", limit=1, window=CONFIRMATION_RESEND_AFTER
    ):
        return SuggestOutcome.RECENTLY_SENT
    if not within_limit(
        mailbox_key("suggestion-confirmations", email),
        limit=CONFIRMATIONS_PER_ADDRESS,
        window=CONFIRMATIONS_ADDRESS_WINDOW,
    ):
        return SuggestOutcome.ADDRESS_LIMITED
    send_suggestion_confirmation.enqueue(vote.pk)
    return SuggestOutcome.CONFIRMATION_QUEUED


def suggestion_tasks_recover(*, now: datetime | None = None) -> int:
    """
    The worker's chore for suggest requests and their emails (see `meetups.worker`):
    a task still RUNNING a lease after it started lost its worker and is queued
    again. A request runs again harmlessly; an email may reach its address twice.
    """
    now = now or timezone.now()
    return requeue_lost(
        [process_suggestion_request, send_suggestion_confirmation, send_suggestion_rejected],
        started_before=now - timedelta(seconds=settings.ANNOUNCEMENT_LEASE_SECONDS),
    )


def suggestion_send_confirmation(*, vote: Vote) -> None:
    """Email the link that confirms `vote` (and its suggestion, if new), unless it counts already."""
    if vote.status == VoteStatus.COUNTED or vote.suggestion.is_closed:
        return
    mailers.default.send_messages([confirmation_message(vote)])


class ConfirmOutcome(enum.StrEnum):
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already confirmed"
    CLOSED = "the suggestion was closed"
    UNKNOWN = "no such vote"


@dataclass
class Confirmation:
    outcome: ConfirmOutcome
    vote: Vote | None = None


def confirmation_of(*, vote_token: str) -> Confirmation:
    """What a (verified) confirmation link stands for, without changing anything."""
    vote = (
        Vote.objects.select_related("suggestion__series", "suggestion__paper")
        .filter(token=vote_token)
        .first()
    )
    if vote is None:
        return Confirmation(ConfirmOutcome.UNKNOWN)
    if vote.suggestion.is_closed:
        return Confirmation(ConfirmOutcome.CLOSED, vote)
    if vote.status == VoteStatus.COUNTED:
        return Confirmation(ConfirmOutcome.ALREADY_CONFIRMED, vote)
    return Confirmation(ConfirmOutcome.CONFIRMED, vote)  # what pressing the button will do


@transaction.atomic
def suggestion_confirm(*, vote_token: str, now: datetime | None = None) -> Confirmation:
    """
    Count the vote a (verified) confirmation link stands for; a suggestion that
    was waiting for its suggester now waits for the organizer, or is listed.
    A withdrawn vote stays withdrawn: the link predates the change of mind.
    """
    now = now or timezone.now()
    vote = (
        Vote.objects.select_for_update()
        .select_related("suggestion__series", "suggestion__paper")
        .filter(token=vote_token)
        .first()
    )
    if vote is None:
        return Confirmation(ConfirmOutcome.UNKNOWN)
    suggestion = Suggestion.objects.select_for_update().get(pk=vote.suggestion_id)
    vote.suggestion = suggestion
    if suggestion.is_closed:
        return Confirmation(ConfirmOutcome.CLOSED, vote)
    changed = Vote.objects.filter(pk=vote.pk, status=VoteStatus.UNCONFIRMED).update(
        status=VoteStatus.COUNTED, updated_at=now
    )
    if suggestion.status == SuggestionStatus.UNCONFIRMED:
        suggestion.status = (
            SuggestionStatus.PENDING_APPROVAL
            if suggestion.series.suggestions_need_approval
            else SuggestionStatus.OPEN
        )
        suggestion.confirmed_at = now
        suggestion.save(update_fields=["status", "confirmed_at", "updated_at"])
    vote.refresh_from_db()
    return Confirmation(
        ConfirmOutcome.CONFIRMED if changed else ConfirmOutcome.ALREADY_CONFIRMED, vote
    )


# --- the organizer's decisions ----------------------------------------------------------------


class SuggestionNotAllowed(ValidationError):
    """The organizer asked for something this suggestion's state does not allow."""


def _locked(suggestion: Suggestion) -> Suggestion:
    return (
        Suggestion.objects.select_for_update()
        .select_related("series", "paper")
        .get(pk=suggestion.pk)
    )


@transaction.atomic
def suggestion_approve(*, suggestion: Suggestion) -> Suggestion:
    """List a suggestion that waited for approval; one listed already stays as it is."""
    suggestion = _locked(suggestion)
    if suggestion.status == SuggestionStatus.OPEN:
        return suggestion
    if suggestion.status != SuggestionStatus.PENDING_APPROVAL:
        raise SuggestionNotAllowed(
            f"Only a suggestion waiting for approval can be approved; this one is "
            f"{suggestion.get_status_display().lower()}."
        )
    suggestion.status = SuggestionStatus.OPEN
    suggestion.save(update_fields=["status", "updated_at"])
    return suggestion


def _close(suggestion: Suggestion, *, status: str, now: datetime, **fields) -> None:
    for name, value in {"status": status, "closed_at": now, **fields}.items():
        setattr(suggestion, name, value)
    suggestion.save(update_fields=["status", "closed_at", "updated_at", *fields])


def _require_not_closed(suggestion: Suggestion, doing: str) -> None:
    if suggestion.is_closed:
        raise SuggestionNotAllowed(
            f"“{suggestion.paper.title}” is {suggestion.get_status_display().lower()} "
            f"already: it cannot be {doing}."
        )


@transaction.atomic
def suggestion_reject(
    *, suggestion: Suggestion, reason: str = "", now: datetime | None = None
) -> Suggestion:
    """
    Close a suggestion without reading it. The suggester is told, with `reason`,
    if they confirmed it: an unconfirmed address gets nothing more from us.
    """
    now = now or timezone.now()
    suggestion = _locked(suggestion)
    _require_not_closed(suggestion, "rejected")
    was_confirmed = suggestion.status != SuggestionStatus.UNCONFIRMED
    _close(suggestion, status=SuggestionStatus.REJECTED, now=now, reject_reason=reason.strip())
    if was_confirmed:
        send_suggestion_rejected.enqueue(suggestion.pk)
    return suggestion


def suggestion_send_rejection(*, suggestion: Suggestion) -> None:
    if suggestion.status == SuggestionStatus.REJECTED:
        mailers.default.send_messages([rejected_message(suggestion)])


_RANK = {VoteStatus.WITHDRAWN: 0, VoteStatus.UNCONFIRMED: 1, VoteStatus.COUNTED: 2}


@transaction.atomic
def suggestion_merge(
    *, duplicate: Suggestion, into: Suggestion, now: datetime | None = None
) -> Suggestion:
    """
    Close `duplicate` as merged into `into` (of the same series): its votes
    move, each address once. An address that voted for both keeps one vote,
    counted if either was, told of the outcome if it asked for either.
    """
    now = now or timezone.now()
    if duplicate.pk == into.pk:
        raise SuggestionNotAllowed("A suggestion cannot be merged into itself.")
    # Locked in one order, so that two merges of the same pair cannot wait on each other.
    first, second = sorted([duplicate, into], key=lambda s: s.pk)
    first, second = _locked(first), _locked(second)
    duplicate, into = (first, second) if first.pk == duplicate.pk else (second, first)
    if duplicate.series_id != into.series_id:
        raise SuggestionNotAllowed("Only suggestions of the same series can be merged.")
    _require_not_closed(duplicate, "merged")
    if into.status not in (SuggestionStatus.PENDING_APPROVAL, SuggestionStatus.OPEN):
        raise SuggestionNotAllowed(
            f"Merge into a suggestion that is waiting for approval or open; "
            f"“{into.paper.title}” is {into.get_status_display().lower()}."
        )
    kept = {vote.email: vote for vote in into.votes.select_for_update()}
    for vote in duplicate.votes.select_for_update():
        other = kept.get(vote.email)
        if other is None:
            Vote.objects.filter(pk=vote.pk).update(suggestion=into, updated_at=now)
            continue
        best = max(other.status, vote.status, key=lambda status: _RANK[status])
        Vote.objects.filter(pk=other.pk).update(
            status=best, notify=other.notify or vote.notify, updated_at=now
        )
        vote.delete()
    _close(duplicate, status=SuggestionStatus.MERGED, now=now, merged_into=into)
    return duplicate


def _accepted_recipients(suggestion: Suggestion) -> list[Recipient]:
    """The counted votes that asked to hear (the suggester's among them), each address once."""
    emails = (
        suggestion.votes.filter(status=VoteStatus.COUNTED, notify=True)
        .order_by("pk")
        .values_list("email", flat=True)
    )
    return [Recipient(email=email) for email in emails]


@transaction.atomic
def suggestion_accept(
    *,
    suggestion: Suggestion,
    session: Session | None = None,
    schedule_next: bool = False,
    created_by=None,
    now: datetime | None = None,
) -> ReadingListEntry:
    """
    Put the suggested paper on the reading list of `session` (of the series,
    published: the email links to it), or of a new next session scheduled from
    the cadence (`schedule_next`), close the suggestion as accepted, and email the
    suggester and the voters who asked to hear, one email each, through the
    announcements' delivery machinery. A paper on that reading list already
    keeps its entry. Raises SuggestionNotAllowed, changing nothing.
    """
    now = now or timezone.now()
    suggestion = _locked(suggestion)
    _require_not_closed(suggestion, "accepted")
    if suggestion.status == SuggestionStatus.UNCONFIRMED:
        raise SuggestionNotAllowed(
            "The suggester has not confirmed this suggestion yet: approve or accept it once "
            "they have."
        )
    if schedule_next:
        # Published at once: the email sends its readers to the session's page.
        (session,) = session_schedule_next(series=suggestion.series, count=1, publish=True, now=now)
    if session is None:
        raise SuggestionNotAllowed("Choose a session, or schedule the next one.")
    if session.series_id != suggestion.series_id:
        raise SuggestionNotAllowed(f"The {session} is not a session of {suggestion.series}.")
    if not session.is_published():
        raise SuggestionNotAllowed(
            f"The {session} is not published yet: publish it first, since the email links to it."
        )
    entry = ReadingListEntry.objects.filter(session=session, paper=suggestion.paper).first()
    if entry is None:
        entry = reading_list_add(session=session, paper=suggestion.paper)
    _close(
        suggestion,
        status=SuggestionStatus.ACCEPTED,
        now=now,
        accepted_session=session,
        accepted_entry=entry,
    )
    # Whoever the organizer approved to present the suggested paper now presents the entry.
    presenter_claims_carry_over(suggestion=suggestion)
    recipients = _accepted_recipients(suggestion)
    # Nobody who asked to hear: the suggestion is accepted all the same, without an email.
    if recipients:
        announcement_create(
            session=session,
            kind=AnnouncementKind.SUGGESTION_ACCEPTED,
            content=accepted_content(suggestion),
            recipients=lambda session: recipients,
            created_by=created_by,
        )
    return entry
