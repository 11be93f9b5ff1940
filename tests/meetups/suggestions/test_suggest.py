"""Suggesting a paper through the public pages: the form, the confirmation link, duplicates."""

import re
from unittest import mock

import pytest
from django.core import mail, signing
from django.utils import timezone

from meetups.enums import SuggestionStatus, VoteStatus
from meetups.models import Paper, Suggestion, Vote
from meetups.services import suggestions
from tests.helpers.metadata_server import stored

pytestmark = pytest.mark.usefixtures("immediate_tasks")

LINK = re.compile(r"http://127\.0\.0\.1:8000(/club/suggestions/confirm/[^/\s]+/)")
RAFT = (
    "Ongaro, D., & Ousterhout, J. (2014). In search of an understandable consensus "
    "algorithm. In 2014 USENIX Annual Technical Conference (pp. 305-319)."
)
PAXOS = "Lamport, L. (2001). Paxos made simple. ACM SIGACT News, 32(4), 18–25."


def _suggest(client, series, citation=RAFT, email="ada@example.org", **extra):
    data = {"citation": citation, "why": "", "email": email, "website": "", **extra}
    return client.post(f"/club/{series.slug}/suggestions/suggest/", data)


def _link(message) -> str:
    (path,) = set(LINK.findall(message.body))
    assert path in message.alternatives[0][0]
    return path


def _confirm(client, message):
    return client.post(_link(message))


# --- the form ---------------------------------------------------------------------------------


def test_series_page_and_suggestions_page_carry_the_form_without_csrf(client, series):
    for url in (f"/club/{series.slug}/", f"/club/{series.slug}/suggestions/"):
        html = client.get(url).content.decode()
        form = html.split('class="suggest-form"')[1].split("</form>")[0]
        assert f'action="/club/{series.slug}/suggestions/suggest/"' in html
        assert 'name="citation"' in form and 'name="email"' in form and 'name="why"' in form
        assert 'class="subscribe-trap" aria-hidden="true"' in form
        assert "csrfmiddlewaretoken" not in form


def test_suggest_confirm_and_the_paper_is_listed_with_the_suggesters_vote(client, series):
    response = _suggest(client, series, email=" Ada@Example.ORG ", why="Read **§5** <script>x")
    assert response.status_code == 302
    assert response["Location"] == f"/club/{series.slug}/suggestions/sent/"
    assert "Check your inbox" in client.get(response["Location"]).content.decode()

    # Nothing is public before the suggester confirms.
    assert (
        "In search of an understandable"
        not in client.get(f"/club/{series.slug}/suggestions/").content.decode()
    )
    (message,) = mail.outbox
    assert message.to == ["ada@example.org"]
    assert message.subject == "Confirm your suggestion for Distributed Systems Paper Club"
    assert "In search of an understandable consensus algorithm" in message.body
    # One address, one thing: no list headers, and vacation responders stay silent.
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "List-Unsubscribe" not in message.extra_headers

    # A mail scanner following the link confirms nothing.
    page = client.get(_link(message))
    assert page.status_code == 200 and "Yes, confirm my suggestion" in page.content.decode()
    assert Suggestion.objects.get().status == SuggestionStatus.UNCONFIRMED

    page = _confirm(client, message)
    assert "your vote counts" in page.content.decode()
    suggestion = Suggestion.objects.get()
    assert suggestion.status == SuggestionStatus.OPEN and suggestion.confirmed_at
    assert suggestion.email == "Ada@example.org"
    (vote,) = suggestion.votes.all()
    assert (vote.email, vote.status, vote.notify) == ("ada@example.org", VoteStatus.COUNTED, True)

    html = client.get(f"/club/{series.slug}/suggestions/").content.decode()
    assert "In search of an understandable consensus algorithm" in html
    assert "1 vote<" in html
    # The why is Markdown, sanitized; the address is never shown.
    assert "<strong>§5</strong>" in html and "<script>" not in html
    assert "ada@example.org" not in html.lower()

    again = _confirm(client, message)
    assert "You confirmed this already" in again.content.decode()
    assert Vote.objects.get().status == VoteStatus.COUNTED


