"""BibTeX out and in, checked with bibtexparser itself."""

import bibtexparser
import pytest

from meetups import services
from meetups.bibtex import papers_to_bibtex, parse_bibtex
from meetups.enums import PaperKind
from meetups.models import Paper, ReadingListEntry
from meetups.services import papers

TRICKY = {
    "title": "Sharding & Consistency: 100% of $5 at O(n_1) {braces} ~ Größe #1 in DHTs",
    "authors": "Paul Erdős\nJosé Müller-Ñúñez\nBarnes and Noble Research",
    "kind": PaperKind.ARTICLE,
    "venue": "Journal of Things & Stuff",
    "year": 2024,
    "doi": "10.1145/1234567.8910_11",
    "arxiv_id": "2401.01234",
    "url": "https://example.org/paper?id=1&x=%20",
    "pdf_url": "https://example.org/paper.pdf",
    "abstract": "We show 50% less latency; costs fall by $3 per node_id.",
}


def test_export_escapes_latex_and_round_trips_through_bibtexparser(make_paper):
    paper = make_paper(**TRICKY)
    text = papers_to_bibtex([paper])

    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    (entry,) = library.entries
    assert entry.entry_type == "article"
    raw = {field.key: field.value for field in entry.fields}
    assert (
        r"Sharding {\&} Consistency: 100{\%} of {\$}5 at O(n{\_}1) {\{}braces{\}}" in raw["title"]
    )
    assert r"Gr{\"o}{\ss}e" in raw["title"]
    assert "{DHTs}" in raw["title"]  # capitals protected from citation styles
    assert raw["doi"] == "10.1145/1234567.8910_11"  # identifiers stay verbatim
    assert raw["url"] == "https://example.org/paper?id=1&x=%20"

    (parsed,), problems = parse_bibtex(text)
    assert problems == []
    for name in ["title", "kind", "venue", "year", "doi", "arxiv_id", "url", "pdf_url", "abstract"]:
        assert parsed.fields[name] == getattr(paper, name), name
    assert parsed.fields["authors"].splitlines() == paper.author_list


def test_keys_are_readable_and_unique(make_paper):
    first = make_paper(
        title="In Search of an Understandable Consensus Algorithm",
        authors="Diego Ongaro\nJohn Ousterhout",
        year=2014,
    )
    second = make_paper(title="In Search of Something Else", authors="Diego Ongaro", year=2014)
    library = bibtexparser.parse_string(papers_to_bibtex([first, second, first]))
    assert [entry.key for entry in library.entries] == ["ongaro2014search", "ongaro2014searcha"]


def test_session_and_series_reading_lists_download_as_bibtex(client, make_session, make_paper):
    shared = make_paper(
        title="Paxos Made Simple", authors="Leslie Lamport", doi="10.1145/568425.568433"
    )
    first = make_session(number=1, papers=2)
    ReadingListEntry.objects.create(session=first, paper=shared, position=3)
    second = make_session(number=2, days=21)
    ReadingListEntry.objects.create(session=second, paper=shared)
    make_session(number=3, papers=1, published=False)

    response = client.get("/club/distributed-systems/1/reading-list.bib")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/x-bibtex; charset=utf-8"
    titles = [e["title"] for e in bibtexparser.parse_string(response.content.decode()).entries]
    assert titles == [entry.paper.title for entry in first.reading_list.all()]

    series_bib = client.get("/club/distributed-systems/reading-list.bib").content.decode()
    entries = bibtexparser.parse_string(series_bib).entries
    # Each paper once, the draft session's paper not at all.
    assert len(entries) == 3
    assert client.get("/club/distributed-systems/3/reading-list.bib").status_code == 404


