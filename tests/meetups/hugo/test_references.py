"""The papers of a paper-club post, read from its references: parsing without the database."""

import pytest

from meetups.enums import PaperKind
from meetups.hugo.readings import read_post
from meetups.hugo.references import parse_reference


def find_references(body):
    reading = read_post(body)
    return reading.readings, reading.write_up


def test_numbered_reference_with_url_on_the_next_line():
    body = (
        "Text citing [1].\n\n---\n\n"
        '[1] Diego Ongaro and John Ousterhout, "In Search of an Understandable Consensus '
        'Algorithm." USENIX ATC. 2014.\n'
        "https://www.usenix.org/system/files/conference/atc14/atc14-paper-ongaro.pdf\n"
    )
    (raft,), write_up = find_references(body)
    assert write_up == "Text citing [1].\n"
    assert raft.title == "In Search of an Understandable Consensus Algorithm"
    assert raft.authors == ["Diego Ongaro", "John Ousterhout"]
    assert (raft.venue, raft.year, raft.kind) == ("USENIX ATC", 2014, PaperKind.INPROCEEDINGS)
    assert raft.pdf_url.endswith("atc14-paper-ongaro.pdf")


def test_references_under_a_heading_stop_at_the_next_heading():
    body = (
        "Intro.\n\n## References\n\n"
        '1. Leslie Lamport, "Paxos Made Simple." ACM SIGACT News 32(4). 2001.\n'
        '2. Lamport, L., Shostak, R., Pease, M., "The Byzantine Generals Problem." '
        "ACM Transactions on Programming Languages and Systems. 1982. "
        "https://doi.org/10.1145/357172.357176\n\n"
        "## Notes\n\nMore text.\n"
    )
    (paxos, generals), write_up = find_references(body)
    assert write_up == "Intro.\n\n## Notes\n\nMore text.\n"
    assert (paxos.title, paxos.venue, paxos.year, paxos.kind) == (
        "Paxos Made Simple",
        "ACM SIGACT News 32(4)",
        2001,
        PaperKind.ARTICLE,
    )
    assert generals.authors == ["L. Lamport", "R. Shostak", "M. Pease"]
    assert generals.doi == "10.1145/357172.357176"


def test_a_rule_that_underlines_a_heading_is_not_the_references_rule():
    body = 'Heading\n---\n\nText [1].\n\n[1] A. Author, "Title." Venue. 2000.\n'
    (reference,), write_up = find_references(body)
    assert reference.title == "Title"
    assert write_up == "Heading\n---\n\nText [1].\n"


def test_bare_pdf_links_and_bullet_links_keep_the_text():
    body = (
        "We read these:\n\n"
        "https://arxiv.org/pdf/1608.06696v2.pdf\n\n"
        "- [Dynamo](https://www.allthingsdistributed.com/files/amazon-dynamo-sosp2007.pdf)\n"
        "- [The company blog](https://example.org/blog/)\n"
    )
    references, write_up = find_references(body)
    assert write_up == body  # the links stay in the text as written
    assert [(r.title, r.arxiv_id, r.pdf_url) for r in references] == [
        ("arXiv:1608.06696", "1608.06696", ""),
        ("Dynamo", "", "https://www.allthingsdistributed.com/files/amazon-dynamo-sosp2007.pdf"),
    ]
    assert references[0].title_guessed


def test_every_link_under_a_rule_is_a_paper():
    body = "Text.\n\n---\n\n- [A page](https://example.org/paper-page)\n- <https://example.org/b.pdf>\n"
    references, write_up = find_references(body)
    assert write_up == "Text.\n"
    assert [(r.title, r.url, r.pdf_url) for r in references] == [
        ("A page", "https://example.org/paper-page", ""),
        ("b", "", "https://example.org/b.pdf"),
    ]


def test_a_post_without_references():
    assert find_references("Just a write-up.\n\n---\n\nThanks for coming!\n") == (
        [],
        "Just a write-up.\n\n---\n\nThanks for coming!\n",
    )


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        (
            'A. B, "Title." arXiv preprint arXiv:2004.05074. 2020.',
            {"arxiv_id": "2004.05074", "kind": PaperKind.MISC, "year": 2020},
        ),
        (
            "Ongaro. In Search of Raft. USENIX ATC, 2014.",
            {"title": "In Search of Raft", "authors": ["Ongaro"], "year": 2014},
        ),
        (
            'X, "[Linked title](https://dl.acm.org/doi/10.1145/1.2)." SOSP. 2007.',
            {"title": "Linked title", "doi": "10.1145/1.2", "venue": "SOSP"},
        ),
        ('Cardwell et al., "BBR." Queue. 2016.', {"authors": ["Cardwell"]}),
    ],
    ids=["arxiv", "unquoted", "linked-title", "et-al"],
)
def test_reference_variants(text, fields):
    reference = parse_reference(text)
    assert {name: getattr(reference, name) for name in fields} == fields


def test_references_as_scholar_cites_them_with_links_apart():
    body = "\n".join(
        [
            "We read [1], skimmed [2] and watched [3].",
            "",
            "---",
            "",
            "## References",
            "",
            '[1] Chandy, K. Mani, and Leslie Lamport. "Distributed snapshots: Determining',
            'global states of distributed systems." ACM Transactions on Computer Systems',
            "(TOCS) 3.1 (1985): 63-75.",
            "",
            "https://example.org/snapshots.pdf",
            "",
            '[2] Shapiro, Marc, et al. "A comprehensive study of convergent and commutative',
            'replicated data types." (2011).',
            "",
            "[3]",
            "https://www.youtube.com/watch?v=abc",
            "",
            "[4]",
            "",
            "Thanks to everyone who came.",
        ]
    )
    (snapshots, crdts), write_up = find_references(body)
    # A recording is no paper: it stays in the write-up as a link, under its number.
    assert write_up == (
        "We read [1], skimmed [2] and watched [3].\n\n"
        "[3]\nhttps://www.youtube.com/watch?v=abc\n\n"
        "Thanks to everyone who came.\n"
    )
    assert (
        snapshots.title == "Distributed snapshots: Determining global states of distributed systems"
    )
    assert snapshots.authors == ["K. Mani Chandy", "Leslie Lamport"]
    assert (snapshots.year, snapshots.kind) == (1985, PaperKind.ARTICLE)
    assert snapshots.venue.startswith("ACM Transactions on Computer Systems (TOCS)")
    assert snapshots.pdf_url == "https://example.org/snapshots.pdf"
    assert (crdts.authors, crdts.year, crdts.venue) == (["Marc Shapiro"], 2011, "")