def test_a_series_that_asks_for_approval_keeps_confirmed_suggestions_off_the_page(client, series):
    series.suggestions_need_approval = True
    series.save()
    _suggest(client, series)
    page = _confirm(client, mail.outbox[0])

    assert "waits for the organizer's approval" in page.content.decode()
    assert Suggestion.objects.get().status == SuggestionStatus.PENDING_APPROVAL
    html = client.get(f"/club/{series.slug}/suggestions/").content.decode()
    assert "In search of an understandable" not in html


def test_a_duplicate_suggestion_becomes_a_vote_not_a_row(client, series):
    _suggest(client, series, email="ada@example.org", why="first")
    _confirm(client, mail.outbox[0])
    mail.outbox.clear()

    # The same paper, another spelling of the reference, another address.
    _suggest(client, series, citation=RAFT.upper().replace("(2014)", "(2014)"), email="bob@x.org")
    _suggest(client, series, citation=RAFT, email="carol@x.org", why="second")
    assert Suggestion.objects.count() == 1 and Paper.objects.count() == 1
    assert Suggestion.objects.get().why == "first"
    for message in list(mail.outbox):
        _confirm(client, message)

    html = client.get(f"/club/{series.slug}/suggestions/").content.decode()
    assert html.count('class="suggestion"') == 1
    assert "3 votes<" in html


def test_suggesting_again_from_the_same_address_counts_once(client, series):
    _suggest(client, series, email="ada@example.org")
    _confirm(client, mail.outbox[0])
    mail.outbox.clear()

    _suggest(client, series, email="ADA@example.org")
    assert mail.outbox == []  # the vote counts already: nothing to confirm
    assert Vote.objects.count() == 1


def test_the_answer_is_the_same_whatever_the_address(client, series, make_suggestion):
    make_suggestion(email="known@example.org")
    answers = {
        _suggest(client, series, email=email)["Location"]
        for email in ("known@example.org", "new@example.org", "new@example.org")
    }
    assert answers == {f"/club/{series.slug}/suggestions/sent/"}


def test_a_paper_already_read_says_when_and_saves_nothing(client, series, make_session, make_paper):
    paper = make_paper(title="Paxos made simple", authors="Leslie Lamport", year=2001)
    session = make_session(days=-30, papers=[paper])

    response = _suggest(client, series, citation=PAXOS)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'was read in the <a href="{session.get_absolute_url()}">{session.ordinal_name}</a>' in (
        html
    )
    assert Suggestion.objects.count() == 0 and mail.outbox == []


def test_a_paper_on_an_upcoming_reading_list_says_so(client, series, make_session, make_paper):
    paper = make_paper(title="Paxos made simple", authors="Leslie Lamport", year=2001)
    session = make_session(days=10, papers=[paper])

    html = _suggest(client, series, citation=PAXOS).content.decode()

    assert f'on the reading list of the <a href="{session.get_absolute_url()}">' in html
    assert Suggestion.objects.count() == 0


def test_a_doi_is_looked_up_when_online(client, series, metadata_server):
    metadata_server.answer("/crossref/works/10.5555/2643634.2643666", stored("crossref_raft.json"))

    _suggest(client, series, citation="https://doi.org/10.5555/2643634.2643666")
    _confirm(client, mail.outbox[0])

    paper = Suggestion.objects.get().paper
    assert paper.doi == "10.5555/2643634.2643666"
    assert paper.title == "In search of an understandable consensus algorithm & more"


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("citation", "message"),
    [
        ("", "This field is required."),
        ("hello", ""),
        ("10.1145/359545.359563", "Paste the full reference, with its title, instead."),
        ("x" * 2001, "Ensure this value has at most 2000 characters"),
    ],
    ids=["empty", "not-a-citation", "doi-offline", "too-long"],
)
def test_a_citation_that_cannot_be_read_is_answered_next_to_the_field(
    client, series, citation, message
):
    response = _suggest(client, series, citation=citation)

    html = response.content.decode()
    assert response.status_code == 200
    error = html.split(f'id="suggest-citation-error-{series.pk}"')[1].split("</ul>")[0]
    assert message in error
    assert 'aria-invalid="true"' in html
    assert Suggestion.objects.count() == 0 and Paper.objects.count() == 0 and mail.outbox == []


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b@c"], ids=["empty", "bare", "two-at"])
def test_a_bad_address_is_answered_next_to_the_field(client, series, email):
    html = _suggest(client, series, email=email).content.decode()
    assert f'id="suggest-email-error-{series.pk}"' in html
    assert Suggestion.objects.count() == 0 and mail.outbox == []


