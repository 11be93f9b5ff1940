"""Twenty identical subscribe requests at the same moment, against the live server."""

import threading
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail

from meetups.enums import SubscriptionStatus
from meetups.models import Subscription

CONCURRENT = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_identical_requests_at_once_make_one_subscription_and_one_email(
    live_server, series, immediate_tasks
):
    url = f"{live_server.url}/club/{series.slug}/subscribe/"
    # The form carries no token (it is on cached pages); the browser says where it is from.
    body = urllib.parse.urlencode({"email": "Ada@Example.org", "website": ""}).encode()
    start = threading.Barrier(CONCURRENT)

    def subscribe(_):
        request = urllib.request.Request(url, data=body, headers={"Origin": live_server.url})
        start.wait()
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.url

    with ThreadPoolExecutor(CONCURRENT) as pool:
        answers = list(pool.map(subscribe, range(CONCURRENT)))

    assert set(answers) == {(200, f"{live_server.url}/club/{series.slug}/subscribe/sent/")}
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.status) == (
        "Ada@example.org",
        SubscriptionStatus.PENDING,
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Ada@example.org"]
