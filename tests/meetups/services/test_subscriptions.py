"""Subscribing to a series by email: the form, double opt-in, signed links, limits, abuse."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing
from django.utils import timezone

from meetups import services
from meetups.enums import SubscriptionStatus
from meetups.identifiers import normalize_email
from meetups.mailing import tokens
from meetups.models import Subscription
from meetups.services import subscriptions
from tests.helpers.links import (
    confirm_token_of,
    legacy_manage_token,
    legacy_unsubscribe_token,
    manage_token_of,
    unsubscribe_token_of,
)

pytestmark = pytest.mark.usefixtures("immediate_tasks")

LINK = re.compile(r"http://127\.0\.0\.1:8000(/club/subscriptions/[a-z]+/[^/\s]+/)")


def _subscribe(client, series, email, **extra):
    return client.post(f"/club/{series.slug}/subscribe/", {"email": email, "website": "", **extra})


def _links(message):
    """The paths of the signed links in an email's text part, by kind."""
    found = {}
    for path in LINK.findall(message.body):
        found.setdefault(path.split("/")[3], path)
    return found


# --- the form --------------------------------------------------------------------------------


def test_series_page_and_its_own_page_carry_the_form(client, series):
    for url in (f"/club/{series.slug}/", f"/club/{series.slug}/subscribe/"):
        html = client.get(url).content.decode()
        assert f'action="/club/{series.slug}/subscribe/"' in html
        assert 'type="email" name="email"' in html
        assert 'name="website"' in html and 'class="subscribe-trap" aria-hidden="true"' in html
        assert "style=" not in html.split('class="subscribe-form"')[1].split("</form>")[0]


def test_subscribing_sends_one_confirmation_and_confirming_takes_a_button(client, series):
    response = _subscribe(client, series, "  Ada.Lovelace@Example.ORG ")
    assert response.status_code == 302
    assert response["Location"] == f"/club/{series.slug}/subscribe/sent/"
    assert "Check your inbox" in client.get(response["Location"]).content.decode()

    subscription = Subscription.objects.get()
    assert subscription.email == "Ada.Lovelace@example.org"
    assert subscription.status == SubscriptionStatus.PENDING
    (message,) = mail.outbox
    assert message.to == ["Ada.Lovelace@example.org"]
    assert message.subject == "Confirm your subscription to Distributed Systems Paper Club"
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    links = _links(message)
    assert links["confirm"] in html and links["unsubscribe"] in html

    # A mail scanner following the link changes nothing.
    page = client.get(links["confirm"])
    assert page.status_code == 200 and "Yes, subscribe me" in page.content.decode()
    assert Subscription.objects.get().status == SubscriptionStatus.PENDING

    page = client.post(links["confirm"])
    assert "You are subscribed" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.CONFIRMED and subscription.confirmed_at

    again = client.post(links["confirm"])
    assert again.status_code == 200
    assert "You are already subscribed" in again.content.decode()
    assert "You are already subscribed" in client.get(links["confirm"]).content.decode()


def test_the_answer_is_the_same_whatever_the_address_state(client, series, make_subscription):
    make_subscription("confirmed@example.org")
    make_subscription("pending@example.org", status=SubscriptionStatus.PENDING)
    make_subscription(
        "left@example.org", status=SubscriptionStatus.UNSUBSCRIBED, unsubscribed_at=timezone.now()
    )
    answers = set()
    for email in [
        "new@example.org",
        "confirmed@example.org",
        "pending@example.org",
        "left@example.org",
    ]:
        response = _subscribe(client, series, email)
        page = client.get(response["Location"])
        answers.add((response.status_code, response["Location"], page.content))
    # A bot filling the trap field gets the same answer, and nothing happens.
    response = _subscribe(client, series, "bot@example.org", website="http://spam.example")
    answers.add(
        (response.status_code, response["Location"], client.get(response["Location"]).content)
    )
    assert len(answers) == 1
    assert not Subscription.objects.filter(email="bot@example.org").exists()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "left@example.org",
        "new@example.org",
        "pending@example.org",
    ]


@pytest.mark.parametrize("trap", ["y" * 10_000, "spam\x00"], ids=["long", "nul"])
def test_whatever_fills_the_trap_gets_the_usual_answer(client, series, trap):
    person = _subscribe(client, series, "person@example.org")
    bot = _subscribe(client, series, "bot@example.org", website=trap)

    assert (
        (bot.status_code, bot["Location"])
        == (person.status_code, person["Location"])
        == (302, f"/club/{series.slug}/subscribe/sent/")
    )
    assert not Subscription.objects.filter(email="bot@example.org").exists()


