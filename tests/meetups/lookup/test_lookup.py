"""
The metadata lookup against a real HTTP server on loopback that answers with
bodies written from each service's documented format: what it fills in, what it
leaves alone, and how every failure reads.
"""

import pytest

from meetups.citations import Citation, read_citation
from meetups.enums import PaperKind
from meetups.lookup import LookupUnavailable, NotFound, metadata_lookup
from tests.helpers.metadata_server import stored

DYNAMO_DOI = "10.1145/1323293.1294281"


def test_a_doi_is_filled_in_from_crossref(metadata_server, settings):
    metadata_server.answer(f"/crossref/works/{DYNAMO_DOI}", stored("crossref_dynamo.json"))

    paper = metadata_lookup(read_citation(f"https://doi.org/{DYNAMO_DOI}"))

    assert paper.title == "Dynamo: Amazon's highly available key-value store"
    assert paper.authors[:2] == ["Giuseppe DeCandia", "Deniz Hastorun"]
    assert paper.authors[-1] == "Werner Vogels"
    assert len(paper.authors) == 9
    assert (paper.year, paper.venue, paper.kind) == (
        2007,
        "ACM SIGOPS Operating Systems Review",
        PaperKind.ARTICLE,
    )
    assert paper.doi == DYNAMO_DOI
    assert paper.url == f"https://dl.acm.org/doi/{DYNAMO_DOI}"
    assert paper.pdf_url == f"https://dl.acm.org/doi/pdf/{DYNAMO_DOI}"
    assert any(note.startswith("Filled in from Crossref: title, authors") for note in paper.notes)
    # Asked politely, as Crossref asks: the site and a contact address.
    (request,) = metadata_server.requests
    assert settings.SITE_URL in request.headers["User-Agent"]
    assert "mailto:organizer@club.example" in request.headers["User-Agent"]
    assert request.query["mailto"] == "organizer@club.example"


def test_crossref_markup_and_organizations_come_out_as_plain_names(metadata_server):
    metadata_server.answer("/crossref/works/10.5555/2643634.2643666", stored("crossref_raft.json"))

    paper = metadata_lookup(Citation(doi="10.5555/2643634.2643666"))

    assert paper.title == "In search of an understandable consensus algorithm & more"
    assert paper.authors == ["Diego Ongaro", "John Ousterhout", "The Raft Working Group"]
    assert paper.kind == PaperKind.INPROCEEDINGS
    assert paper.venue == "Proceedings of the 2014 USENIX Annual Technical Conference"


def test_a_doi_crossref_does_not_know_is_asked_of_datacite(metadata_server):
    metadata_server.answer(
        "/datacite/dois/10.48550/arXiv.1706.03762", stored("datacite_attention.json")
    )

    paper = metadata_lookup(read_citation("doi:10.48550/arXiv.1706.03762"))

    assert metadata_server.paths() == [
        "/crossref/works/10.48550/arXiv.1706.03762",
        "/datacite/dois/10.48550/arXiv.1706.03762",
    ]
    assert paper.title == "Attention Is All You Need"  # not the alternative title
    assert paper.authors == ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Google Brain"]
    assert (paper.year, paper.venue, paper.kind) == (2017, "arXiv", PaperKind.MISC)
    assert paper.arxiv_id == "1706.03762"
    assert paper.url == "https://arxiv.org/abs/1706.03762"


def test_a_doi_nobody_knows_says_so_and_is_remembered(metadata_server):
    metadata_server.answer(
        "/datacite/dois/10.1145/0000000.0000000",
        stored("datacite_not_found.json"),
        status=404,
    )

    with pytest.raises(NotFound, match=r"No paper has the DOI 10\.1145/0000000\.0000000"):
        metadata_lookup(Citation(doi="10.1145/0000000.0000000"))
    asked = len(metadata_server.requests)
    with pytest.raises(NotFound):
        metadata_lookup(Citation(doi="10.1145/0000000.0000000"))

    assert asked == 2
    assert len(metadata_server.requests) == asked  # the second time from the cache


def test_an_answer_is_cached(metadata_server):
    metadata_server.answer(f"/crossref/works/{DYNAMO_DOI}", stored("crossref_dynamo.json"))

    first = metadata_lookup(Citation(doi=DYNAMO_DOI))
    second = metadata_lookup(Citation(doi=DYNAMO_DOI))

    assert second == first
    assert len(metadata_server.requests) == 1


def test_an_arxiv_id_is_filled_in_from_arxivs_api(metadata_server):
    metadata_server.answer("/arxiv/api/query", stored("arxiv_flexible_paxos.xml"))

    paper = metadata_lookup(read_citation("https://arxiv.org/abs/1608.06696v2"))

    (request,) = metadata_server.requests
    assert request.query["id_list"] == "1608.06696"
    assert paper.title == "Flexible Paxos: Quorum intersection revisited"
    assert paper.authors == ["Heidi Howard", "Dahlia Malkhi", "Alexander Spiegelman"]
    assert (paper.year, paper.venue, paper.arxiv_id) == (2016, "arXiv", "1608.06696")
    assert paper.pdf_url == "https://arxiv.org/pdf/1608.06696v2"


