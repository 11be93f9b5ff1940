"""“Vote for the next session”: while the organizer's round is open, an address has one vote."""

from datetime import timedelta

import pytest
from django.utils import timezone

from meetups import services
from meetups.enums import VoteStatus
from meetups.mailing import vote_links
from meetups.mailing.content import announcement_content
from meetups.models import Session, Vote, VotingRound


def _round_form(series, *, closes):
    now = timezone.localtime()
    return {
        "series": series.pk,
        "opens_at_0": now.strftime("%Y-%m-%d"),
        "opens_at_1": (now - timedelta(minutes=1)).strftime("%H:%M:%S"),
        "closes_at_0": closes.strftime("%Y-%m-%d"),
        "closes_at_1": closes.strftime("%H:%M:%S"),
    }


def _counted(suggestion, email) -> bool:
    return Vote.objects.filter(
        suggestion=suggestion, email=email, status=VoteStatus.COUNTED
    ).exists()


@pytest.mark.usefixtures("immediate_tasks")
def test_in_an_open_round_a_vote_moves_and_after_it_closes_it_adds(
    client, staff_client, series, make_suggestion
):
    from django.test import Client

    raft, paxos = make_suggestion(), make_suggestion()
    closes = timezone.localtime() + timedelta(days=3)
    response = staff_client.post(
        "/admin/meetups/votinground/add/", _round_form(series, closes=closes)
    )
    assert response.status_code == 302, response.content.decode()
    voting_round = VotingRound.objects.get()

    visitor = Client()
    page = visitor.get(f"/club/{series.slug}/suggestions/").content.decode()
    assert "Vote for the next session until" in page and voting_round.closes_text in page

    link = vote_links.vote_url(suggestion_id=raft.pk, email="ada@example.org")
    visitor.post(link.removeprefix("http://127.0.0.1:8000"), {"action": "vote"})
    page = visitor.post(
        f"/club/{series.slug}/suggestions/{paxos.pk}/vote/",
        {"email": "ada@example.org", "website": "", "action": "vote"},
    )
    assert "Your vote moved here" in page.content.decode()
    assert _counted(paxos, "ada@example.org") and not _counted(raft, "ada@example.org")
    # Moving back and forth keeps one vote; the suggesters' own votes are not touched.
    assert (
        services.vote_cast(suggestion=raft, email="ada@example.org")
        == "counted, and moved from another suggestion (a voting round is open)"
    )
    assert _counted(raft, "ada@example.org") and not _counted(paxos, "ada@example.org")
    assert _counted(paxos, paxos.email)

    VotingRound.objects.filter(pk=voting_round.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    assert (
        services.vote_cast(suggestion=paxos, email="ada@example.org")
        == services.VoteOutcome.COUNTED
    )
    assert _counted(raft, "ada@example.org") and _counted(paxos, "ada@example.org")


def test_rounds_of_a_series_do_not_overlap_and_close_after_opening(staff_client, series):
    closes = timezone.localtime() + timedelta(days=3)
    staff_client.post("/admin/meetups/votinground/add/", _round_form(series, closes=closes))
    again = staff_client.post("/admin/meetups/votinground/add/", _round_form(series, closes=closes))
    assert "The series has a round at that time already." in again.content.decode()
    backwards = staff_client.post(
        "/admin/meetups/votinground/add/",
        _round_form(series, closes=timezone.localtime() - timedelta(days=1)),
    )
    assert "A round must close after it opens." in backwards.content.decode()
    assert VotingRound.objects.count() == 1


def test_the_announcement_says_when_the_round_closes(series, make_session, make_suggestion):
    session = Session.objects.for_display().get(pk=make_session(papers=1).pk)
    make_suggestion(votes=1)
    content = announcement_content(session, subject="x")
    assert "What should we read next?" in content.text
    assert "Vote for the next session until" not in content.text
    voting_round = VotingRound.objects.create(
        series=series, closes_at=timezone.now() + timedelta(days=2)
    )
    content = announcement_content(session, subject="x")
    assert f"Vote for the next session until {voting_round.closes_text}" in content.text
    assert voting_round.closes_text in content.html
