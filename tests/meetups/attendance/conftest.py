"""RSVPs: a session with few places, and the links its emails carry."""

import re

import pytest

RSVP_LINK = re.compile(r"http://127\.0\.0\.1:8000(/club/subscriptions/\S+/)")


def links_in(message) -> dict[str, str]:
    """The paths of an email's own links (text part), by kind: confirm, rsvp, manage…"""
    found = {}
    for path in RSVP_LINK.findall(message.body if hasattr(message, "body") else _text(message)):
        parts = path.strip("/").split("/")
        kind = parts[3] if parts[2] == "rsvp" and len(parts) == 5 else parts[2]
        found.setdefault(kind, path)
    return found


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def session(make_session):
    """The next session: two places, a week from now."""
    return make_session(number=21, title="DHT security", days=7, papers=1, capacity=2)


def rsvp(client, session, email, **fields):
    """Say “I'm coming” on the session page, as a browser on this site does."""
    return client.post(
        f"/club/{session.series.slug}/{session.number}/rsvp/",
        {"email": email, **fields},
        headers={"Origin": "http://testserver"},
    )