@pytest.mark.parametrize(
    "email",
    ["not-an-address", "", "a@b@example.org", "ada\x00@example.org", "x" * 250 + "@example.org"],
    ids=["no-at", "empty", "two-ats", "nul", "too-long"],
)
def test_a_bad_address_is_answered_next_to_the_field(client, series, email):
    response = _subscribe(client, series, email)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and 'class="errorlist"' in html
    assert not Subscription.objects.exists() and not mail.outbox


def test_unknown_series_is_404(client, db):
    assert client.get("/club/no-such-club/subscribe/").status_code == 404
    assert (
        client.post("/club/no-such-club/subscribe/", {"email": "a@example.org"}).status_code == 404
    )


def test_normalize_email_strips_and_lowercases_the_domain_only():
    assert normalize_email("  Ada@Example.ORG\n") == "Ada@example.org"
    assert normalize_email("weird@local@EXAMPLE.org") == "weird@local@example.org"
    assert normalize_email("no-at-sign") == "no-at-sign"


def test_one_subscription_per_address_and_series_whatever_the_spelling(client, series, make_series):
    other = make_series(name="Databases", slug="databases")
    _subscribe(client, series, "ada@example.org")
    _subscribe(client, series, " ada@EXAMPLE.org")
    _subscribe(client, other, "ada@example.org")
    assert Subscription.objects.filter(series=series).count() == 1
    assert Subscription.objects.filter(series=other).count() == 1
    # Within the resend guard the second request sends nothing.
    assert [m.subject for m in mail.outbox] == [
        "Confirm your subscription to Distributed Systems Paper Club",
        "Confirm your subscription to Databases",
    ]