def test_an_old_style_arxiv_id_brings_its_doi_and_journal(metadata_server):
    metadata_server.answer("/arxiv/api/query", stored("arxiv_with_doi.xml"))

    paper = metadata_lookup(Citation(arxiv_id="cs/0112017"))

    assert paper.doi == "10.1007/3-540-45414-4_21"
    assert paper.venue == "Distributed Computing 15 (2002) 21-35"
    assert paper.year == 2001


@pytest.mark.parametrize(
    "body", ["arxiv_no_entry.xml", "arxiv_error.xml"], ids=["no-entry", "error-entry"]
)
def test_an_arxiv_id_arxiv_does_not_have_says_so(metadata_server, body):
    metadata_server.answer("/arxiv/api/query", stored(body))

    with pytest.raises(NotFound, match="arXiv has no paper 2999.99999"):
        metadata_lookup(Citation(arxiv_id="2999.99999"))


def test_a_reference_without_identifiers_is_found_by_title_and_first_author(metadata_server):
    metadata_server.answer("/openalex/works", stored("openalex_paxos_search.json"))
    citation = read_citation(
        "Lamport, L. (2001). Paxos made simple. ACM SIGACT News, 32(4), 18–25."
    )

    paper = metadata_lookup(citation)

    (request,) = metadata_server.requests
    assert request.query["filter"] == "title.search:paxos made simple"
    # “Paxos made live” came first in the answer, but is another paper.
    assert paper.doi == "10.1145/568425.568433"
    assert paper.url == "https://dl.acm.org/doi/10.1145/568425.568433"
    # What the reference said stays as it said it.
    assert (paper.title, paper.authors, paper.venue) == (
        "Paxos made simple",
        ["L. Lamport"],
        "ACM SIGACT News",
    )
    assert "Filled in from OpenAlex: DOI, URL." in paper.notes


def test_a_title_match_by_another_author_is_not_taken(metadata_server):
    metadata_server.answer("/openalex/works", stored("openalex_paxos_search.json"))

    with pytest.raises(NotFound, match="OpenAlex knows no paper titled “Paxos made simple”"):
        metadata_lookup(Citation(title="Paxos made simple", authors=["Barbara Liskov"]))


def test_only_a_link_is_looked_up_by_the_page_it_names(metadata_server):
    metadata_server.answer("/openalex/works", stored("openalex_by_url.json"))
    url = "https://www.usenix.org/conference/osdi16/technical-sessions/presentation/example"

    paper = metadata_lookup(read_citation(url))

    assert metadata_server.requests[0].query["filter"] == f"locations.landing_page_url:{url}"
    assert paper.title == "Dremel made simple with Parquet"
    assert paper.authors == ["Julien Le Dem", "A. N. Other"]
    assert paper.arxiv_id == "1605.01234"
    assert paper.kind == PaperKind.INPROCEEDINGS


def test_a_link_nobody_knows_says_so(metadata_server):
    metadata_server.answer("/openalex/works", stored("openalex_empty.json"))

    with pytest.raises(NotFound, match="No service knows a paper at this address"):
        metadata_lookup(Citation(url="https://example.org/some/page"))


# --- failures -----------------------------------------------------------------------------


def _asked(server, service: str) -> int:
    return sum(path.startswith(f"/{service}/") for path in server.paths())


def test_while_crossref_cannot_answer_openalex_fills_in_a_doi(metadata_server):
    metadata_server.answer(f"/crossref/works/{DYNAMO_DOI}", b"down", status=503)
    metadata_server.answer(f"/openalex/works/doi:{DYNAMO_DOI}", stored("openalex_work_dynamo.json"))

    paper = metadata_lookup(Citation(doi=DYNAMO_DOI))

    assert metadata_server.paths() == [
        f"/crossref/works/{DYNAMO_DOI}",
        f"/openalex/works/doi:{DYNAMO_DOI}",
    ]
    assert paper.title == "Dynamo: Amazon's highly available key-value store"
    assert paper.authors == ["Giuseppe DeCandia", "Deniz Hastorun", "Werner Vogels"]
    assert (paper.year, paper.venue, paper.kind) == (
        2007,
        "ACM SIGOPS Operating Systems Review",
        PaperKind.ARTICLE,
    )
    assert "Filled in from OpenAlex: title, authors, year, venue, URL." in paper.notes


def test_when_neither_can_answer_it_is_crossrefs_failure_that_is_told(metadata_server):
    metadata_server.answer(f"/crossref/works/{DYNAMO_DOI}", b"down", status=503)
    metadata_server.answer(f"/openalex/works/doi:{DYNAMO_DOI}", b"down", status=500)

    with pytest.raises(LookupUnavailable, match=r"Crossref is not working right now \(error 503\)"):
        metadata_lookup(Citation(doi=DYNAMO_DOI))


