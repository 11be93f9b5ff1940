"""What the citation reader takes from one citation and from a paste of many."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meetups.citations import (
    MAX_PASTE_CHARACTERS,
    Citation,
    CitationError,
    read_citation,
    read_citations,
)
from meetups.enums import PaperKind


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("10.1145/359545.359563", {"doi": "10.1145/359545.359563"}),
        ("doi: 10.1145/359545.359563.", {"doi": "10.1145/359545.359563"}),
        ("https://dx.doi.org/10.1145/359545.359563", {"doi": "10.1145/359545.359563"}),
        ("arXiv:1706.03762v5", {"arxiv_id": "1706.03762"}),
        ("https://arxiv.org/abs/cs/0112017v1", {"arxiv_id": "cs/0112017"}),
        ("<https://export.arxiv.org/pdf/1608.06696.pdf>", {"arxiv_id": "1608.06696"}),
        (
            "https://dl.acm.org/doi/abs/10.1145/3149.214121",
            {"doi": "10.1145/3149.214121", "url": "https://dl.acm.org/doi/abs/10.1145/3149.214121"},
        ),
        (
            "https://link.springer.com/content/pdf/10.1007/3-540-45748-8_5.pdf",
            {"doi": "10.1007/3-540-45748-8_5"},
        ),
        ("https://tools.ietf.org/html/rfc2616", {"doi": "10.17487/RFC2616", "venue": "RFC 2616"}),
        (
            "https://www.usenix.org/legacy/event/osdi04/tech/full_papers/dean/dean.pdf",
            {"year": 2004, "venue": "OSDI '04", "kind": PaperKind.INPROCEEDINGS},
        ),
    ],
    ids=[
        "bare",
        "doi-prefix",
        "dx-doi",
        "arxiv-version",
        "arxiv-old",
        "arxiv-pdf",
        "acm",
        "springer-pdf",
        "rfc",
        "usenix-legacy",
    ],  # fmt: skip
)
def test_an_identifier_or_link_gives_its_identifiers_and_asks_for_a_lookup(text, fields):
    citation = read_citation(text)
    for name, value in fields.items():
        assert getattr(citation, name) == value
    assert citation.title == "" and citation.needs_lookup


def test_a_reference_gives_authors_in_order_and_says_when_the_list_is_cut_short():
    citation = read_citation(
        "Corbett, J. C., Dean, J., Epstein, M., ... & Woodford, D. (2012). Spanner: "
        "Google's globally distributed database. In OSDI (pp. 261-264)."
    )
    assert citation.authors == ["J. C. Corbett", "J. Dean", "M. Epstein", "D. Woodford"]
    assert citation.title == "Spanner: Google's globally distributed database"
    assert (citation.year, citation.venue, citation.kind) == (2012, "OSDI", "inproceedings")
    assert "cuts the list short" in citation.notes[0]
    assert not citation.needs_lookup


def test_braces_latex_accents_italics_and_a_trailing_link_are_read_through():
    citation = read_citation(
        r"Maymounkov, Petar, and David Mazi{\`e}res. “Kademlia: A peer-to-peer information "
        "system based on the {XOR} metric.” *International Workshop on Peer-to-Peer Systems*. "
        "Springer, 2002. https://doi.org/10.1007/3-540-45748-8_5."
    )
    assert citation.authors == ["Petar Maymounkov", "David Mazières"]
    assert citation.title == "Kademlia: A peer-to-peer information system based on the XOR metric"
    assert citation.venue == "International Workshop on Peer-to-Peer Systems"
    assert citation.doi == "10.1007/3-540-45748-8_5" and citation.url == ""


def test_a_bibtex_entry_is_read_as_before():
    citation = read_citation(
        "@article{x, title={{Paxos} Made Simple}, author={Lamport, Leslie}, "
        "journal={ACM SIGACT News}, year={2001}, doi={10.1145/568425.568433}}"
    )
    assert (citation.title, citation.authors, citation.kind) == (
        "Paxos Made Simple",
        ["Leslie Lamport"],
        PaperKind.ARTICLE,
    )
    assert citation.paper_fields()["authors"] == "Leslie Lamport"


@pytest.mark.parametrize(
    ("text", "message", "understood"),
    [
        ("", "nothing to read", ""),
        ("Paxos made simple", "Only a title", "Paxos made simple"),
        ("@article{x, year={2001}}", "no title", ""),
        ("@article{broken, title={Open", "not valid BibTeX", ""),
    ],
    ids=["empty", "title-only", "bibtex-without-title", "bibtex-broken"],
)
def test_what_cannot_be_used_is_an_error_holding_what_was_understood(text, message, understood):
    with pytest.raises(CitationError) as caught:
        read_citation(text)
    assert message.lower() in caught.value.message.lower()
    assert isinstance(caught.value.understood, Citation)
    assert caught.value.understood.title == understood


PASTE = """
@inproceedings{raft, title={In Search of an Understandable Consensus Algorithm},
  author={Ongaro, Diego and Ousterhout, John}, year={2014}}

1. Lamport, L. (2001). Paxos made simple. ACM SIGACT News,
   32(4), 18–25.
2. Dean, J., & Ghemawat, S. (2008). MapReduce: simplified data processing on large
   clusters. Communications of the ACM, 51(1), 107-113.

10.1145/1294261.1294281
arXiv:1608.06696
not a citation at all
"""


def test_a_paste_is_cut_into_its_citations_in_order():
    results = read_citations(PASTE)
    assert [getattr(r, "title", None) or getattr(r, "doi", "") or getattr(r, "arxiv_id", "")
            for r in results[:5]] == [
        "In Search of an Understandable Consensus Algorithm",
        "Paxos made simple",
        "MapReduce: simplified data processing on large clusters",
        "10.1145/1294261.1294281",
        "1608.06696",
    ]  # fmt: skip
    assert results[1].venue == "ACM SIGACT News"
    assert isinstance(results[5], CitationError)
    assert results[5].understood.source == "not a citation at all"
    assert len(results) == 6


def test_a_reference_and_its_link_on_the_next_line_are_one_citation():
    (citation,) = read_citations(
        'Nakamoto, Satoshi. "Bitcoin: A peer-to-peer electronic cash system." (2008).\n'
        "https://bitcoin.org/bitcoin.pdf\n"
    )
    assert citation.title == "Bitcoin: A peer-to-peer electronic cash system"
    assert citation.pdf_url == "https://bitcoin.org/bitcoin.pdf"


def test_a_paste_too_long_to_read_is_refused():
    with pytest.raises(CitationError, match="too long"):
        read_citations("x" * (MAX_PASTE_CHARACTERS + 1))


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("abAB ,.;:()[]{}\"'“”‘’&-–/\\@=_*<>?#%\n0123456789")),
        max_size=120,
    )
    | st.text(max_size=80)
    | st.sampled_from(["https://[", "doi:10.1/", "arXiv:", "@article{", "RFC 0", "https://x/"])
)
def test_any_text_gives_a_citation_or_a_citation_error(text):
    for item in read_citations(text):
        assert isinstance(item, Citation | CitationError)
    try:
        citation = read_citation(text)
    except CitationError as error:
        assert error.message
    else:
        assert citation.title or citation.has_identifier
