"""Voting for suggested papers: the page's form, signed links, the voter cookie, bad input."""

import re
import time
from unittest import mock

import pytest

from meetups.enums import SuggestionStatus, VoteStatus
from meetups.mailing import vote_links
from meetups.models import Vote
from tests.helpers.links import readable_part

pytestmark = pytest.mark.usefixtures("immediate_tasks")


@pytest.fixture
def mailoutbox():
    """What the default mailer sent (the in-memory one, without `smtp_server`)."""
    from django.core import mail

    return mail.outbox


VOTE_LINK = re.compile(r"http://127\.0\.0\.1:8000(/club/votes/[^/\s]+/)")


def _vote(client, suggestion, email, headers=None, **extra):
    url = f"/club/{suggestion.series.slug}/suggestions/{suggestion.pk}/vote/"
    data = {"email": email, "website": "", "action": "vote", **extra}
    return client.post(url, data, headers=headers)


def _link(message) -> str:
    """The path of the vote link in a message's text part."""
    body = message.get_body(preferencelist=("plain",)).get_content()
    (path,) = set(VOTE_LINK.findall(body))
    return path


def _counted(suggestion) -> int:
    """The counted votes besides the suggester's own."""
    votes = Vote.objects.filter(suggestion=suggestion, status=VoteStatus.COUNTED)
    return votes.exclude(email=suggestion.email).count()


