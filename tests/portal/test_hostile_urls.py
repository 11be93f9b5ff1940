"""
Hostile input on every public address of the site: each parameter of each URL
pattern replaced by values crawlers, scanners and typos send (unknown, very
long, out of range, NUL, path traversal, markup), hostile query strings, and
hostile bodies posted to the public forms. Whatever comes, the answer is a
page (200, 301/302, 400, 404, 405, 410), never a server error, and nothing
sent is shown back unescaped.
"""

import time as clock
from datetime import time
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

from meetups.models import Series, Subscription
from tests.helpers.links import (
    confirm_token_of,
    legacy_confirm_token,
    legacy_unsubscribe_token,
    manage_token_of,
)
from tests.helpers.urls import demo_address, public_patterns

pytestmark = pytest.mark.django_db

ALLOWED_STATUSES = {200, 301, 302, 400, 404, 405, 410}
SCRIPT = "<script>alert(1)</script>"

# Path values as they would appear in a requested URL (already percent-encoded).
HOSTILE_PATH_VALUES = {
    "unknown": "no-such-thing",
    "long": "a" * 5000,
    "long-number": "9" * 5000,
    "zero": "0",
    "year-zero": "0000",
    "year-max": "9999",
    "minus-one": "-1",
    "huge": "99999999999999999999",
    "nul": "%00",
    "dot-dot-slash": "..%2F..%2Fportal%2Fsettings.py",
    "dot-dot": "..",
    "unicode": quote("überraschung-😀"),
    "bad-utf8": "%FF%FE",
    "script": quote(SCRIPT),
    "crlf": "x%0D%0ASet-Cookie:%20a=b",
    "percent": "%25",
    "space": "%20",
}

LONG = "x" * 10_000
HOSTILE_QUERIES = {
    "page-abc": "page=abc",
    "page-zero": "page=0",
    "page-minus": "page=-1",
    "page-huge": "page=99999",
    "page-huger": "page=99999999999999999999",
    "page-float": "page=1.5",
    "page-nul": "page=%00",
    "page-twice": "page=1&page=2",
    # Python refuses to turn more than 4,300 digits into a number.
    "page-thousands-of-digits": "page=" + "9" * 5000,
    "page-arabic-digits": "page=" + quote("١٢"),
    "page-bad-utf8": "page=%FF%FE",
    "tag-nul": "tag=%00",
    "tag-script": "tag=" + quote(SCRIPT),
    "tag-long": "tag=" + LONG,
    "tag-unicode": "tag=" + quote("ü😀"),
    "event-markup": "event=%3Cx%3E",
    "event-nul": "event=%00",
    "event-long": "event=" + LONG,
    "author-nul": "author=%00",
    "author-long": "author=" + LONG,
    "kind-markup": "kind=%3Cx%3E",
    "kind-nul": "kind=%00",
    "q-long": "q=" + LONG,
    "q-long-words": "q=" + quote("raft " * 2_000),
    "q-symbols": "q=" + quote("!@#$%^&*()_+-=[]{}|;:,.<>?/~`"),
    "q-sql": "q=" + quote("' OR 1=1 --"),
    "q-quote": "q=" + quote('"'),
    "q-star": "q=*",
    "q-near": "q=" + quote("NEAR("),
    "q-near-open": "q=" + quote("raft NEAR/2 paxos"),
    "q-column": "q=" + quote("title:raft"),
    "q-caret": "q=" + quote("^raft"),
    "q-boolean": "q=" + quote("AND OR NOT"),
    "q-unbalanced": "q=" + quote('"raft (paxos'),
    "q-tsquery": "q=" + quote("raft & !paxos | <-> :*"),
    "q-nul": "q=%00",
    "q-script": "q=" + quote(SCRIPT),
    "q-unicode": "q=" + quote("Überraschung 😀 ﷽"),
    "q-bad-utf8": "q=%FF%FE",
    "q-and-huge-page": "q=raft&page=99999",
    "q-and-bad-kind": "q=raft&kind=nothing",
}


PATTERNS = public_patterns()


