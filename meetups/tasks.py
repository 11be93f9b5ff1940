"""
Background tasks of the club, run by the worker (`manage.py run_worker`).

A leaf: the services and the delivery code import these task objects at their
top to enqueue them, so this module imports nothing of the club at its own
top; each task imports what it calls inside its body. A task only fetches its
row and hands it to the domain function.
"""

from django.tasks import task


@task
def process_subscription_request(series_id: int, email: str, requested_at: str) -> str:
    """
    Look up, claim and rate-limit a subscribe request the web answered at once;
    returns what it did (a SubscribeOutcome), or "gone" if the series was deleted.
    """
    from datetime import datetime

    from meetups.models import Series
    from meetups.services.subscriptions import subscription_request_process

    series = Series.objects.filter(pk=series_id).first()
    if series is None:
        return "gone"
    outcome = subscription_request_process(
        series=series, email=email, now=datetime.fromisoformat(requested_at)
    )
    return outcome.value


@task
def send_confirmation(subscription_id: int) -> str:
    """Email the double opt-in link of a subscription request; "gone" if it was deleted."""
    from meetups.models import Subscription
    from meetups.services.subscriptions import subscription_send_confirmation

    subscription = Subscription.objects.select_related("series").filter(pk=subscription_id).first()
    if subscription is None:
        return "gone"
    subscription_send_confirmation(subscription=subscription)
    return "sent"


@task
def send_announcement(announcement_id: int, run_token: str, outages: int = 0) -> dict:
    """
    Send an announcement's pending deliveries; returns how many were sent, failed,
    deferred. `outages`: how many runs in a row before this one found the mail
    server unavailable (it sets the wait before the next).
    """
    from meetups.mailing.delivery import run

    return run(announcement_id=announcement_id, run_token=run_token, outages=outages)


@task
def process_suggestion_request(
    series_id: int,
    paper_id: int | None,
    paper_fields: dict,
    why: str,
    email: str,
) -> str:
    """
    The address's part of a paper suggestion the web answered at once: the paper,
    the suggestion or the vote, the limits and the confirmation email; returns what
    it did (a SuggestOutcome), or "gone" if the series was deleted.
    """
    from meetups.models import Series
    from meetups.services.suggestions import suggestion_request_process

    series = Series.objects.filter(pk=series_id).first()
    if series is None:
        return "gone"
    outcome = suggestion_request_process(
        series=series,
        paper_id=paper_id,
        paper_fields=paper_fields,
        why=why,
        email=email,
    )
    return outcome.value


@task
def send_suggestion_confirmation(vote_id: int) -> str:
    """Email the link that confirms a suggestion (the suggester's vote); "gone" if deleted."""
    from meetups.models import Vote
    from meetups.services.suggestions import suggestion_send_confirmation

    vote = (
        Vote.objects.select_related("suggestion__series", "suggestion__paper")
        .filter(pk=vote_id)
        .first()
    )
    if vote is None:
        return "gone"
    suggestion_send_confirmation(vote=vote)
    return "sent"


@task
def send_suggestion_rejected(suggestion_id: int) -> str:
    """Tell the suggester their suggestion was rejected, and why; "gone" if deleted."""
    from meetups.models import Suggestion
    from meetups.services.suggestions import suggestion_send_rejection

    suggestion = (
        Suggestion.objects.select_related("series", "paper").filter(pk=suggestion_id).first()
    )
    if suggestion is None:
        return "gone"
    suggestion_send_rejection(suggestion=suggestion)
    return "sent"


@task
def send_vote_link(suggestion_id: int, email: str, notify: bool) -> str:
    """
    Email the signed link that counts an address's vote for a suggestion; returns
    what was done (a VoteOutcome), or "gone" if the suggestion was deleted.
    """
    from meetups.models import Suggestion
    from meetups.services.votes import vote_send_link

    suggestion = (
        Suggestion.objects.select_related("series", "paper").filter(pk=suggestion_id).first()
    )
    if suggestion is None:
        return "gone"
    return vote_send_link(suggestion=suggestion, email=email, notify=notify).value


@task
def process_presenter_claim(
    entry_id: int | None, suggestion_id: int | None, name: str, email: str
) -> str:
    """
    Record an offer to present and mail its confirmation link; returns what was
    done (a ClaimOutcome), or "gone" if its paper left the list meanwhile.
    """
    from meetups.models import ReadingListEntry, Suggestion
    from meetups.services.presenters import presenter_claim_process

    entry = suggestion = None
    if entry_id is not None:
        entry = ReadingListEntry.objects.filter(pk=entry_id).first()
    else:
        suggestion = Suggestion.objects.filter(pk=suggestion_id).first()
    if entry is None and suggestion is None:
        return "gone"
    return presenter_claim_process(entry=entry, suggestion=suggestion, name=name, email=email).value


@task
def process_attendance_request(session_id: int, email: str, name: str, requested_at: str) -> str:
    """
    Look up, claim and rate-limit an RSVP the web answered at once; returns what
    it did (an RsvpOutcome), or "gone" if the session was deleted.
    """
    from datetime import datetime

    from meetups.models import Session
    from meetups.services.attendance import attendance_request_process

    session = Session.objects.select_related("series").filter(pk=session_id).first()
    if session is None:
        return "gone"
    outcome = attendance_request_process(
        session=session, email=email, name=name, now=datetime.fromisoformat(requested_at)
    )
    return outcome.value


@task
def send_attendance_email(attendance_id: int, kind: str) -> str:
    """Email an RSVP's confirmation link or its new state; "gone" if it was deleted."""
    from meetups.models import Attendance
    from meetups.services.attendance import attendance_send_email

    attendance = (
        Attendance.objects.select_related("session__series").filter(pk=attendance_id).first()
    )
    if attendance is None:
        return "gone"
    return "sent" if attendance_send_email(attendance=attendance, kind=kind) else "outdated"