def test_two_addresses_vote_and_one_changes_its_vote(client, smtp_server, make_suggestion):
    from django.test import Client

    raft, paxos = make_suggestion(), make_suggestion()

    # Ada votes on the page: the answer is "check your inbox", and one email carries the link.
    response = _vote(client, raft, "Ada@Example.ORG")
    assert response.status_code == 302
    assert response["Location"] == f"/club/{raft.series.slug}/suggestions/{raft.pk}/vote/sent/"
    assert "Check your inbox" in client.get(response["Location"]).content.decode()
    (message,) = smtp_server.handler.messages
    assert message["To"] == "ada@example.org"
    assert message["Subject"].startswith("Confirm your vote for “")
    assert _counted(raft) == 0
    link = _link(message)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert "ada" not in link.lower() and "ada" not in readable_part(token).lower()

    # A link scanner's GET shows the button and counts nothing.
    page = client.get(link)
    assert page.status_code == 200 and "Yes, count my vote" in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    assert _counted(raft) == 0

    page = client.post(link, {"action": "vote", "notify": "on"})
    assert "Your vote counts" in page.content.decode()
    assert _counted(raft) == 1
    assert Vote.objects.get(suggestion=raft, email="ada@example.org").notify is True
    cookie = page.cookies[vote_links.VOTER_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"

    # From now on this browser votes at once, for any suggestion, with no email.
    page = _vote(client, paxos, "ada@example.org")
    assert page.status_code == 200 and "Your vote counts" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert _counted(paxos) == 1 and len(smtp_server.handler.messages) == 1

    # Grace votes from another browser: two votes for Raft.
    grace = Client()
    _vote(grace, raft, "grace@example.org")
    grace.post(_link(smtp_server.handler.messages[1]), {"action": "vote"})
    assert _counted(raft) == 2

    # Ada changes her mind: withdraws, and the count is public, voters are not.
    page = _vote(client, raft, "ada@example.org", action="withdraw")
    assert "Your vote is withdrawn" in page.content.decode()
    assert _counted(raft) == 1
    page = _vote(client, raft, "ada@example.org", action="withdraw")
    assert "There was no vote to withdraw" in page.content.decode()
    # …and votes again: still one row per address.
    _vote(client, raft, "ADA@example.org")
    assert _counted(raft) == 2 and Vote.objects.filter(suggestion=raft).count() == 3

    # Voting twice counts once.
    page = client.post(link, {"action": "vote"})
    assert "You had already voted" in page.content.decode()
    assert _counted(raft) == 2


def test_the_answer_is_the_same_for_every_address(client, make_suggestion, mailoutbox):
    suggestion = make_suggestion(votes=1)  # voter0@example.org voted already
    answers = {
        (response.status_code, response["Location"], response.content)
        for response in (
            _vote(client, suggestion, "voter0@example.org"),
            _vote(client, suggestion, "new@example.org"),
            _vote(client, suggestion, "suggester@example.org"),
            _vote(client, suggestion, "bot@example.org", website="http://spam.example"),
        )
    }
    assert len(answers) == 1
    # The bot got nothing; each of the others a link (a voter's link offers to withdraw).
    assert sorted(m.to[0] for m in mailoutbox) == [
        "new@example.org",
        "suggester@example.org",
        "voter0@example.org",
    ]
    assert _counted(suggestion) == 1


def test_a_known_voter_s_link_offers_to_withdraw(client, make_suggestion):
    suggestion = make_suggestion(votes=1)
    url = vote_links.vote_url(suggestion_id=suggestion.pk, email="voter0@example.org")
    page = client.get(url.removeprefix("http://127.0.0.1:8000")).content.decode()
    assert "You vote for this paper" in page and "Withdraw my vote" in page


def test_asking_again_soon_sends_no_second_link_and_the_limits_hold(
    client, make_suggestion, mailoutbox
):
    suggestion = make_suggestion()
    for _ in range(3):
        _vote(client, suggestion, "ada@example.org")
    assert len(mailoutbox) == 1
    others = [make_suggestion() for _ in range(6)]
    for other in others:
        _vote(client, other, "Ada@example.org")
    # Five links a day per mailbox, however it is spelled.
    assert len(mailoutbox) == 5


def test_a_client_sending_too_many_gets_the_same_answer_and_nothing_is_sent(
    client, make_suggestion, mailoutbox, settings
):
    suggestion = make_suggestion()
    with mock.patch("meetups.services.votes.VOTE_REQUESTS_PER_IP", 2):
        answers = {_vote(client, suggestion, f"v{n}@example.org")["Location"] for n in range(4)}
    assert len(answers) == 1
    assert len(mailoutbox) == 2


@pytest.mark.parametrize(
    "email, message",
    [("", "This field is required."), ("not an address", "Enter a valid email address.")],
    ids=["empty", "malformed"],
)
def test_a_bad_address_is_answered_next_to_the_field(client, make_suggestion, email, message):
    suggestion = make_suggestion()
    page = _vote(client, suggestion, email)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="vote-email-error-{suggestion.pk}"><li>{message}</li>' in html
    assert 'aria-invalid="true"' in html
    assert _counted(suggestion) == 0


def test_a_post_from_another_site_is_refused(client, make_suggestion, mailoutbox):
    suggestion = make_suggestion()
    response = _vote(
        client, suggestion, "ada@example.org", headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert not mailoutbox


def test_each_open_suggestion_on_the_page_has_a_vote_form_the_same_for_everyone(
    client, make_suggestion
):
    first, second = make_suggestion(votes=1), make_suggestion()
    url = f"/club/{first.series.slug}/suggestions/"
    page = client.get(url).content.decode()
    for suggestion in (first, second):
        action = f'action="/club/{suggestion.series.slug}/suggestions/{suggestion.pk}/vote/"'
        assert action in page
        offer = f'href="/club/{suggestion.series.slug}/suggestions/{suggestion.pk}/present/"'
        assert offer in page
    assert "csrfmiddlewaretoken" not in page
    assert "2 votes" in page and "1 vote<" in page
    # A browser that proved its address gets the very same bytes: the page is shared.
    client.cookies[vote_links.VOTER_COOKIE] = "anything"
    assert client.get(url).content.decode() == page


def test_the_vote_form_page_carries_no_token_and_no_address(client, make_suggestion):
    suggestion = make_suggestion()
    html = client.get(f"/club/{suggestion.series.slug}/suggestions/{suggestion.pk}/vote/")
    html = html.content.decode()
    form = html.split('class="vote-form"')[1].split("</form>")[0]
    assert "csrfmiddlewaretoken" not in form and 'name="website"' in form
    assert 'value=""' in form


@pytest.mark.parametrize(
    "status",
    [SuggestionStatus.ACCEPTED, SuggestionStatus.REJECTED, SuggestionStatus.MERGED],
    ids=["accepted", "rejected", "merged"],
)
def test_a_closed_suggestion_takes_no_votes(client, make_suggestion, status, mailoutbox):
    suggestion = make_suggestion()
    link = vote_links.vote_url(suggestion_id=suggestion.pk, email="ada@example.org")
    link = link.removeprefix("http://127.0.0.1:8000")
    suggestion.status = status
    suggestion.save()

    for response in (client.get(link), client.post(link, {"action": "vote"})):
        assert response.status_code == 410
        assert "This suggestion is closed" in response.content.decode()
    response = _vote(client, suggestion, "ada@example.org")
    assert response.status_code == 410
    assert _counted(suggestion) == 0 and not mailoutbox


def test_an_unconfirmed_suggestion_is_not_there(client, make_suggestion):
    suggestion = make_suggestion(status=SuggestionStatus.PENDING_APPROVAL)
    assert _vote(client, suggestion, "ada@example.org").status_code == 404
    link = vote_links.vote_url(suggestion_id=suggestion.pk, email="ada@example.org")
    assert client.get(link.removeprefix("http://127.0.0.1:8000")).status_code == 400


def test_tampered_expired_and_wrong_kind_links_change_nothing(client, make_suggestion):
    from meetups.mailing import tokens

    suggestion = make_suggestion()
    token = vote_links.vote_token(suggestion_id=suggestion.pk, email="ada@example.org")
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    wrong_kind = tokens.manage_token(subscription_id=1)
    for bad in (tampered, wrong_kind, "x" * 5000, "%00"):
        response = client.post(f"/club/votes/{bad}/", {"action": "vote"})
        assert response.status_code in (400, 404)
        if response.status_code == 400:
            assert "This link does not work" in response.content.decode()
    later = time.time() + vote_links.VOTE_MAX_AGE.total_seconds() + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        expired = client.post(f"/club/votes/{token}/", {"action": "vote"})
    assert expired.status_code == 410 and "This link has expired" in expired.content.decode()
    incomplete = client.post(f"/club/votes/{token}/", {"action": "steal"})
    assert incomplete.status_code == 400 and "That did not work" in incomplete.content.decode()
    assert _counted(suggestion) == 0


def test_a_forged_cookie_votes_for_nobody(client, make_suggestion, mailoutbox):
    suggestion = make_suggestion()
    client.cookies[vote_links.VOTER_COOKIE] = "ada@example.org"
    response = _vote(client, suggestion, "ada@example.org")
    assert response.status_code == 302
    assert _counted(suggestion) == 0 and len(mailoutbox) == 1


def test_casting_is_idempotent_whatever_the_spelling_and_stops_at_closing(make_suggestion):
    from meetups import services

    first = make_suggestion()
    assert services.vote_cast(suggestion=first, email="A@x.org") == services.VoteOutcome.COUNTED
    assert (
        services.vote_cast(suggestion=first, email="a@X.org")
        == services.VoteOutcome.ALREADY_COUNTED
    )
    assert services.vote_withdraw(suggestion=first, email="a@x.org") == "withdrawn"
    first.status = SuggestionStatus.ACCEPTED
    first.save()
    assert services.vote_cast(suggestion=first, email="a@x.org") == services.VoteOutcome.CLOSED
