"""The same paper suggested many times at the same moment, against the live server."""

import threading
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail

from meetups.enums import SuggestionStatus, VoteStatus
from meetups.models import Paper, Suggestion, Vote

CONCURRENT = 12
PAXOS = "Lamport, L. (2001). Paxos made simple. ACM SIGACT News, 32(4), 18–25."


@pytest.mark.django_db(transaction=True)
def test_simultaneous_suggestions_of_one_paper_make_one_suggestion_and_one_vote_each(
    live_server, series, immediate_tasks
):
    url = f"{live_server.url}/club/{series.slug}/suggestions/suggest/"
    # Half the requests from one address, the rest from one address each.
    addresses = ["ada@example.org"] * (CONCURRENT // 2) + [
        f"reader{n}@example.org" for n in range(CONCURRENT // 2)
    ]
    start = threading.Barrier(CONCURRENT)

    def suggest(email):
        body = urllib.parse.urlencode(
            {"citation": PAXOS, "why": "", "email": email, "website": ""}
        ).encode()
        request = urllib.request.Request(url, data=body, headers={"Origin": live_server.url})
        start.wait()
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.url

    with ThreadPoolExecutor(CONCURRENT) as pool:
        answers = list(pool.map(suggest, addresses))

    assert set(answers) == {(200, f"{live_server.url}/club/{series.slug}/suggestions/sent/")}
    assert Paper.objects.count() == 1
    suggestion = Suggestion.objects.get()
    assert suggestion.status == SuggestionStatus.UNCONFIRMED
    assert sorted(Vote.objects.values_list("email", flat=True)) == sorted(set(addresses))
    assert set(Vote.objects.values_list("status", flat=True)) == {VoteStatus.UNCONFIRMED}
    # One confirmation per address: the rest of Ada's requests found one sent.
    assert sorted(message.to[0] for message in mail.outbox) == sorted(set(addresses))
