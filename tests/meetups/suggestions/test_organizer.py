"""The organizer's side, in the admin: approve, reject with a reason, merge, accept into a session."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail

from meetups.enums import AnnouncementKind, SuggestionStatus, VoteStatus
from meetups.models import Announcement, ReadingListEntry, Session, Suggestion, Vote

pytestmark = pytest.mark.usefixtures("immediate_tasks")

URL = "/admin/meetups/suggestion/"


def _act(client, action, suggestions, **data):
    return client.post(
        URL,
        {"action": action, ACTION_CHECKBOX_NAME: [s.pk for s in suggestions], **data},
        follow=True,
    )


def _listed(client, series) -> str:
    return client.get(f"/club/{series.slug}/suggestions/").content.decode()


def test_the_list_shows_status_and_counted_votes(staff_client, make_suggestion):
    make_suggestion(paper=None, votes=2)
    html = staff_client.get(URL).content.decode()
    assert "Open for votes" in html and ">3<" in html
    assert staff_client.get(f"{URL}add/").status_code == 403


def test_approving_lists_a_waiting_suggestion(staff_client, client, series, make_suggestion):
    suggestion = make_suggestion(status=SuggestionStatus.PENDING_APPROVAL)
    assert suggestion.paper.title not in _listed(client, series)

    page = _act(staff_client, "approve", [suggestion])

    assert "Approved: 1 suggestion." in page.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.OPEN
    assert suggestion.paper.title in _listed(client, series)


def test_rejecting_asks_for_a_reason_and_tells_the_suggester(staff_client, make_suggestion):
    suggestion = make_suggestion(email="ada@example.org")
    ask = _act(staff_client, "reject", [suggestion])
    assert 'value="Reject these suggestions"' in ask.content.decode()
    assert Suggestion.objects.get().status == SuggestionStatus.OPEN

    _act(staff_client, "reject", [suggestion], apply="1", reason="We read it in 2019.")

    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.REJECTED and suggestion.closed_at
    (message,) = mail.outbox
    assert message.to == ["ada@example.org"]
    assert "We read it in 2019." in message.body
    assert "We read it in 2019." in message.alternatives[0][0]
    assert "Unsubscribe" not in message.body


def test_an_unconfirmed_suggester_is_not_emailed_on_rejection(staff_client, make_suggestion):
    suggestion = make_suggestion(status=SuggestionStatus.UNCONFIRMED)
    _act(staff_client, "reject", [suggestion], apply="1", reason="spam")
    assert Suggestion.objects.get().status == SuggestionStatus.REJECTED
    assert mail.outbox == []


def test_a_closed_suggestion_cannot_be_rejected_again(staff_client, make_suggestion):
    suggestion = make_suggestion(status=SuggestionStatus.ACCEPTED)
    page = _act(staff_client, "reject", [suggestion], apply="1", reason="")
    assert "cannot be rejected" in page.content.decode()
    assert Suggestion.objects.get().status == SuggestionStatus.ACCEPTED


def test_merging_moves_the_votes_each_address_once(
    staff_client, client, series, make_suggestion, make_paper
):
    kept = make_suggestion(email="ada@example.org", votes=2)  # voter0, voter1
    duplicate = make_suggestion(email="bob@example.org")
    Vote.objects.create(suggestion=duplicate, email="voter0@example.org", notify=True)
    Vote.objects.create(
        suggestion=duplicate, email="ada@example.org", status=VoteStatus.UNCONFIRMED
    )

    page = _act(staff_client, "merge", [duplicate], apply="1", into=kept.pk)

    assert "Merged into" in page.content.decode()
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (SuggestionStatus.MERGED, kept)
    votes = {vote.email: vote for vote in kept.votes.all()}
    assert sorted(votes) == [
        "ada@example.org",
        "bob@example.org",
        "voter0@example.org",
        "voter1@example.org",
    ]
    assert {vote.status for vote in votes.values()} == {VoteStatus.COUNTED}
    assert votes["voter0@example.org"].notify  # asked on the duplicate
    assert not duplicate.votes.exists()
    html = _listed(client, series)
    assert "4 votes<" in html and duplicate.paper.title not in html


def test_merge_refuses_another_series_and_itself(staff_client, make_suggestion, make_series):
    other = make_suggestion(of=make_series(name="Other club"))
    suggestion = make_suggestion()
    page = _act(staff_client, "merge", [suggestion], apply="1", into=other.pk)
    assert "Select a valid choice" in page.content.decode()
    page = _act(staff_client, "merge", [suggestion], apply="1", into=suggestion.pk)
    assert "Select a valid choice" in page.content.decode()
    assert set(Suggestion.objects.values_list("status", flat=True)) == {SuggestionStatus.OPEN}


def test_accepting_into_a_session_adds_it_last_and_emails_who_asked(
    staff_client, client, series, make_suggestion, make_session
):
    session = make_session(number=21, days=10, papers=2)
    suggestion = make_suggestion(email="ada@example.org", votes=1)  # voter0 did not ask
    Vote.objects.create(
        suggestion=suggestion, email="carol@example.org", notify=True, status=VoteStatus.COUNTED
    )
    Vote.objects.create(suggestion=suggestion, email="eve@example.org", notify=True)
    Vote.objects.create(
        suggestion=suggestion, email="dan@example.org", notify=True, status=VoteStatus.WITHDRAWN
    )

    ask = _act(staff_client, "accept", [suggestion])
    assert "21st Distributed Systems Paper Club" in ask.content.decode()
    page = _act(staff_client, "accept", [suggestion], apply="1", session=session.pk)

    assert "is on the reading list of the 21st" in page.content.decode()
    entries = list(session.reading_list.order_by("position"))
    assert [entry.paper for entry in entries][-1] == suggestion.paper
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ACCEPTED
    assert (suggestion.accepted_session, suggestion.accepted_entry) == (session, entries[-1])
    assert suggestion.paper.title not in _listed(client, series)
    announcement = Announcement.objects.get(kind=AnnouncementKind.SUGGESTION_ACCEPTED)
    # One delivery each, through the announcements' machinery (test_loop.py sends them).
    deliveries = announcement.deliveries.values_list("email", flat=True)
    assert sorted(deliveries) == ["ada@example.org", "carol@example.org"]


def test_accepting_can_schedule_the_next_session_with_it(
    staff_client, series, make_suggestion, make_session
):
    make_session(number=4, days=3)
    suggestion = make_suggestion()

    _act(staff_client, "accept", [suggestion], apply="1", schedule_next="on")

    new = Session.objects.get(number=5)
    assert new.is_published() and list(new.papers()) == [suggestion.paper]
    assert Suggestion.objects.get().accepted_session == new


@pytest.mark.parametrize(
    "problem", ["unpublished", "both", "neither", "unconfirmed", "closed", "two-selected"]
)
def test_accepting_badly_says_why_and_changes_nothing(
    staff_client, series, make_suggestion, make_session, problem
):
    session = make_session(number=21, days=10)
    status = {"unconfirmed": SuggestionStatus.UNCONFIRMED, "closed": SuggestionStatus.REJECTED}
    suggestion = make_suggestion(status=status.get(problem, SuggestionStatus.OPEN))
    selected = [suggestion]
    data = {"apply": "1", "session": session.pk}
    match problem:
        case "unpublished":
            data["session"] = make_session(number=22, days=20, published=False).pk
        case "both":
            data["schedule_next"] = "on"
        case "neither":
            data.pop("session")
        case "two-selected":
            selected.append(make_suggestion())

    page = _act(staff_client, "accept", selected, **data)

    assert page.status_code == 200
    html = page.content.decode()
    assert any(
        text in html
        for text in (
            "Select a valid choice",
            "one of both",
            "has not confirmed",
            "cannot be accepted",
            "one suggestion at a time",
        )
    ), html
    assert not ReadingListEntry.objects.filter(paper=suggestion.paper).exists()
    assert Session.objects.count() == (2 if problem == "unpublished" else 1)
    assert Suggestion.objects.filter(status=SuggestionStatus.ACCEPTED).count() == 0
    assert mail.outbox == []


def test_a_suggestions_admin_page_shows_its_votes_and_changes_nothing_by_itself(
    staff_client, make_suggestion
):
    suggestion = make_suggestion(email="ada@example.org", votes=1, why="Read *this*")
    html = staff_client.get(f"{URL}{suggestion.pk}/change/").content.decode()
    assert suggestion.paper.title in html
    assert "ada@example.org" in html and "voter0@example.org" in html  # the organizer's eyes only
    assert 'name="status"' not in html  # states change through the actions