def test_a_429_says_when_to_retry_and_leaves_the_service_alone_until_then(metadata_server):
    metadata_server.answer(
        f"/crossref/works/{DYNAMO_DOI}", b"{}", status=429, headers={"Retry-After": "120"}
    )

    with pytest.raises(LookupUnavailable, match="Crossref asked us to slow down.*2 minutes"):
        metadata_lookup(Citation(doi=DYNAMO_DOI))
    with pytest.raises(LookupUnavailable, match="Crossref asked us to slow down"):
        metadata_lookup(Citation(doi="10.1145/another"))

    assert _asked(metadata_server, "crossref") == 1


@pytest.mark.parametrize("status", [500, 502, 503], ids=str)
def test_a_server_error_reads_as_unavailable_and_is_asked_again_next_time(metadata_server, status):
    metadata_server.answer(f"/crossref/works/{DYNAMO_DOI}", b"<html>oops</html>", status=status)

    for _ in range(2):
        with pytest.raises(
            LookupUnavailable, match=f"Crossref is not working right now .*{status}"
        ):
            metadata_lookup(Citation(doi=DYNAMO_DOI))

    assert _asked(metadata_server, "crossref") == 2  # a failure is not cached


def test_a_service_slower_than_the_timeout_is_given_up(metadata_server, settings):
    settings.PAPER_LOOKUP_TIMEOUT = 0.3
    metadata_server.answer(
        f"/crossref/works/{DYNAMO_DOI}", stored("crossref_dynamo.json"), delay=1.5
    )

    with pytest.raises(LookupUnavailable, match="Crossref did not answer within 0.3 seconds"):
        metadata_lookup(Citation(doi=DYNAMO_DOI))


@pytest.mark.parametrize(
    ("path", "body", "citation", "message"),
    [
        (
            f"/crossref/works/{DYNAMO_DOI}",
            b'{"status": "ok", "message": {"title": ["Dyn',
            Citation(doi=DYNAMO_DOI),
            "Crossref answered with something that is not JSON",
        ),
        (
            f"/crossref/works/{DYNAMO_DOI}",
            b'["not", "a", "work"]',
            Citation(doi=DYNAMO_DOI),
            "Crossref answered with unexpected JSON",
        ),
        (
            f"/crossref/works/{DYNAMO_DOI}",
            b'{"status": "failed", "message-type": "validation-failure", "message": []}',
            Citation(doi=DYNAMO_DOI),
            "Crossref answered without a work record",
        ),
        (
            "/arxiv/api/query",
            b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>cut",
            Citation(arxiv_id="1608.06696"),
            "arXiv answered with something that is not XML",
        ),
        (
            "/arxiv/api/query",
            b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaaaaaa">]><feed>&a;</feed>',
            Citation(arxiv_id="1608.06696"),
            "arXiv answered with something that is not its feed",
        ),
        (
            "/openalex/works",
            b'{"meta": {"count": 1}, "results": "none"}',
            Citation(title="Paxos made simple", authors=["Leslie Lamport"]),
            "OpenAlex answered without a list of works",
        ),
    ],
    ids=[
        "truncated-json",
        "json-list",
        "crossref-failure",
        "truncated-xml",
        "xml-entities",
        "openalex-shape",
    ],
)
def test_a_malformed_answer_reads_as_unavailable(metadata_server, path, body, citation, message):
    metadata_server.answer(path, body)

    with pytest.raises(LookupUnavailable, match=message):
        metadata_lookup(citation)


def test_a_service_that_cannot_be_reached_reads_as_unavailable(metadata_server, settings):
    settings.CROSSREF_API_URL = "http://127.0.0.1:9/crossref"  # nothing listens there

    with pytest.raises(LookupUnavailable, match="Crossref could not be reached"):
        metadata_lookup(Citation(doi=DYNAMO_DOI))


def test_a_redirect_to_another_host_is_not_followed(metadata_server):
    elsewhere = f"http://localhost:{metadata_server.port}/crossref/works/{DYNAMO_DOI}"
    metadata_server.answer(
        f"/crossref/works/{DYNAMO_DOI}", b"", status=302, headers={"Location": elsewhere}
    )

    with pytest.raises(LookupUnavailable, match="sent the request elsewhere"):
        metadata_lookup(Citation(doi=DYNAMO_DOI))

    assert _asked(metadata_server, "crossref") == 1


def test_turned_off_it_asks_nobody(metadata_server, settings):
    settings.PAPER_LOOKUP = False

    with pytest.raises(LookupUnavailable, match="turned off"):
        metadata_lookup(Citation(doi=DYNAMO_DOI))

    assert metadata_server.requests == []


def test_tests_never_reach_the_internet(settings):
    """Outside `metadata_server`, the lookup is off and every service is on loopback."""
    from urllib.parse import urlsplit

    assert settings.PAPER_LOOKUP is False
    for name in ("CROSSREF_API_URL", "DATACITE_API_URL", "ARXIV_API_URL", "OPENALEX_API_URL"):
        assert urlsplit(getattr(settings, name)).hostname == "127.0.0.1"
