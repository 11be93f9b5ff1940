"""
Importing paper-club posts written the ways people write them: the sessions'
reading lists, the links kept in their write-ups, the summary's guesses, and
papers known only by a link titled by the metadata lookup when it answers.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.cache import cache

from meetups.models import Session

from .conftest import summary_row

CORPUS = Path(__file__).parents[2] / "meetups" / "hugo" / "corpus"


def _site_of(hugo_site, names):
    site = hugo_site()
    site.write("config.toml", 'baseURL = "https://ada.example.org/"\ntimeZone = "Europe/Berlin"\n')
    for name in names:
        site.write(f"content/post/{name}", (CORPUS / name).read_text(encoding="utf-8"))
    return site


def test_the_corpus_imports_as_sessions_with_their_reading_lists(hugo_site, run_import):
    expected = {
        name: readings
        for name, readings in json.loads((CORPUS / "expected.json").read_text()).items()
        if not name.startswith("_")
    }
    site = _site_of(hugo_site, expected)
    output = run_import(site, "--series", "Distributed Systems Paper Club")

    assert summary_row(output, "sessions")[0] == len(expected)
    for name, readings in expected.items():
        number = int(name.split("-")[0]) + 30  # 01-spanner.md is the 31st session
        session = Session.objects.get(number=number)
        titles = [paper.title.casefold() for paper in session.papers()]
        wanted = [reading["title"].casefold() for reading in readings if reading["title"]]
        assert [title for title in titles if title in wanted] == wanted, name
        assert len(titles) == len(readings), name

    spanner = Session.objects.get(number=31)
    # What is no reading stays a link of the write-up.
    assert "https://speakerdeck.com/marta/spanner-in-30-minutes" in spanner.write_up
    assert "https://github.com/dsclub/papers/issues/31" in spanner.write_up
    assert "content/post/01-spanner.md: not a reading, kept as a link: “slides” (slides" in output
    assert (
        "content/post/01-spanner.md: read “Spanner: Google's globally distributed database” "
        "as a reading: a link whose text is a whole reference." in output
    )
    assert "content/post/02-dynamo.md: not a reading, kept as a link: “Cassandra" in output
    # The write-up keeps the recording's numbered line; the papers' lines went to the list.
    raft = Session.objects.get(number=35)
    assert "[3] https://www.youtube.com/watch?v=vYp4LYbnnW8" in raft.write_up
    assert "In search of an understandable" not in raft.write_up
    # A paper the post names only by its link: the lookup is off, the summary says so.
    assert (
        "content/post/08-bare-url.md: a paper known only by its link: titled “arXiv:2004.05074”, "
        "the title needs checking (looked up: The paper lookup is turned off (PAPER_LOOKUP))."
        in output
    )


_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title>arXiv Query: id_list=2004.05074</title>
  <entry>
    <id>http://arxiv.org/abs/2004.05074v2</id>
    <published>2020-04-10T15:00:00Z</published>
    <title>Metastable Failures in the Wild</title>
    <author><name>Lexiang Huang</name></author>
    <author><name>Matthew Magnusson</name></author>
    <link title="pdf" href="http://arxiv.org/pdf/2004.05074v2" rel="related" type="application/pdf"/>
  </entry>
</feed>
"""


class _Services(BaseHTTPRequestHandler):
    """arXiv's API answers with its feed; OpenAlex (asked about a bare PDF link) is down."""

    def do_GET(self):
        if self.path.startswith("/api/query"):
            body, status = _FEED.encode(), 200
        else:
            body, status = b"<h1>Service Unavailable</h1>", 503
        self.send_response(status)
        self.send_header("Content-Type", "application/atom+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def services(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Services)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.PAPER_LOOKUP = True
    settings.ARXIV_API_URL = settings.OPENALEX_API_URL = base
    settings.CROSSREF_API_URL = settings.DATACITE_API_URL = base
    cache.clear()  # no answer remembered from another test
    yield base
    server.shutdown()
    server.server_close()
    cache.clear()


def test_a_paper_known_by_its_link_is_titled_by_the_lookup(hugo_site, run_import, services):
    site = _site_of(hugo_site, ["08-bare-url.md"])
    output = run_import(site, "--series", "Distributed Systems Paper Club")

    gray, metastable = Session.objects.get(number=38).papers()
    assert metastable.title == "Metastable Failures in the Wild"
    assert metastable.author_list == ["Lexiang Huang", "Matthew Magnusson"]
    assert metastable.arxiv_id == "2004.05074"
    assert (
        "a paper known only by its link (arXiv:2004.05074): titled “Metastable Failures in the "
        "Wild” from the lookup." in output
    )
    # The other service did not answer: the import goes on and says what to check.
    assert gray.title == "paper 1"
    assert "titled “paper 1”, the title needs checking (looked up: OpenAlex is not working" in (
        output
    )
