"""
Property-based hostile input (hypothesis): requests made up at random, of any
method, against every public URL pattern the resolver knows and the public forms,
with path values, query strings, headers and bodies drawn from what scanners and
broken clients send (long numbers, NUL, invalid UTF-8, other charsets, markup,
huge values). Whatever comes, the site answers below 500 and raises nothing.

Bounded for CI: a fixed number of examples per test, a few seconds each; see what
they reached with `pytest --hypothesis-show-statistics`. Failing
examples are shrunk and printed by hypothesis; nothing is stored between runs.
"""

from urllib.parse import quote

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.helpers.urls import demo_address, public_patterns

pytestmark = pytest.mark.django_db

# Patterns of the public site, and the organizer's login, which anyone can reach.
PATTERNS = [*public_patterns(), ("admin_login", "admin/login/", [])]

FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,
    # The demo content is made once per test and shared by its examples on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SNIPPETS = [
    "",
    "0",
    "-1",
    "1.5",
    "1e9",
    "%00",
    "\x00",
    "..",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '"',
    "NEAR(",
    "\r\nSet-Cookie: a=b",
    "١٢",
    "😀",
    "\ufeff",
]
# Text as a person, a scanner or a broken client would send it (no lone surrogates:
# they cannot be sent in a URL or a form at all).
texts = st.one_of(
    st.sampled_from(SNIPPETS),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
    st.integers(min_value=1, max_value=6000).map(lambda digits: "9" * digits),
    st.integers(min_value=100, max_value=20_000).map(lambda length: "a" * length),
    st.integers().map(str),
)
raw_bytes = st.binary(max_size=40)
# A value as it appears in a URL: percent-encoded text, or any bytes at all.
url_values = st.one_of(texts.map(lambda text: quote(text, safe="")), raw_bytes.map(quote))
query_strings = st.lists(
    st.tuples(
        st.sampled_from(["page", "q", "tag", "kind", "event", "author", "year", "x"]), url_values
    ),
    max_size=4,
).map(lambda pairs: "&".join(f"{key}={value}" for key, value in pairs))
# Header values as a WSGI server hands them on: any byte, one character each.
header_values = st.one_of(
    texts.map(lambda text: text.encode().decode("latin-1")),
    raw_bytes.map(lambda data: data.decode("latin-1")),
)
headers = st.dictionaries(
    st.sampled_from(
        [
            "HTTP_ACCEPT",
            "HTTP_ACCEPT_LANGUAGE",
            "HTTP_COOKIE",
            "HTTP_IF_MODIFIED_SINCE",
            "HTTP_IF_NONE_MATCH",
            "HTTP_ORIGIN",
            "HTTP_REFERER",
            "HTTP_RANGE",
            "HTTP_USER_AGENT",
            "HTTP_X_FORWARDED_FOR",
            "HTTP_HOST",
        ]
    ),
    header_values,
    max_size=3,
)
methods = st.sampled_from(["GET"] * 4 + ["HEAD"] + ["POST"] * 3 + ["PUT", "DELETE", "OPTIONS"])
content_types = st.sampled_from(
    [
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=utf-16",
        "application/x-www-form-urlencoded; charset=no-such-charset",
        "multipart/form-data; boundary=xyz",
        "multipart/form-data",
        "multipart/form-data; boundary=xyz; charset=utf-16",
        "application/json",
        "text/plain",
        "",
        "garbage/;;;=",
    ]
)
FORM_FIELDS = [
    "email",
    "website",
    "series",
    "action",
    "username",
    "password",
    "next",
    "csrfmiddlewaretoken",
    "List-Unsubscribe",
]
form_fields = st.lists(
    st.tuples(st.one_of(st.sampled_from(FORM_FIELDS), url_values), url_values), max_size=6
).map(lambda pairs: "&".join(f"{key}={value}" for key, value in pairs).encode("latin-1"))
multipart_bodies = st.lists(st.tuples(st.sampled_from(FORM_FIELDS), raw_bytes), max_size=3).map(
    lambda parts: (
        b"".join(
            b'--xyz\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
            % (name.encode(), value)
            for name, value in parts
        )
        + b"--xyz--\r\n"
    )
)
bodies = st.one_of(form_fields, multipart_bodies, raw_bytes)


def _request(client, method: str, url: str, *, body: bytes, content_type: str, extra: dict):
    # A failed query must not spoil the test's transaction for the next example.
    with transaction.atomic():
        if method in ("POST", "PUT"):
            return client.generic(method, url, body, content_type=content_type, **extra)
        return client.generic(method, url, **extra)


@FUZZ
@given(data=st.data())
def test_any_request_to_any_public_address_is_answered(demo_site, data):
    name, format_string, params = data.draw(st.sampled_from(PATTERNS), label="pattern")
    hostile = {
        param: data.draw(url_values, label=param)
        for param in params
        if data.draw(st.booleans(), label=f"replace {param}")
    }
    url = demo_address(demo_site, name, format_string, params, **hostile)
    query = data.draw(query_strings, label="query")
    extra = data.draw(headers, label="headers")
    if data.draw(st.booleans(), label="raw bytes in the path"):
        extra["PATH_INFO"] = url + data.draw(raw_bytes, label="raw").decode("latin-1")
    method = data.draw(methods, label="method")

    response = _request(
        Client(),
        method,
        f"{url}?{query}" if query else url,
        body=data.draw(bodies, label="body"),
        content_type=data.draw(content_types, label="content type"),
        extra=extra,
    )

    event(f"answered {response.status_code}")  # pytest --hypothesis-show-statistics
    assert response.status_code < 500


FORMS = (
    "subscribe",
    "subscription_confirm",
    "subscription_manage",
    "subscription_unsubscribe",
    "admin_login",
)


@pytest.fixture
def forms(demo_site):
    """The addresses of the public forms with real signed links, and the organizer's login."""
    urls = [
        demo_address(demo_site, name, format_string, params)
        for name, format_string, params in PATTERNS
        if name in FORMS
    ]
    assert len(urls) == len(FORMS)  # each form is there to be drawn
    return urls


@FUZZ
@given(data=st.data())
def test_any_post_to_a_public_form_is_answered(forms, data):
    url = data.draw(st.sampled_from(forms), label="form")
    # Half the time a browser that has the page's CSRF cookie and token, as a person would.
    client = Client(enforce_csrf_checks=True)
    if data.draw(st.booleans(), label="with the form's cookie"):
        client.get(url)
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    fields = data.draw(form_fields, label="fields")
    content_type = data.draw(content_types, label="content type")
    body = f"csrfmiddlewaretoken={token}&".encode() + fields

    response = _request(
        client,
        "POST",
        url,
        body=body,
        content_type=content_type,
        extra=data.draw(headers, label="headers"),
    )

    event(f"answered {response.status_code}")  # pytest --hypothesis-show-statistics
    assert response.status_code < 500
