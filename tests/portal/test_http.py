"""
The public forms carry no CSRF token (they are on cached pages): a POST is accepted
only when the browser says it comes from this site, through the real subscribe form.
"""

import pytest
from django.core import mail
from django.test import Client

from meetups.enums import SubscriptionStatus
from meetups.models import Subscription

pytestmark = pytest.mark.django_db

SENT = "/club/distributed-systems/subscribe/sent/"


@pytest.fixture(autouse=True)
def _tasks_at_once(settings):
    """The worker's part of a subscribe request runs at once: what it saves is seen here."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def subscribe(email="reader@example.org", **headers):
    # enforce_csrf_checks: the token check is really off for this form, not skipped by the client.
    return Client(enforce_csrf_checks=True).post(
        "/club/distributed-systems/subscribe/", {"email": email}, headers=headers
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://testserver"},
        {"Origin": "http://127.0.0.1:8000"},  # SITE_URL, the address behind the proxy
        {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},  # typed or bookmarked by the user
        {},  # neither: not a browser, or one too old to send either; no CSRF defence applies
    ],
    ids=["same-origin", "site-url", "both-headers", "fetch-site-only", "user-initiated", "neither"],
)
def test_a_post_from_this_site_is_accepted(series, headers):
    response = subscribe(**headers)
    assert (response.status_code, response["Location"]) == (302, SENT)
    assert Subscription.objects.filter(email="reader@example.org").exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://elsewhere.example"},
        {"Origin": "https://testserver"},  # another scheme is another origin
        {"Origin": "null"},  # a sandboxed frame, a data: page
        {"Origin": "https://elsewhere.example", "Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain is not this site
        {"Origin": "http://testserver", "Sec-Fetch-Site": "cross-site"},
    ],
    ids=[
        "other-origin",
        "other-scheme",
        "null-origin",
        "cross-site",
        "fetch-site-only",
        "same-site",
        "origin-contradicted",
    ],
)
def test_a_post_from_another_site_is_refused_and_changes_nothing(series, headers):
    response = subscribe(**headers)
    assert response.status_code == 403
    assert "could not be accepted" in response.text
    assert not Subscription.objects.exists()
    assert not mail.outbox


def test_a_trusted_origin_may_post(settings, series):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.example.org"]
    response = subscribe(Origin="https://www.example.org", **{"Sec-Fetch-Site": "same-site"})
    assert response.status_code == 302


def test_the_answer_is_the_same_for_every_address(series, make_subscription):
    make_subscription("confirmed@example.org")
    make_subscription("left@example.org", status=SubscriptionStatus.UNSUBSCRIBED)
    answers = set()
    for email in ("new@example.org", "confirmed@example.org", "left@example.org"):
        for _ in range(2):  # and the same when asked again (pending, rate-limited)
            response = subscribe(email, Origin="http://testserver")
            answers.add((response.status_code, response["Location"], tuple(response.cookies)))
    assert answers == {(302, SENT, ())}


def test_reading_the_form_needs_no_origin(client, series):
    assert client.get("/club/distributed-systems/subscribe/").status_code == 200
