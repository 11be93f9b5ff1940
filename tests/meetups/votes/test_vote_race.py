"""Twenty clicks of one vote link at the same moment, against the live server."""

import threading
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from meetups.enums import VoteStatus
from meetups.mailing import vote_links
from meetups.models import Vote

CONCURRENT = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_votes_by_one_address_at_once_count_once(live_server, make_suggestion):
    suggestion = make_suggestion(votes=2)  # and the suggester's
    path = vote_links.vote_url(suggestion_id=suggestion.pk, email="Ada@Example.org")
    url = live_server.url + path.removeprefix("http://127.0.0.1:8000")
    body = urllib.parse.urlencode({"action": "vote"}).encode()
    start = threading.Barrier(CONCURRENT)

    def vote(_):
        request = urllib.request.Request(url, data=body, headers={"Origin": live_server.url})
        start.wait()
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()

    with ThreadPoolExecutor(CONCURRENT) as pool:
        answers = list(pool.map(vote, range(CONCURRENT)))

    assert {status for status, _ in answers} == {200}
    assert sum("Your vote counts" in page for _, page in answers) == 1
    assert sum("You had already voted" in page for _, page in answers) == CONCURRENT - 1
    ada = Vote.objects.get(suggestion=suggestion, email="ada@example.org")
    assert ada.status == VoteStatus.COUNTED
    assert Vote.objects.filter(suggestion=suggestion, status=VoteStatus.COUNTED).count() == 4