GOOD_AND_BAD = r"""
@inproceedings{ongaro2014raft,
  title = {In Search of an Understandable Consensus Algorithm},
  author = {Ongaro, Diego and Ousterhout, John},
  booktitle = {USENIX ATC},
  year = {2014},
  url = {https://raft.github.io/raft.pdf}
}

@article{bad_year,
  title = {A Paper With a Bad Year},
  author = {Someone},
  year = {last spring}
}

@article{broken,
  title = {Missing the closing brace,
  year = 2001

@misc{howard2016flexible,
  title = {Flexible {P}axos: Quorum intersection revisited},
  author = {Howard, Heidi and Malkhi, Dahlia and Spiegelman, Alexander},
  journal = {arXiv preprint arXiv:1608.06696},
  year = {2016}
}

@article{bad_doi,
  title = {Has a DOI that is not one},
  doi = {not a doi},
  year = 1999
}

@article{maymounkov2002kademlia,
  title = {Kademlia: A Peer-to-Peer Information System Based on the {XOR} Metric},
  author = {Maymounkov, Petar and Mazi{\`e}res, David},
  booktitle = {IPTPS},
  year = {2002},
  doi = {10.1007/3-540-45748-8\_5}
}
"""


def test_import_keeps_good_entries_and_reports_each_bad_one_by_key(make_session):
    session = make_session(number=1)
    result = services.reading_list_import_bibtex(text=GOOD_AND_BAD, session=session)

    assert [entry.paper.title for entry in session.reading_list.all()] == [
        "In Search of an Understandable Consensus Algorithm",
        "Flexible Paxos: Quorum intersection revisited",
        "Kademlia: A Peer-to-Peer Information System Based on the XOR Metric",
    ]
    problems = {problem.key: problem.message for problem in result.problems}
    assert set(problems) == {"bad_year", "broken", "bad_doi"}
    assert "last spring" in problems["bad_year"]
    assert "DOI" in problems["bad_doi"]
    assert Paper.objects.count() == 3  # nothing saved for the bad entries

    raft = Paper.objects.get(title__startswith="In Search")
    assert raft.author_list == ["Diego Ongaro", "John Ousterhout"]
    assert raft.pdf_url == "https://raft.github.io/raft.pdf"
    assert Paper.objects.get(title__startswith="Flexible").arxiv_id == "1608.06696"
    kademlia = Paper.objects.get(title__startswith="Kademlia")
    assert kademlia.author_list == ["Petar Maymounkov", "David Mazières"]
    assert kademlia.doi == "10.1007/3-540-45748-8_5"
    # What failed comes back as text to correct and paste again.
    assert "@article{bad_year" in result.failed_text
    assert "ongaro2014raft" not in result.failed_text


def test_import_reuses_a_paper_already_in_the_library(make_session, make_paper):
    existing = make_paper(title="Kademlia", doi="10.1007/3-540-45748-8_5")
    session = make_session(number=1)
    text = "@inproceedings{k, title={Kademlia (preprint)}, doi={https://doi.org/10.1007/3-540-45748-8_5}}"
    result = services.reading_list_import_bibtex(text=text, session=session)
    assert result.reused == [existing] and result.created == []
    assert session.reading_list.get().paper == existing
    again = services.reading_list_import_bibtex(text=text, session=session)
    assert [p.key for p in again.problems] == ["k"]
    assert "already on this reading list" in again.problems[0].message
    assert Paper.objects.count() == 1


@pytest.mark.parametrize(
    ("library", "entry", "same"),
    [
        ({"doi": "10.1145/aa"}, "doi={10.1145/AA}", True),
        ({"arxiv_id": "1608.06696"}, "eprint={1608.06696v2}", True),
        ({"url": "https://example.org/p"}, "url={https://example.org/p}", True),
        ({"pdf_url": "https://example.org/p.pdf"}, "url={https://example.org/p.pdf}", True),
        ({"year": 2001}, "year={2001}", True),
        ({"year": None}, "year={2001}", True),
        ({"year": 2001}, "year={1999}", False),
        ({"doi": "10.1145/aa"}, "doi={10.1145/bb}", False),
        ({"doi": ""}, "doi={10.1145/bb}", True),
    ],
    ids=[
        "doi",
        "arxiv",
        "url",
        "pdf",
        "title-year",
        "title-no-year",
        "title-other-year",
        "title-other-doi",
        "title-no-doi",
    ],
)
def test_pasted_bibtex_finds_the_same_paper_as_every_import(make_paper, library, entry, same):
    existing = make_paper(title="Paxos Made Simple", **library)
    text = f"@article{{p, title={{Paxos made simple}}, {entry}}}"
    found = services.paper_find_existing(**_lookup(parse_bibtex(text)[0][0].fields))
    assert (found == existing) is same
    result = services.reading_list_import_bibtex(text=text)
    assert (result.reused == [existing]) is same