def test_whatever_fills_the_trap_gets_the_usual_answer_and_nothing_else(client, series):
    response = _suggest(client, series, website="http://spam.example")
    assert response["Location"] == f"/club/{series.slug}/suggestions/sent/"
    assert Suggestion.objects.count() == 0 and mail.outbox == []


def test_a_post_from_another_site_is_refused(client, series):
    response = client.post(
        f"/club/{series.slug}/suggestions/suggest/",
        {"citation": RAFT, "email": "a@example.org"},
        headers={"origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert Suggestion.objects.count() == 0


def test_unknown_series_is_404(client, db):
    assert client.get("/club/nope/suggestions/").status_code == 404
    assert client.post("/club/nope/suggestions/suggest/", {"citation": RAFT}).status_code == 404


def test_requests_per_client_are_limited_with_the_same_answer(client, series):
    for number in range(suggestions.SUBSCRIBE_REQUESTS_PER_IP):
        _suggest(client, series, email=f"reader{number}@example.org")
    sent = len(mail.outbox)
    response = _suggest(client, series, email="one-more@example.org")
    assert response["Location"] == f"/club/{series.slug}/suggestions/sent/"
    assert len(mail.outbox) == sent


def test_one_address_gets_a_few_confirmations_a_day(client, series, make_paper):
    for number in range(suggestions.CONFIRMATIONS_PER_ADDRESS + 2):
        _suggest(client, series, citation=f"Someone, A. (2020). Paper {number}. Journal, 1(1).")
    assert len(mail.outbox) == suggestions.CONFIRMATIONS_PER_ADDRESS


@pytest.mark.parametrize("kind", ["tampered", "expired", "other-kind", "unknown-vote"])
def test_bad_confirmation_links_get_a_clear_page(client, series, kind):
    _suggest(client, series)
    path = _link(mail.outbox[0])
    token = path.rstrip("/").rsplit("/", 1)[1]
    later = timezone.now().timestamp()
    match kind:
        case "tampered":
            path = path.replace(token, token[:-3] + "abc")
        case "expired":
            later += 8 * 86400
        case "other-kind":
            other = signing.dumps(Vote.objects.get().token, salt="meetups.subscription.confirm")
            path = path.replace(token, other)
        case "unknown-vote":
            Vote.objects.all().delete()
    with mock.patch("django.core.signing.time.time", return_value=later):
        responses = [client.get(path), client.post(path)]
    for response in responses:
        html = response.content.decode()
        if kind == "expired":
            assert response.status_code == 410 and "This link has expired" in html
        else:
            assert response.status_code == 400 and "This link does not work" in html
    assert Suggestion.objects.get().status == SuggestionStatus.UNCONFIRMED


def test_a_confirmation_link_of_a_closed_suggestion_changes_nothing(client, series):
    _suggest(client, series)
    Suggestion.objects.update(status=SuggestionStatus.REJECTED)

    html = _confirm(client, mail.outbox[0]).content.decode()

    assert "This suggestion is closed" in html
    assert Vote.objects.get().status == VoteStatus.UNCONFIRMED


def test_confirmation_pages_are_not_cached(client, series):
    _suggest(client, series)
    response = client.get(_link(mail.outbox[0]))
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]
    assert 'name="robots" content="noindex"' in response.content.decode()
