"""
Announcements show the top open suggestions, each with the recipient's own
one-click vote link, sent by the real worker through a real SMTP server.
"""

import re

from meetups.enums import VoteStatus
from meetups.models import Vote
from meetups.services import announcement_create
from tests.helpers.processes import wait_for

VOTE_LINK = re.compile(r"http://127\.0\.0\.1:8000(/club/votes/[^/\s\"]+/)")


def _counted(suggestion) -> int:
    return Vote.objects.filter(suggestion=suggestion, status=VoteStatus.COUNTED).count()


def test_subscribers_vote_from_the_announcement_with_one_click_each(
    start_worker, smtp_server, client, make_session, make_subscription, make_suggestion
):
    session = make_session(papers=1)
    for address in ("ada@example.org", "grace@example.org"):
        make_subscription(address)
    top = [make_suggestion(votes=n) for n in (3, 2, 1)]
    make_suggestion()  # the fourth: not in the email
    start_worker()
    announcement_create(session=session)
    sink = smtp_server.handler
    wait_for(lambda: len(sink.messages) == 2, timeout=60, what="both announcements")

    links = {}
    for message in sink.messages:
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        assert "What should we read next?" in text and "%%" not in text + html
        assert [title for title in (s.paper.title for s in top) if title in text] == [
            s.paper.title for s in top
        ]
        found = VOTE_LINK.findall(text)
        assert len(found) == 3 and all(link in html for link in found)
        links[message["To"]] = found
    assert set(links["ada@example.org"]).isdisjoint(links["grace@example.org"])

    first = top[0]
    before = _counted(first)
    ada_link = links["ada@example.org"][0]
    # Opening the link (as a mail scanner does) votes for nothing.
    assert "Yes, count my vote" in client.get(ada_link).content.decode()
    assert _counted(first) == before
    assert "Your vote counts" in client.post(ada_link, {"action": "vote"}).content.decode()
    assert "You had already voted" in client.post(ada_link, {"action": "vote"}).content.decode()
    assert _counted(first) == before + 1
    # Grace votes for the third from another mail client: no cookie needed.
    from django.test import Client

    Client().post(links["grace@example.org"][2], {"action": "vote"})
    assert _counted(top[2]) == 2 + 1
