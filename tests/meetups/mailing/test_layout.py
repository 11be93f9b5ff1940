"""
What an attendee's mail client shows: every club email in the site's layout
(styles inline, a dark scheme, a fixed width for Outlook), a text part that
reads as text, and the headers that mark mail sent to a list.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from meetups.mailing.layout import render_email, tidy_text
from meetups.models import ReadingListEntry
from meetups.services import announcement_create


@pytest.fixture
def session(make_session, make_paper):
    starts_at = (timezone.now() + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
    session = make_session(
        number=20,
        title="DHT security",
        starts_at=starts_at,
        description="We read **Spanner** and [the Sybil paper](https://example.org/sybil).\n\n"
        "- bring _questions_\n- bring `code`",
    )
    paper = make_paper(title="The Sybil Attack", doi="10.1007/3-540-45748-8_24")
    ReadingListEntry.objects.create(session=session, paper=paper, position=1)
    return session


@pytest.fixture
def announced(immediate_tasks, smtp_server, session, make_subscription, organizer):
    make_subscription("ada@example.org")
    announcement_create(session=session, created_by=organizer)
    (message,) = smtp_server.handler.messages
    return message


def test_the_text_part_reads_the_markdown_as_text(announced):
    text = announced.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "We read Spanner and the Sybil paper (https://example.org/sybil)." in text
    assert "- bring questions\n- bring code" in text
    assert "**" not in text and "_questions_" not in text and "`" not in text
    assert "\n\n\n" not in text
    # The signature delimiter keeps its space, so mail clients fold the footer away.
    assert "\n-- \nYou receive this because you subscribed to" in text


def test_the_html_part_is_styled_inline_in_the_sites_colours(announced):
    html = announced.get_body(("html",)).get_content()
    assert "<strong>Spanner</strong>" in html
    # Gmail and Outlook drop most of a style sheet: what matters sits on the elements.
    assert 'class="card"' in html and "background-color: #fdfcfa" in html
    assert (
        '<a href="https://example.org/sybil" rel="noopener noreferrer" style="color: #0b5cad;'
        in html
    )
    assert 'class="button"' in html and "color: #ffffff" in html
    assert (
        'role="presentation"' in html
        and '<!--[if mso]><table role="presentation" width="600"' in html
    )
    # Clients that follow the reader's dark scheme get it; the rest keep the light one.
    assert '<meta name="color-scheme" content="light dark">' in html
    assert "@media (prefers-color-scheme: dark)" in html
    assert "font-family: -apple-system" in html


def test_a_list_email_carries_the_bulk_headers(announced):
    assert announced["Auto-Submitted"] == "auto-generated"
    assert announced["Precedence"] == "bulk"
    assert announced["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/club/subscriptions/")
    assert announced["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_confirmation_is_in_the_same_layout_and_no_bulk_mail(
    immediate_tasks, smtp_server, series
):
    Client().post(f"/club/{series.slug}/subscribe/", {"email": "ada@example.org", "website": ""})
    (message,) = smtp_server.handler.messages
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Precedence"] is None
    html = message.get_body(("html",)).get_content()
    assert 'class="button-cell"' in html and "Confirm your subscription</a>" in html
    assert "background-color: #0b5cad" in html
    text = message.get_body(("plain",)).get_content()
    assert "/club/subscriptions/confirm/" in text and "<" not in text


def test_an_email_without_a_list_leaves_the_unsubscribe_footer_out(settings, db):
    content = render_email(
        template="confirmation",
        subject="Hello",
        context={"series": {"name": "X"}, "unsubscribe_url": None, "confirm_url": "https://x"},
    )
    assert "Unsubscribe" not in content.text and "Unsubscribe" not in content.html
    assert "<title>Hello</title>" in content.html


def test_tidy_text_keeps_paragraphs_and_the_signature_delimiter():
    assert tidy_text("\n\nHello  \n\n\n\nworld\n-- \nsite\n\n") == "Hello\n\nworld\n-- \nsite\n"
