"""The /search/ page: the form, labelled results, filters, pages and bad input."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.portal.test_search import HOSTILE

pytestmark = pytest.mark.django_db


def test_the_navigation_links_to_search(client):
    assert '<a href="/search/">Search</a>' in client.get("/").text


def test_without_a_query_the_page_shows_the_form_only(client, make_post):
    make_post(title="Anything")
    page = client.get("/search/").text
    assert 'type="search" name="q"' in page
    assert "result" not in page


def test_results_are_labelled_by_kind_with_highlighted_snippets(client, make_post, make_talk):
    make_post(title="Gossip in practice", body="We tried gossip on a 500-node cluster.")
    make_talk(title="Epidemic protocols", abstract="How gossip spreads, with numbers.")
    page = client.get("/search/", {"q": "gossip"}).text
    assert "2 results" in page
    assert '<p class="entry-kind">Post</p>' in page and '<p class="entry-kind">Talk</p>' in page
    assert "We tried <mark>gossip</mark> on a 500-node cluster." in page
    assert page.index("Gossip in practice") < page.index("Epidemic protocols")  # title first
    assert 'href="?q=gossip&amp;kind=talk">Talks (1)</a>' in page


def test_a_kind_filter_keeps_only_that_kind(client, make_post, make_talk):
    make_post(title="Tracing post")
    make_talk(title="Tracing talk")
    page = client.get("/search/", {"q": "tracing", "kind": "talk"}).text
    assert "Tracing talk" in page and "Tracing post" not in page
    assert 'name="kind" value="talk"' in page  # a new search keeps the filter


def test_results_are_paginated_and_the_links_keep_the_query(client, make_post):
    for number in range(25):
        make_post(title=f"Lamport clocks part {number}")
    first = client.get("/search/", {"q": "lamport clocks"}).text
    assert "25 results" in first and "page 1 of 2" in first
    assert 'href="?q=lamport+clocks&amp;page=2"' in first
    second = client.get("/search/", {"q": "lamport clocks", "page": 2}).text
    assert second.count('class="entry entry--post"') == 5


@pytest.mark.parametrize(
    "params",
    [
        {"q": "quic", "page": "99"},
        {"q": "quic", "page": "abc"},
        {"q": "quic", "kind": "nope"},
        {"q": "quic", "kind": "\x00"},
    ],
    ids=["page-past-the-end", "page-not-a-number", "unknown-kind", "nul-kind"],
)
def test_bad_pages_and_filters_are_404s(client, make_post, params):
    make_post(title="QUIC")
    assert client.get("/search/", params).status_code == 404


def test_a_nul_byte_is_an_error_next_to_the_field(client, make_post):
    make_post(title="QUIC")
    response = client.get("/search/?q=qu%00ic")
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.text


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_answer_a_page(client, make_post, query):
    make_post(title="QUIC and raft", body="QUIC, raft, e-mail and TLS 1.3.")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200


def test_nothing_found_says_so_and_suggests_what_to_try(client, make_post):
    make_post(title="QUIC")
    page = client.get("/search/", {"q": "zyzzyva"}).text
    assert "Nothing found" in page and "Try other or fewer words" in page


def test_the_search_page_is_not_for_search_engines(client):
    assert '<meta name="robots" content="noindex, follow">' in client.get("/search/?q=x").text


def _add_everything(make_post, make_talk, make_session, make_paper, number):
    paper = make_paper(title=f"Consensus paper {number}")
    make_post(title=f"Consensus post {number}", tags=["consensus", f"t{number}"])
    make_talk(title=f"Consensus talk {number}", tags=["consensus"])
    make_session(
        title=f"Consensus {number}",
        papers=[paper],
        tags=["consensus"],
        starts_at=timezone.now() - timedelta(days=number + 1),
    )


@pytest.mark.parametrize(
    "params",
    [
        {"q": "consensus"},
        {"q": "consensus", "kind": "paper"},
        {"q": "consensus", "page": "2"},
        {"q": "zyzzyva"},
    ],
    ids=["all", "one-kind", "second-page", "no-match"],
)
def test_queries_do_not_grow_with_the_data(
    client, make_post, make_talk, make_session, make_paper, django_assert_num_queries, params
):
    for number in range(6):
        _add_everything(make_post, make_talk, make_session, make_paper, number)
    client.get("/search/", params)  # warm per-process caches: count the steady state
    with CaptureQueriesContext(connection) as small:
        assert client.get("/search/", params).status_code == 200
    for number in range(6, 60):
        _add_everything(make_post, make_talk, make_session, make_paper, number)
    with django_assert_num_queries(len(small)):
        assert client.get("/search/", params).status_code == 200
    assert len(small) <= 2