def _get(client, url: str, *, method: str = "get", **kwargs):
    """The answer to `url`, or the exception the view raised, as a string."""
    try:
        # A failed query must not spoil the test's transaction for the next request.
        with transaction.atomic():
            if method.isupper():
                return client.generic(method, url, **kwargs)
            return getattr(client, method)(url, **kwargs)
    except Exception as error:  # noqa: BLE001 - every crash is what this test reports
        return f"raised {error!r}"[:300]


def _problem(url: str, response) -> str | None:
    if isinstance(response, str):
        return f"{url[:150]}: {response}"
    if response.status_code not in ALLOWED_STATUSES:
        return f"{url[:150]}: answered {response.status_code}"
    if response.get("Content-Type", "").startswith("text/html") and SCRIPT in response.text:
        return f"{url[:150]}: shows the <script> it was sent"
    return None


def _as(client, who: str):
    if who == "organizer":
        client.force_login(get_user_model().objects.get(username="organizer"))
    return client


def test_real_values_reach_every_page(client, demo_site):
    """The values the hostile ones stand in for are real: each page answers with content."""
    statuses = {}
    for name, format_string, params in PATTERNS:
        url = demo_address(demo_site, name, format_string, params)
        if url.startswith(settings.MEDIA_URL):
            continue
        response = _get(client, url)
        statuses[url] = getattr(response, "status_code", response)
    assert statuses == dict.fromkeys(statuses, 200)


@pytest.mark.parametrize("who", ["visitor", "organizer"])
def test_hostile_path_values_never_crash(client, demo_site, who):
    client = _as(client, who)
    problems = []
    for name, format_string, params in PATTERNS:
        for param in params:
            for value in HOSTILE_PATH_VALUES.values():
                url = demo_address(demo_site, name, format_string, params, **{param: value})
                problems.append(_problem(url, _get(client, url)))
    assert [problem for problem in problems if problem] == []


def test_hostile_query_strings_never_crash(client, demo_site):
    problems = []
    for name, format_string, params in PATTERNS:
        page = demo_address(demo_site, name, format_string, params)
        queries = HOSTILE_QUERIES
        if not client.get(page)["Content-Type"].startswith("text/html"):
            # Feeds, calendars and BibTeX read no query; a few values show they ignore it.
            queries = {key: HOSTILE_QUERIES[key] for key in ("page-abc", "page-nul", "q-nul")}
        for query in queries.values():
            url = f"{page}?{query}"
            problems.append(_problem(url, _get(client, url)))
    assert [problem for problem in problems if problem] == []


def test_posts_to_every_page_are_refused_or_answered(client, demo_site):
    problems = []
    for name, format_string, params in PATTERNS:
        url = demo_address(demo_site, name, format_string, params)
        response = _get(
            client, url, method="post", data={"q": "\x00", "page": "abc", "email": SCRIPT}
        )
        problems.append(_problem(url, response))
    assert [problem for problem in problems if problem] == []


HOSTILE_HEADERS = {
    "since-garbage": {"HTTP_IF_MODIFIED_SINCE": "yesterday-ish"},
    "since-year-one": {"HTTP_IF_MODIFIED_SINCE": "Mon, 01 Jan 0001 00:00:00 GMT"},
    "since-huge": {"HTTP_IF_MODIFIED_SINCE": "99999999999999999999"},
    "none-match-star": {"HTTP_IF_NONE_MATCH": "*"},
    "none-match-garbage": {"HTTP_IF_NONE_MATCH": '"' + "x" * 5000},
    "match-garbage": {"HTTP_IF_MATCH": "garbage"},
    "unmodified-garbage": {"HTTP_IF_UNMODIFIED_SINCE": "Mon, 01 Jan 0001 00:00:00 GMT"},
    "language": {"HTTP_ACCEPT_LANGUAGE": "x" * 5000},
    "forwarded": {"HTTP_X_FORWARDED_FOR": "<x>, %00, " + "1" * 5000},
    "host": {"HTTP_HOST": "evil.example"},
    "cookie-huge": {"HTTP_COOKIE": "sessionid=" + "x" * 100_000},
    "cookie-garbage": {"HTTP_COOKIE": "sessionid=%00; csrftoken=\x7f<>; =; ;;"},
    "user-agent-huge": {"HTTP_USER_AGENT": "x" * 100_000},
    "referer-garbage": {"HTTP_REFERER": "http://[::1" + "%FF" * 100},
    "accept-garbage": {"HTTP_ACCEPT": "*/*;q=abc, text/html;q=" + "9" * 5000},
    "bad-utf8-header": {"HTTP_ACCEPT_LANGUAGE": "\xff\xfe"},
}


