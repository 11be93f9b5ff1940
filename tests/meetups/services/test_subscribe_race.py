"""Twenty identical subscribe requests at the same moment, against the live server."""

import re
import threading
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

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
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(url).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    cookie = next(c.value for c in jar if c.name == "csrftoken")
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "email": "Ada@Example.org", "website": ""}
    ).encode()
    start = threading.Barrier(CONCURRENT)

    def subscribe(_):
        request = urllib.request.Request(url, data=body, headers={"Cookie": f"csrftoken={cookie}"})
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
