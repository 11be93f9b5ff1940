"""“I'll present this”: the offer on a session's page and a suggestion, its link, the admin."""

import re
import time
from unittest import mock

import pytest

from meetups.enums import ClaimStatus
from meetups.mailing import vote_links
from meetups.models import PresenterClaim, ReadingListEntry

pytestmark = pytest.mark.usefixtures("immediate_tasks")

CLAIM_LINK = re.compile(r"http://127\.0\.0\.1:8000(/club/presenting/[^/\s]+/)")


@pytest.fixture
def session_without_presenters(make_session):
    session = make_session(papers=2)
    session.reading_list.update(presenter="")
    return session


def _offer_url(entry) -> str:
    session = entry.session
    return f"/club/{session.series.slug}/{session.number}/present/{entry.pk}/"


def test_offer_from_the_session_page_confirmed_and_approved_shows_the_presenter(
    client, admin_client, smtp_server, session_without_presenters
):
    session = session_without_presenters
    first, second = session.reading_list.order_by("position")
    page = client.get(session.get_absolute_url()).content.decode()
    assert page.count("I'll present this") == 2
    assert f'href="{_offer_url(first)}"' in page

    form = client.get(_offer_url(first)).content.decode()
    assert "csrfmiddlewaretoken" not in form and 'name="website"' in form
    response = client.post(
        _offer_url(first), {"name": " Grace Hopper ", "email": "Grace@Example.org", "website": ""}
    )
    assert response.status_code == 302
    assert "Check your inbox" in client.get(response["Location"]).content.decode()
    (message,) = smtp_server.handler.messages
    assert message["To"] == "grace@example.org"
    assert message["Subject"].startswith("Confirm your offer to present “")
    claim = PresenterClaim.objects.get()
    assert (claim.name, claim.status, claim.entry) == (
        "Grace Hopper",
        ClaimStatus.UNCONFIRMED,
        first,
    )

    (link,) = set(CLAIM_LINK.findall(message.get_body(preferencelist=("plain",)).get_content()))
    assert "Yes, I'll present it" in client.get(link).content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNCONFIRMED
    assert "Thank you, Grace Hopper" in client.post(link).content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING
    assert "confirmed before" in client.post(link).content.decode()
    # Nothing shows publicly until the organizer approves.
    assert (
        "Presented by Grace Hopper" not in client.get(session.get_absolute_url()).content.decode()
    )

    listing = admin_client.get("/admin/meetups/presenterclaim/").content.decode()
    assert "Grace Hopper" in listing and first.paper.title in listing
    admin_client.post(
        "/admin/meetups/presenterclaim/",
        {"action": "approve", "_selected_action": [claim.pk]},
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Presented by Grace Hopper" in page
    assert page.count("I'll present this") == 1
    # A paper with a presenter takes no more offers.
    assert client.get(_offer_url(first)).status_code == 410


def test_offer_for_a_suggestion_carries_over_when_it_is_accepted(
    client, mailoutbox_memory, make_suggestion, session_without_presenters
):
    from meetups import services

    suggestion = make_suggestion()
    url = f"/club/{suggestion.series.slug}/suggestions/{suggestion.pk}/present/"
    client.post(url, {"name": "Ada", "email": "ada@example.org", "website": ""})
    claim = PresenterClaim.objects.get(suggestion=suggestion)
    services.presenter_claim_confirm(claim_id=claim.pk)
    claim.refresh_from_db()
    services.presenter_claim_approve(claim=claim)

    entry = ReadingListEntry.objects.create(
        session=session_without_presenters, paper=suggestion.paper
    )
    suggestion.accepted_entry = entry
    suggestion.save()
    services.presenter_claims_carry_over(suggestion=suggestion)
    entry.refresh_from_db()
    assert entry.presenter == "Ada"


@pytest.fixture
def mailoutbox_memory():
    from django.core import mail

    return mail.outbox


def test_the_answer_is_the_same_for_every_offer_and_bad_input_is_shown(
    client, session_without_presenters, mailoutbox_memory
):
    entry = session_without_presenters.reading_list.first()
    answers = {
        client.post(_offer_url(entry), data)["Location"]
        for data in (
            {"name": "Ada", "email": "ada@example.org", "website": ""},
            {"name": "Ada", "email": "ada@example.org", "website": ""},
            {"name": "Bot", "email": "bot@example.org", "website": "http://spam.example"},
        )
    }
    assert len(answers) == 1
    # Asking twice is one offer; the bot made none.
    assert PresenterClaim.objects.count() == 1 and len(mailoutbox_memory) == 2

    page = client.post(_offer_url(entry), {"name": "", "email": "nope", "website": ""})
    html = page.content.decode()
    assert page.status_code == 200
    assert "This field is required." in html and "Enter a valid email address." in html
    assert PresenterClaim.objects.count() == 1

    cross = client.post(
        _offer_url(entry),
        {"name": "Eve", "email": "eve@example.org"},
        headers={"Origin": "https://evil.example"},
    )
    assert cross.status_code == 403


def test_past_unknown_and_draft_entries(client, make_session, session_without_presenters):
    past = make_session(days=-7, papers=1)
    past.reading_list.update(presenter="")
    assert client.get(_offer_url(past.reading_list.get())).status_code == 410
    draft = make_session(papers=1, published=False)
    assert client.get(_offer_url(draft.reading_list.get())).status_code == 404
    entry = session_without_presenters.reading_list.first()
    series = session_without_presenters.series.slug
    assert client.get(f"/club/{series}/999/present/{entry.pk}/").status_code == 404
    assert client.get(f"/club/{series}/suggestions/999/present/").status_code == 404


def test_bad_and_expired_confirmation_links(client, session_without_presenters):
    entry = session_without_presenters.reading_list.first()
    claim = PresenterClaim.objects.create(entry=entry, email="a@example.org", name="A")
    token = vote_links.claim_token(claim_id=claim.pk)
    assert client.post(f"/club/presenting/{token}x/").status_code == 400
    later = time.time() + vote_links.CLAIM_MAX_AGE.total_seconds() + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert client.post(f"/club/presenting/{token}/").status_code == 410
    gone = vote_links.claim_token(claim_id=claim.pk + 100)
    assert client.post(f"/club/presenting/{gone}/").status_code == 400
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNCONFIRMED


def test_the_desk_flags_papers_without_a_presenter_and_offers_waiting(
    staff_client, make_session, session_without_presenters
):
    presented = make_session(days=14, papers=2)  # the factory names Ada for every paper
    first = session_without_presenters.reading_list.order_by("position").first()
    PresenterClaim.objects.create(
        entry=first, email="grace@example.org", name="Grace", status=ClaimStatus.PENDING
    )
    PresenterClaim.objects.create(entry=first, email="x@example.org", name="X")  # unconfirmed

    html = staff_client.get("/admin/meetups/session/desk/").content.decode()
    rows = dict(
        re.findall(r'<tr>\s*<th scope="row"><a href="[^"]*">([^<]*)</a>(.*?)</tr>', html, re.S)
    )
    needy = rows[session_without_presenters.display_title]
    assert "<strong>2 without presenter</strong>" in needy
    offers = (
        "/admin/meetups/presenterclaim/?status__exact=pending"
        f"&amp;entry__session__id__exact={session_without_presenters.pk}"
    )
    assert f'<a href="{offers}">1 offer waiting</a>' in needy
    assert "all presented" in rows[presented.display_title]
    listed = staff_client.get(offers.replace("&amp;", "&")).content.decode()
    assert "Grace" in listed and ">X<" not in listed