def test_hostile_request_headers_never_crash(client, demo_site):
    problems = []
    for name, format_string, params in PATTERNS:
        url = demo_address(demo_site, name, format_string, params)
        for headers in HOSTILE_HEADERS.values():
            response = _get(client, url, **headers)
            if getattr(response, "status_code", None) in (304, 412):
                continue  # a conditional request answered as HTTP says
            problems.append(_problem(f"{url} {headers}", response))
    assert [problem for problem in problems if problem] == []


def test_bad_page_numbers_are_not_found_and_empty_filters_are_empty_pages(client, demo_site):
    for page in ("/", "/blog/", "/papers/", "/tags/dht/", f"/club/{demo_site['*']['series']}/"):
        for bad in ("abc", "0", "-1", "99999", "%00", "9" * 5000):
            assert client.get(f"{page}?page={bad}").status_code == 404, (page, bad[:10])
    # The “not found” page itself names its canonical address, page number included.
    response = client.get("/no-such-page/?page=" + "9" * 5000)
    assert response.status_code == 404
    assert "Page not found" in response.text
    # A search or paper filter that matches nothing is an answer, not a missing page.
    injection = quote("zzqx' OR 1=1 --")
    assert client.get(f"/papers/?q={injection}").status_code == 200
    assert "Nothing found" in client.get(f"/search/?q={injection}").text
    assert client.get("/talks/?tag=nothing-tagged-so").status_code == 404  # a filter, not a search


# --- the public forms --------------------------------------------------------------------

READER = "reader@example.org"


@pytest.fixture
def series(db):
    """A series with one pending subscriber: all the public forms need."""
    series = Series.objects.create(
        name="Paper Club",
        slug="paper-club",
        time_zone="Europe/Berlin",
        cadence_weeks=2,
        cadence_weekday=1,
        cadence_time=time(19, 0),
        venue_name="Room 3.14",
    )
    Subscription.objects.create(series=series, email=READER)
    return series


HOSTILE_SUBSCRIBE_BODIES = {
    "empty": {},
    "no-email": {"website": ""},
    "not-an-email": {"email": "not-an-email"},
    "blank": {"email": "   "},
    "long": {"email": "a" * 10_000 + "@example.org"},
    "long-domain": {"email": "a@" + "b" * 10_000 + ".org"},
    "nul": {"email": "reader\x00@example.org"},
    "header-injection": {"email": "reader@example.org\r\nBcc: victim@example.org"},
    "markup": {"email": SCRIPT + "@example.org"},
    "two-addresses": {"email": "a@example.org, b@example.org"},
    "long-trap": {"email": "x@example.org", "website": "y" * 10_000},
    "nul-trap": {"email": "x@example.org", "website": "\x00"},
    "bad-email-and-trap": {"email": "not-an-email", "website": "https://spam.example"},
}


@pytest.mark.parametrize("body", HOSTILE_SUBSCRIBE_BODIES.values(), ids=HOSTILE_SUBSCRIBE_BODIES)
def test_hostile_subscribe_bodies_are_answered_with_the_form_and_save_nothing(client, series, body):
    before = Subscription.objects.count()

    response = client.post(f"/club/{series.slug}/subscribe/", body)

    if body.get("website") and "@" in body["email"]:
        # The trap is filled: the bot is told what a person would be, and nothing happens.
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        assert 'aria-invalid="true"' in response.text
        assert SCRIPT not in response.text
    assert Subscription.objects.count() == before


