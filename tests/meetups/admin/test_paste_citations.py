"""
The organizer's “Paste citations” page, on a session and on the paper library:
BibTeX, DOIs, arXiv ids and formatted references, one or many, with the
lookup unreachable (every service pointed at a closed port on loopback).
"""

import socket

import pytest
from django.test import Client

from meetups.models import Paper
from tests.helpers.metadata_server import stored


@pytest.fixture
def lookup_unreachable(settings):
    """Every metadata service at a loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    closed = f"http://127.0.0.1:{port}"
    settings.PAPER_LOOKUP = True
    settings.PAPER_LOOKUP_TIMEOUT = 1.0
    for name in ("CROSSREF_API_URL", "DATACITE_API_URL", "ARXIV_API_URL", "OPENALEX_API_URL"):
        setattr(settings, name, closed)
    return closed


PASTE = r"""
@inproceedings{chord, title={Chord: A Scalable Peer-to-peer Lookup Service},
  author={Stoica, Ion and Morris, Robert}, year={2001}, doi={10.1145/383059.383071}}
@article{bad, title={Broken year}, year={soon}}

Lamport, L. (2001). Paxos made simple. ACM SIGACT News, 32(4), 18–25.
10.1145/1294261.1294281
just some words
"""


def test_pasting_citations_adds_what_it_reads_and_shows_back_the_rest(
    staff_client, make_session, lookup_unreachable
):
    session = make_session(number=3)
    url = f"/admin/meetups/session/{session.pk}/paste-citations/"
    page = staff_client.get(f"/admin/meetups/session/{session.pk}/change/").content.decode()
    assert url in page and "Paste citations" in page

    response = staff_client.post(url, {"citations": PASTE})
    assert response.status_code == 200
    html = response.content.decode()
    assert [e.paper.title for e in session.reading_list.order_by("position")] == [
        "Chord: A Scalable Peer-to-peer Lookup Service",
        "Paxos made simple",
    ]
    summary = html[html.index('id="paste-summary"') : html.index('id="not-understood"')]
    assert "New in the library (2)" in summary and "Paxos made simple" in summary
    # The bad entry, the DOI no lookup could name, and the words: each shown, nothing saved.
    problems = html[html.index('id="not-understood"') : html.index("<textarea")]
    assert "3 citations not understood" in problems
    assert "soon" in problems and "the lookup was not available" in problems
    assert "DOI 10.1145/1294261.1294281" in problems and "“just some words”" in problems
    assert "The paper lookup was not available" in html
    textarea = html[html.index("<textarea") : html.index("</textarea>")]
    assert "@article{bad" in textarea and "just some words" in textarea
    assert "chord" not in textarea and "Paxos" not in textarea
    assert Paper.objects.count() == 2


def test_papers_already_in_the_library_are_reused_never_duplicated(
    staff_client, make_session, make_paper, settings
):
    settings.PAPER_LOOKUP = False
    paxos = make_paper(title="Paxos Made Simple", doi="10.1145/568425.568433", year=2001)
    session = make_session(number=4)
    url = f"/admin/meetups/session/{session.pk}/paste-citations/"
    paste = (
        'Lamport, Leslie. "Paxos made simple." ACM SIGACT News 32.4 (2001): 51-58. '
        "doi:10.1145/568425.568433\n"
    )
    html = staff_client.post(url, {"citations": paste}).content.decode()
    assert "Already in the library, reused (1)" in html
    assert [entry.paper for entry in session.reading_list.all()] == [paxos]

    again = staff_client.post(url, {"citations": paste}).content.decode()
    assert "already on this reading list" in again
    assert session.reading_list.count() == 1 and Paper.objects.count() == 1


def test_the_library_paste_adds_papers_without_a_session(staff_client, settings):
    settings.PAPER_LOOKUP = False
    changelist = staff_client.get("/admin/meetups/paper/").content.decode()
    assert "/admin/meetups/paper/paste-citations/" in changelist
    response = staff_client.post(
        "/admin/meetups/paper/paste-citations/",
        {
            "citations": "@misc{x, title={Flexible Paxos}, eprint={1608.06696}}\n\nhttps://arxiv.org/abs/1706.03762"
        },
    )
    html = response.content.decode()
    assert Paper.objects.get(arxiv_id="1608.06696").title == "Flexible Paxos"
    # An arXiv id alone has no title without the lookup: shown back, not saved.
    assert "arXiv 1706.03762" in html and not Paper.objects.filter(arxiv_id="1706.03762")


def test_a_5_mb_paste_is_refused_with_a_message(staff_client, make_session, settings):
    settings.PAPER_LOOKUP = False
    session = make_session(number=5)
    url = f"/admin/meetups/session/{session.pk}/paste-citations/"
    line = "Lamport, L. (2001). Paxos made simple. ACM SIGACT News, 32(4), 18–25.\n"
    response = staff_client.post(url, {"citations": line * (5 * 1024 * 1024 // len(line))})
    assert response.status_code == 200
    assert "larger than 5 MB and was not read" in response.content.decode()
    too_long = staff_client.post(url, {"citations": line * 20_000})
    assert "This paste is too long" in too_long.content.decode()
    assert Paper.objects.count() == 0 and session.reading_list.count() == 0


@pytest.mark.parametrize("page", ["session", "library"])
def test_with_csrf_checks_a_too_large_paste_gets_the_form_and_a_small_one_needs_the_token(
    organizer, make_session, settings, page
):
    settings.PAPER_LOOKUP = False
    client = Client(enforce_csrf_checks=True)
    client.force_login(organizer)
    session = make_session(number=6)
    url = {
        "session": f"/admin/meetups/session/{session.pk}/paste-citations/",
        "library": "/admin/meetups/paper/paste-citations/",
    }[page]
    token = client.get(url).cookies["csrftoken"].value
    huge = client.post(url, {"citations": "x" * (5 * 1024 * 1024), "csrfmiddlewaretoken": token})
    assert huge.status_code == 200
    assert "larger than 5 MB and was not read" in huge.content.decode()

    reference = "Lamport, L. (2001). Paxos made simple. ACM SIGACT News, 32(4), 18–25."
    assert client.post(url, {"citations": reference}).status_code == 403
    assert Paper.objects.count() == 0
    sent = client.post(url, {"citations": reference, "csrfmiddlewaretoken": token})
    assert sent.status_code == 200 and Paper.objects.get().title == "Paxos made simple"


def test_with_the_lookup_online_a_bare_doi_becomes_a_paper_and_an_unknown_doi_says_so(
    staff_client, make_session, metadata_server
):
    doi = "10.1145/1323293.1294281"
    metadata_server.answer(f"/crossref/works/{doi}", stored("crossref_dynamo.json"))
    session = make_session(number=7)
    url = f"/admin/meetups/session/{session.pk}/paste-citations/"
    paste = (
        f"https://doi.org/{doi}\n"
        f"DeCandia, G., Hastorun, D., ... & Vogels, W. (2007). Dynamo: Amazon's highly "
        f"available key-value store. ACM SIGOPS operating systems review, 41(6), 205-220. "
        f"https://doi.org/{doi}\n"
        "10.9999/no-such-paper\n"
    )
    html = staff_client.post(url, {"citations": paste}).content.decode()
    paper = Paper.objects.get()
    assert paper.title == "Dynamo: Amazon's highly available key-value store"
    assert len(paper.author_list) == 9 and paper.year == 2007
    assert "New in the library (1)" in html and "Already in the library, reused (1)" in html
    assert "No paper has the DOI 10.9999/no-such-paper" in html
    assert "lookup was not available" not in html
    assert [entry.paper for entry in session.reading_list.all()] == [paper]