def _lookup(fields):
    return {
        "doi": fields["doi"],
        "arxiv_id": fields["arxiv_id"],
        "urls": [fields["url"], fields["pdf_url"]],
        "title": fields["title"],
        "year": fields["year"],
    }


def test_an_entry_is_never_half_saved(make_session, monkeypatch):
    session = make_session(number=1)

    def failing_add(**kwargs):
        raise ValueError("the reading list is locked.")

    monkeypatch.setattr(papers, "reading_list_add", failing_add)
    result = services.reading_list_import_bibtex(
        text="@article{solo, title={Alone}, year={2020}}", session=session
    )
    assert [str(problem) for problem in result.problems] == ["solo: the reading list is locked."]
    assert not Paper.objects.filter(title="Alone").exists()


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("@article{, title={No key}}", "(entry on line 1)", "no key"),
        ("@article{notitle, author={X}}", "notitle", "no title"),
        ("@article{twice, title={A}}\n@article{twice, title={B}}", "twice", "twice"),
        ("Lamport, L. Paxos made simple. 2001.", "(text on line 1)", "not a BibTeX entry"),
        ("@article{dupfield, title={A}, title={B}}", "dupfield", "Duplicate field"),
    ],
    ids=["no-key", "no-title", "duplicate-key", "plain-text", "duplicate-field"],
)
def test_malformed_bibtex_is_reported_per_entry(text, key, words):
    _, problems = parse_bibtex(text)
    assert [problem.key for problem in problems] == [key]
    assert words.lower() in problems[0].message.lower()


# --- pasted citations ----------------------------------------------------------------


CITATIONS = """
Lamport, L. (2001). Paxos made simple. ACM SIGACT News, 32(4), 18–25.
Lamport, Leslie. "Paxos made simple." ACM SIGACT News 32.4 (2001): 18-25.

@article{clocks, title={Time, Clocks, and the Ordering of Events in a Distributed System},
  author={Lamport, Leslie}, journal={Communications of the ACM}, year={1978},
  doi={10.1145/359545.359563}}

Ongaro, D., & Ousterhout, J. (2014). In search of an understandable consensus algorithm.
In 2014 USENIX annual technical conference (USENIX ATC 14) (pp. 305-319).
"""


def test_pasted_citations_go_in_once_each_in_order(make_session):
    session = make_session(number=2)
    result = services.papers_import_citations(text=CITATIONS, session=session, lookup=False)
    # The same paper written two ways is one paper, listed once.
    assert [paper.title for paper in result.created] == [
        "Paxos made simple",
        "Time, Clocks, and the Ordering of Events in a Distributed System",
        "In search of an understandable consensus algorithm",
    ]
    assert [paper.title for paper in result.reused] == ["Paxos made simple"]
    assert result.already_listed == [result.created[0]]
    assert [entry.paper.title for entry in session.reading_list.order_by("position")] == [
        paper.title for paper in result.created
    ]
    raft = Paper.objects.get(title__startswith="In search")
    assert raft.author_list == ["D. Ongaro", "J. Ousterhout"]
    assert (raft.year, raft.kind) == (2014, PaperKind.INPROCEEDINGS)
    assert not result.not_understood and not result.lookup_unavailable


def test_a_citation_that_cannot_be_saved_is_shown_back_and_saves_nothing(db):
    result = services.papers_import_citations(
        text="@article{x, title={Good title}, year={2020}, doi={not-a-doi}, url={nope}}\n\n"
        "10.1145/359545.359563",
        lookup=False,
    )
    assert [paper.title for paper in result.created] == ["Good title"]
    # A field that does not validate is left out with a note rather than losing the paper.
    assert any("left out" in note for note in result.notes)
    (only_a_doi,) = result.not_understood
    assert only_a_doi.understood.doi == "10.1145/359545.359563"
    assert "the lookup was not available" in only_a_doi.message
    assert result.failed_text == "10.1145/359545.359563"
    assert Paper.objects.count() == 1