def test_a_post_from_another_site_is_refused_not_a_crash(series):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/club/{series.slug}/subscribe/",
        {"email": "x@example.org"},
        headers={"Origin": "https://elsewhere.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403
    assert not Subscription.objects.filter(email="x@example.org").exists()


@pytest.mark.parametrize(
    "body", [{}, {"email": "x@example.org"}, {"email": ["a@example.org", "b"]}]
)
def test_hostile_posts_to_unknown_series_are_not_found(client, series, body):
    for slug in ("no-such-series", "a" * 5000, "%00"):
        assert client.post(f"/club/{slug}/subscribe/", body).status_code == 404


def test_a_post_as_json_or_without_a_body_is_the_form_again(client, series):
    url = f"/club/{series.slug}/subscribe/"
    assert (
        client.post(url, '{"email": "x@example.org"}', content_type="application/json").status_code
        == 200
    )
    assert (
        client.post(url, b"", content_type="application/x-www-form-urlencoded").status_code == 200
    )
    assert (
        client.post(
            url, b"email=%FF%FE%00", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 200
    )
    assert not Subscription.objects.filter(email="x@example.org").exists()


GARBAGE_TOKENS = {
    "word": "garbage",
    "nul": "%00",
    "long": "a" * 5000,
    "colons": "a:b:c",
    "base64-junk": "eyJzIjoxLCJlIjoieCJ9:1abcde:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "unicode": quote("ünïcödé"),
}


@pytest.mark.parametrize("token", GARBAGE_TOKENS.values(), ids=GARBAGE_TOKENS)
@pytest.mark.parametrize("kind", ["unsubscribe", "confirm", "manage"])
def test_garbage_links_are_bad_requests(client, series, kind, token):
    url = f"/club/subscriptions/{kind}/{token}/"
    # RFC 8058: the mail client posts exactly this body, with no cookie and no CSRF token.
    one_click = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert one_click.status_code in (400, 404)
    assert client.get(url).status_code in (400, 404)


def test_a_link_of_one_kind_does_not_work_as_another(client, series):
    manage = manage_token_of(READER)
    response = client.post(
        f"/club/subscriptions/unsubscribe/{manage}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert Subscription.objects.get(email=READER).status != "unsubscribed"


@pytest.mark.parametrize("series_id", [0, -1, 99_999_999, 10**20])
def test_a_genuine_link_to_a_series_that_is_gone_is_answered(client, series, series_id):
    # Only links of the old form name a series; new ones name the subscription.
    url = f"/club/subscriptions/unsubscribe/{legacy_unsubscribe_token(series_id=series_id, email=READER)}/"
    assert (
        client.post(
            url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 200
    )
    confirm = legacy_confirm_token(series_id=series_id, email=READER, issued_at=int(clock.time()))
    assert client.post(f"/club/subscriptions/confirm/{confirm}/").status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"series": "abc", "action": "unsubscribe"},
        {"series": "\x00", "action": "subscribe"},
        {"series": "99999999999999999999", "action": "subscribe"},
        {"series": "1", "action": "delete"},
        {"series": "-1", "action": "unsubscribe"},
    ],
    ids=["empty", "word", "nul", "huge", "bad-action", "negative"],
)
def test_hostile_manage_posts_change_nothing(client, series, body):
    token = manage_token_of(READER)
    before = list(Subscription.objects.values_list("pk", "status"))

    response = client.post(f"/club/subscriptions/manage/{token}/", body)

    assert response.status_code == 400
    assert list(Subscription.objects.values_list("pk", "status")) == before


# --- what no form sends: other charsets, invalid UTF-8, huge bodies, other methods ------


def _csrf_client(url: str) -> tuple[Client, str]:
    """A browser checked for CSRF as a real one is, with the cookie and token from `url`."""
    client = Client(enforce_csrf_checks=True)
    client.get(url)
    cookie = client.cookies.get("csrftoken")  # forms on cached pages carry none
    return client, cookie.value if cookie else ""


# The forms that read what is posted (one-click unsubscribe reads nothing of it).
FORM_PAGES = {
    "subscribe": lambda series: f"/club/{series.slug}/subscribe/",
    "confirm": lambda series: f"/club/subscriptions/confirm/{confirm_token_of(series, READER)}/",
    "manage": lambda series: f"/club/subscriptions/manage/{manage_token_of(READER)}/",
    "admin-login": lambda series: "/admin/login/",
}


@pytest.mark.parametrize("charset", ["utf-16", "utf-32", "latin-1"])
@pytest.mark.parametrize("form", FORM_PAGES.values(), ids=FORM_PAGES)
def test_a_form_sent_in_another_charset_is_a_bad_request_page(series, form, charset):
    url = form(series)
    client, token = _csrf_client(url)
    before = list(Subscription.objects.values_list("pk", "email", "status"))
    body = (
        f"csrfmiddlewaretoken={token}&email=new%40example.org&action=unsubscribe&series={series.pk}"
    )

    response = _get(
        client,
        url,
        method="post",
        data=body,  # the client encodes it in the charset it declares
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )

    assert not isinstance(response, str), response
    assert response.status_code == 400
    assert "could not be read" in response.text
    assert list(Subscription.objects.values_list("pk", "email", "status")) == before


@pytest.mark.parametrize(
    "body",
    [b"email=\xff\xfe%40example.org", b"\xff\xfe\x00=\xc3&email=", b"email=\xed\xa0\x80@x.org"],
    ids=["value", "name", "surrogate"],
)
def test_invalid_utf8_in_a_form_body_is_the_form_again(client, series, body):
    response = client.post(
        f"/club/{series.slug}/subscribe/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.text
    assert Subscription.objects.count() == 1


@pytest.mark.parametrize(
    "raw_path", ["/blog/\xff\xfe/", "/club/\xc3/", "/tags/\xed\xa0\x80/", "/\xff", "/search/\x80"]
)
def test_invalid_utf8_in_the_path_is_not_found(client, series, raw_path):
    # As a WSGI server hands Django the raw bytes of the request line: one character each.
    assert client.get("/", PATH_INFO=raw_path).status_code == 404


@pytest.mark.parametrize("raw_query", ["q=\xff\xfe", "page=\xff", "\xc3\xc3=\xff&tag=\x80"])
def test_invalid_utf8_in_the_query_is_answered(client, series, raw_query):
    for url in ("/", "/search/", "/papers/", f"/club/{series.slug}/"):
        assert client.get(url, QUERY_STRING=raw_query).status_code in (200, 404), url


class CountingBody:
    """A request body of `size` bytes, made only as far as it is read."""

    def __init__(self, size: int):
        self.size = size
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        left = self.size - self.read_bytes
        size = left if size is None or size < 0 else min(size, left)
        self.read_bytes += size
        return b"x" * size

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


HUNDRED_MEGABYTES = 100 * 1024 * 1024


@pytest.mark.parametrize("url", ["/club/paper-club/subscribe/", "/admin/login/", "/search/", "/"])
def test_a_huge_body_is_refused_before_it_is_read(client, series, url):
    body = CountingBody(HUNDRED_MEGABYTES)

    response = client.post(
        url,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(body.size),
        **{"wsgi.input": body},
    )

    assert response.status_code == 413
    assert "too large" in response.text
    assert body.read_bytes == 0
    assert Subscription.objects.count() == 1


def test_a_form_just_under_the_public_limit_is_read(client, series, settings):
    padding = "x" * (settings.PUBLIC_REQUEST_MAX_BYTES - 1000)
    response = client.post(f"/club/{series.slug}/subscribe/", {"email": "x", "website": padding})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.text


def test_a_form_with_thousands_of_fields_is_a_bad_request(client, series):
    body = "&".join(f"f{number}=1" for number in range(2000))
    response = client.post(
        f"/club/{series.slug}/subscribe/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert Subscription.objects.count() == 1


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"])
def test_methods_the_site_does_not_speak_are_not_allowed(client, demo_site, method):
    statuses = {}
    for name, format_string, params in PATTERNS:
        url = demo_address(demo_site, name, format_string, params)
        response = _get(client, url, method=method)
        statuses[url] = getattr(response, "status_code", response)
    assert statuses == dict.fromkeys(statuses, 405)