def test_database_refuses_a_second_subscription_for_the_same_address(series, make_subscription):
    from django.db import IntegrityError, transaction

    make_subscription("ada@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.create(series=series, email="ada@example.org")


# --- guards and rate limits ------------------------------------------------------------------


def test_a_pending_address_gets_another_confirmation_only_after_a_while(series):
    now = timezone.now()
    first = services.subscription_request(
        series=series, email="a@example.org", client_ip="1", now=now
    )
    again = services.subscription_request(
        series=series, email="a@example.org", client_ip="1", now=now + timedelta(minutes=5)
    )
    later = services.subscription_request(
        series=series, email="a@example.org", client_ip="1", now=now + timedelta(minutes=16)
    )
    assert (first, again, later) == (
        services.SubscribeOutcome.CONFIRMATION_QUEUED,
        services.SubscribeOutcome.RECENTLY_SENT,
        services.SubscribeOutcome.CONFIRMATION_QUEUED,
    )
    assert len(mail.outbox) == 2


def test_at_most_a_few_confirmations_per_address_per_day(series, make_series):
    others = [make_series(name=f"Club {n}", slug=f"club-x{n}") for n in range(5)]
    outcomes = [
        services.subscription_request(series=club, email="a@example.org", client_ip=f"10.0.0.{n}")
        for n, club in enumerate([series, *others])
    ]
    assert outcomes.count(services.SubscribeOutcome.CONFIRMATION_QUEUED) == 3
    assert outcomes[3:] == [services.SubscribeOutcome.ADDRESS_LIMITED] * 3
    assert len(mail.outbox) == 3


def test_the_address_limit_counts_one_mailbox_however_it_is_spelled(series, make_series):
    others = [make_series(name=f"Club {n}", slug=f"club-y{n}") for n in range(4)]
    spellings = ["Ada@example.org", "ada@example.org", "ADA@Example.org", "aDa@example.org"]
    outcomes = [
        services.subscription_request(series=club, email=email, client_ip=f"10.0.1.{n}")
        for n, (club, email) in enumerate(
            zip([series, *others], [*spellings, "ada@EXAMPLE.org"], strict=True)
        )
    ]
    assert (
        outcomes
        == [services.SubscribeOutcome.CONFIRMATION_QUEUED] * 3
        + [services.SubscribeOutcome.ADDRESS_LIMITED] * 2
    )
    assert len(mail.outbox) == 3
    # Each kept as it was typed (the domain in lower case).
    assert sorted(Subscription.objects.values_list("email", flat=True)) == sorted(
        ["Ada@example.org", "ada@example.org", "ADA@example.org", "aDa@example.org"]
        + ["ada@example.org"]
    )


def test_the_web_does_the_same_work_for_every_kind_of_address(
    client, settings, series, make_subscription, django_assert_num_queries
):
    """
    Nothing about the address is looked up while the visitor waits: the same
    queries (the series, then the request queued for the worker) and the same
    bytes, whatever the address. Timing figures: `manage.py bench_subscribe`.
    """
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    make_subscription("pending@example.org", status=SubscriptionStatus.PENDING)
    make_subscription("confirmed@example.org", status=SubscriptionStatus.CONFIRMED)
    make_subscription(
        "left@example.org", status=SubscriptionStatus.UNSUBSCRIBED, unsubscribed_at=timezone.now()
    )
    answers = {}
    for email in [
        "new@example.org",
        "pending@example.org",
        "confirmed@example.org",
        "left@example.org",
    ]:
        with django_assert_num_queries(2):
            answers[email] = _subscribe(client, series, email).serialize()
    assert len(set(answers.values())) == 1, answers
    assert answers["new@example.org"].startswith(b"Content-Type: text/html; charset=utf-8\r\n")
    assert f"Location: /club/{series.slug}/subscribe/sent/".encode() in answers["new@example.org"]
    queued = DBTaskResult.objects.filter(task_path="meetups.tasks.process_subscription_request")
    assert sorted(row.args_kwargs["args"][1] for row in queued) == sorted(answers)
    assert not mail.outbox  # the worker sends, later


def test_requests_per_client_address_are_limited_and_the_answer_does_not_change(client, series):
    limit = subscriptions.SUBSCRIBE_REQUESTS_PER_IP
    answers = {
        _subscribe(client, series, f"person{n}@example.org")["Location"] for n in range(limit + 3)
    }
    assert answers == {f"/club/{series.slug}/subscribe/sent/"}
    assert Subscription.objects.count() == limit
    # Another client is not affected.
    other = services.subscription_request(
        series=series, email="z@example.org", client_ip="10.9.9.9"
    )
    assert other == services.SubscribeOutcome.CONFIRMATION_QUEUED


def test_limits_live_in_the_shared_cache(series):
    from django.core.cache import cache

    services.subscription_request(series=series, email="a@example.org", client_ip="10.1.1.1")
    assert cache.get("meetups:subscribe:ip:10.1.1.1") == 1
    # Counted per address under a digest: the cache holds no addresses.
    digest = subscriptions._address_key("a@example.org")
    assert cache.get(digest) == 1 and "a@example.org" not in digest
    # Another app server sharing the cache continues the same count.
    cache.incr(digest, 2)
    outcome = services.subscription_request(
        series=series,
        email="a@example.org",
        client_ip="10.1.1.2",
        now=timezone.now() + timedelta(hours=1),
    )
    assert outcome == services.SubscribeOutcome.ADDRESS_LIMITED


def test_behind_the_tls_proxy_the_last_forwarded_address_counts(rf, settings):
    from meetups.views.subscriptions import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.7", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "127.0.0.1"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client_ip(request) == "10.0.0.7"


def test_a_failed_confirmation_email_lets_the_address_ask_again(series):
    with mock.patch("meetups.services.subscriptions.mailers") as mailers:
        mailers.default.send_messages.side_effect = ConnectionRefusedError("no server")
        # The task fails (and says so in the task results); the request itself does not.
        services.subscription_request(series=series, email="a@example.org", client_ip="1")
    assert Subscription.objects.get().last_confirmation_sent_at is None
    assert services.subscription_request(series=series, email="a@example.org", client_ip="1") == (
        services.SubscribeOutcome.CONFIRMATION_QUEUED
    )
    assert len(mail.outbox) == 1


# --- signed links ------------------------------------------------------------------------------


def test_expired_and_tampered_confirmation_links_get_a_clear_page(
    client, series, make_subscription
):
    make_subscription("a@example.org", status=SubscriptionStatus.PENDING)
    token = confirm_token_of(series, "a@example.org")
    url = f"/club/subscriptions/confirm/{token}/"
    with mock.patch(
        "django.core.signing.time.time", return_value=timezone.now().timestamp() + 8 * 86400
    ):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 410
            assert "This link has expired" in response.content.decode()
    for bad in [token[:-3] + "abc", token.replace(":", "x", 1), "garbage", "a" * 500, "%00"]:
        response = client.post(f"/club/subscriptions/confirm/{bad}/")
        assert response.status_code in (400, 404), bad
        if response.status_code == 400:
            assert "This link does not work" in response.content.decode()
    assert Subscription.objects.get().status == SubscriptionStatus.PENDING


def test_a_link_of_one_kind_does_not_work_as_another(client, series, make_subscription):
    make_subscription("a@example.org", status=SubscriptionStatus.PENDING)
    unsubscribe = unsubscribe_token_of(series, "a@example.org")
    assert client.post(f"/club/subscriptions/confirm/{unsubscribe}/").status_code == 400
    manage = manage_token_of("a@example.org")
    assert client.post(f"/club/subscriptions/unsubscribe/{manage}/").status_code == 400
    # Signed with our key, but not a payload we made.
    forged = signing.dumps(["s", 1], salt=tokens.CONFIRM_SALT)
    assert client.post(f"/club/subscriptions/confirm/{forged}/").status_code == 400
    assert Subscription.objects.get().status == SubscriptionStatus.PENDING


def test_a_confirmation_link_older_than_an_unsubscribe_does_not_resubscribe(client, series):
    services.subscription_request(series=series, email="a@example.org", client_ip="1")
    confirm = _links(mail.outbox[0])["confirm"]
    client.post(confirm)
    unsubscribe = _links(mail.outbox[0])["unsubscribe"]
    later = timezone.now() + timedelta(seconds=5)
    with mock.patch("django.utils.timezone.now", return_value=later):
        client.post(unsubscribe)
    response = client.post(confirm)
    assert "older than your unsubscribe" in response.content.decode()
    assert Subscription.objects.get().status == SubscriptionStatus.UNSUBSCRIBED


def test_one_click_unsubscribe_works_without_csrf_or_login_and_repeats_harmlessly(
    series, make_subscription
):
    from django.test import Client

    make_subscription("a@example.org")
    token = unsubscribe_token_of(series, "a@example.org")
    url = f"/club/subscriptions/unsubscribe/{token}/"
    mail_client = Client(enforce_csrf_checks=True)

    page = mail_client.get(url)
    assert page.status_code == 200 and "Unsubscribe from" in page.content.decode()
    assert Subscription.objects.get().status == SubscriptionStatus.CONFIRMED

    for _ in range(2):
        response = mail_client.post(
            url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 200
        assert "You are unsubscribed" in response.content.decode()
    subscription = Subscription.objects.get()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED and subscription.unsubscribed_at


def test_unsubscribing_an_address_that_never_subscribed_reveals_nothing(client, series):
    token = legacy_unsubscribe_token(series_id=series.pk, email="never@example.org")
    response = client.post(f"/club/subscriptions/unsubscribe/{token}/")
    assert response.status_code == 200 and "You are unsubscribed" in response.content.decode()
    assert not Subscription.objects.exists()


def test_manage_page_lists_every_series_of_the_address_and_switches_them(
    client, series, make_series, make_subscription
):
    databases = make_series(name="Databases Reading Group", slug="databases")
    paused = make_series(name="Paused Club", slug="paused", active=False)
    make_subscription("ada@example.org")
    make_subscription("ada@example.org", of=paused, status=SubscriptionStatus.UNSUBSCRIBED)
    make_subscription("someone-else@example.org", of=databases)
    url = f"/club/subscriptions/manage/{manage_token_of('ada@example.org')}/"

    html = client.get(url).content.decode()
    assert "ada@example.org" in html and "someone-else" not in html
    assert "Distributed Systems Paper Club" in html and "<strong>subscribed</strong>" in html
    assert "Databases Reading Group" in html and "not subscribed" in html
    assert "Paused Club" in html and "unsubscribed" in html

    response = client.post(url, {"series": series.pk, "action": "unsubscribe"})
    assert response.status_code == 302 and response["Location"] == url
    response = client.post(url, {"series": databases.pk, "action": "subscribe"}, follow=True)
    assert (
        "You now receive the announcements of Databases Reading Group" in response.content.decode()
    )
    states = dict(
        Subscription.objects.filter(email="ada@example.org").values_list("series__slug", "status")
    )
    assert states == {
        "distributed-systems": "unsubscribed",
        "databases": "confirmed",
        "paused": "unsubscribed",
    }


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"series": "999999", "action": "subscribe"},
        {"series": "x", "action": "subscribe"},
        {"series": "1", "action": "explode"},
        {"series": "1\x00", "action": "subscribe"},
    ],
    ids=["empty", "unknown-series", "not-a-number", "bad-action", "nul"],
)
def test_manage_page_answers_bad_posts_with_400(client, series, data):
    url = f"/club/subscriptions/manage/{legacy_manage_token('ada@example.org')}/"
    assert client.post(url, data).status_code == 400
    assert not Subscription.objects.exists()


def test_manage_link_is_checked(client, db):
    assert client.get("/club/subscriptions/manage/nonsense/").status_code == 400


def test_signed_link_pages_are_not_cached_or_indexed(client, series, make_subscription):
    make_subscription("a@example.org")
    for url in [
        f"/club/subscriptions/manage/{manage_token_of('a@example.org')}/",
        f"/club/subscriptions/unsubscribe/{unsubscribe_token_of(series, 'a@example.org')}/",
    ]:
        response = client.get(url)
        assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
        assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_manage_page_costs_the_same_for_one_and_many_series(
    client, series, make_series, make_subscription, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_subscription("ada@example.org")
    url = f"/club/subscriptions/manage/{manage_token_of('ada@example.org')}/"
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(12):
        club = make_series(name=f"Club {n}", slug=f"many-{n}")
        make_subscription("ada@example.org", of=club)
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("<strong>subscribed</strong>") == 13
