"""One paper from one citation: read, looked up when asked, matched against the library."""

from meetups.models import Paper
from meetups.services.papers import paper_add, paper_from_citation
from tests.helpers.metadata_server import stored


def _fields(**values):
    fields = dict.fromkeys(
        ["authors", "venue", "doi", "arxiv_id", "url", "pdf_url", "abstract"], ""
    )
    return {"title": "", "year": None, "kind": "misc", **fields, **values}


def test_a_complete_reference_with_a_doi_asks_nobody(metadata_server, db):
    draft = paper_from_citation(
        text="Lamport, L. (2001). Paxos made simple. ACM SIGACT News, 32(4), 18–25. "
        "https://doi.org/10.1145/568425.568433"
    )

    assert draft.citation.doi == "10.1145/568425.568433"
    assert draft.lookup == ""
    assert metadata_server.requests == []


def test_lookup_false_reads_the_text_alone(metadata_server, db):
    draft = paper_from_citation(text="arXiv:1608.06696v2", lookup=False)

    assert (draft.citation.arxiv_id, draft.citation.title) == ("1608.06696", "")
    assert metadata_server.requests == []


def test_the_lookup_can_find_the_library_copy_the_text_alone_would_miss(
    metadata_server, make_paper
):
    # The library knows the paper by its arXiv id; the text gives only its DOI.
    existing = make_paper(title="Attention is all you need", arxiv_id="1706.03762")
    metadata_server.answer(
        "/datacite/dois/10.48550/arXiv.1706.03762", stored("datacite_attention.json")
    )

    assert paper_from_citation(text="10.48550/arXiv.1706.03762", lookup=False).existing is None
    assert paper_from_citation(text="10.48550/arXiv.1706.03762").existing == existing


def test_adding_reuses_the_paper_with_the_same_arxiv_id(make_paper):
    existing = make_paper(title="Flexible Paxos", arxiv_id="1608.06696", venue="")

    paper, created = paper_add(
        fields=_fields(
            title="Flexible Paxos: Quorum intersection revisited",
            arxiv_id="1608.06696v2",
            venue="arXiv",
        )
    )

    assert (paper, created) == (existing, False)
    paper.refresh_from_db()
    assert (paper.title, paper.venue) == ("Flexible Paxos", "arXiv")
    assert Paper.objects.count() == 1


def test_adding_a_new_paper_stores_it_once(db):
    paper, created = paper_add(fields=_fields(title="Paxos made simple.", year=2001))

    assert created
    assert paper.title == "Paxos made simple"
    again, created_again = paper_add(fields=_fields(title="PAXOS MADE SIMPLE", year=2001))
    assert (again, created_again) == (paper, False)
