"""
The admin's “Add a paper” page: one field for a DOI, an arXiv id, a link or a
reference; what was read and looked up comes back as the paper's fields, to
correct before saving; a paper the library has is reused, never stored twice.
"""

from html.parser import HTMLParser

import pytest
from django.utils.html import strip_tags

from meetups.models import Paper
from tests.helpers.metadata_server import stored

URL = "/admin/meetups/paper/add-from-citation/"
DYNAMO_DOI = "10.1145/1323293.1294281"
PAXOS_APA = "Lamport, L. (2001). Paxos made simple. ACM SIGACT News, 32(4), 18–25."


class FormValues(HTMLParser):
    """The values a browser would send for the fields named `paper-…` of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea = self._select = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name") or ""
        if tag == "input" and (name.startswith("paper-") or name == "citation"):
            self.values[name] = attrs.get("value") or ""
        elif tag == "textarea" and name.startswith("paper-"):
            self._textarea = name
            self.values[name] = ""
        elif tag == "select" and name.startswith("paper-"):
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += (
                data.lstrip("\n") if not self.values[self._textarea] else data
            )


def look_up(client, text):
    response = client.post(URL, {"citation": text, "look_up": "Look up"})
    assert response.status_code == 200
    html = response.content.decode()
    return html, FormValues(html).values


def save(client, values, **corrections):
    data = {**values, **{f"paper-{name}": value for name, value in corrections.items()}}
    return client.post(URL, {**data, "save": "Save"})


def test_the_paper_list_leads_to_the_page(staff_client):
    html = staff_client.get("/admin/meetups/paper/").content.decode()
    assert f'href="{URL}"' in html
    assert staff_client.get(URL).status_code == 200


def test_a_doi_is_looked_up_shown_corrected_and_saved(staff_client, metadata_server):
    metadata_server.answer(f"/crossref/works/{DYNAMO_DOI}", stored("crossref_dynamo.json"))

    html, values = look_up(staff_client, f"https://doi.org/{DYNAMO_DOI}")

    assert values["paper-title"] == "Dynamo: Amazon's highly available key-value store"
    assert values["paper-authors"].splitlines()[0] == "Giuseppe DeCandia"
    assert values["paper-year"] == "2007"
    assert values["paper-venue"] == "ACM SIGOPS Operating Systems Review"
    assert values["paper-kind"] == "article"
    assert values["paper-doi"] == DYNAMO_DOI
    assert "Filled in from Crossref" in html
    assert not Paper.objects.exists()  # nothing is saved before the organizer says so

    response = save(staff_client, values, venue="SOSP 2007", kind="inproceedings")

    paper = Paper.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/meetups/paper/{paper.pk}/change/"
    assert (paper.title, paper.venue, paper.kind, paper.year) == (
        "Dynamo: Amazon's highly available key-value store",
        "SOSP 2007",
        "inproceedings",
        2007,
    )
    assert paper.author_list[-1] == "Werner Vogels"
    assert paper.pdf_url == f"https://dl.acm.org/doi/pdf/{DYNAMO_DOI}"


def test_a_paper_the_library_has_is_reused_not_duplicated(
    staff_client, metadata_server, make_paper
):
    metadata_server.answer(f"/crossref/works/{DYNAMO_DOI}", stored("crossref_dynamo.json"))
    existing = make_paper(title="Dynamo", doi=DYNAMO_DOI.upper(), venue="")

    html, values = look_up(staff_client, f"doi:{DYNAMO_DOI}")
    assert "The library already has this paper" in html
    assert f"/admin/meetups/paper/{existing.pk}/change/" in html

    response = save(staff_client, values)

    assert response.status_code == 302, strip_tags(response.content.decode())[-3000:]
    assert response["Location"] == f"/admin/meetups/paper/{existing.pk}/change/"
    assert Paper.objects.count() == 1
    existing.refresh_from_db()
    assert existing.title == "Dynamo"  # what the organizer typed before stays
    assert existing.venue == "ACM SIGOPS Operating Systems Review"  # an empty field is filled
    followed = staff_client.get(response["Location"]).content.decode()
    assert "was already in the library" in followed


def test_the_same_title_is_the_same_paper_whatever_its_case_and_full_stop(staff_client, make_paper):
    existing = make_paper(title="Paxos Made Simple", year=2001, doi="", arxiv_id="")

    html, values = look_up(staff_client, PAXOS_APA)
    assert "The library already has this paper" in html

    save(staff_client, values, title="Paxos made simple.")

    assert list(Paper.objects.all()) == [existing]


def test_an_unreadable_citation_is_shown_back_with_what_was_understood(staff_client):
    html, values = look_up(staff_client, "the one about clocks")

    text = strip_tags(html)
    assert "could not be read as a citation" in text
    assert "What was understood: “the one about clocks”" in text
    assert "Nothing was saved" in text
    assert "paper-title" not in values  # nothing to save
    assert "the one about clocks" in html  # the text is offered back to correct
    assert not Paper.objects.exists()


def test_a_doi_that_does_not_exist_says_so(staff_client, metadata_server):
    html, values = look_up(staff_client, "10.1145/0000000.0000000")

    assert "No paper has the DOI 10.1145/0000000.0000000" in html
    assert values["paper-doi"] == "10.1145/0000000.0000000"
    assert values["paper-title"] == ""
    response = save(staff_client, values)
    assert response.status_code == 200  # a paper needs a title
    assert "This field is required" in response.content.decode()
    assert not Paper.objects.exists()


@pytest.mark.parametrize("online", [True, False], ids=["service-down", "lookup-off"])
def test_without_the_lookup_the_fields_come_from_the_text(
    staff_client, metadata_server, settings, online
):
    metadata_server.answer("/openalex/works", b"busy", status=503)
    settings.PAPER_LOOKUP = online

    html, values = look_up(staff_client, PAXOS_APA)

    assert "The lookup could not be used" in html
    assert ("OpenAlex is not working right now" in html) is online
    assert values["paper-title"] == "Paxos made simple"
    assert values["paper-authors"] == "L. Lamport"
    assert values["paper-year"] == "2001"
    assert values["paper-venue"] == "ACM SIGACT News"
    save(staff_client, values)
    assert Paper.objects.get().title == "Paxos made simple"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("url", "javascript:alert(1)", "addresses are not allowed here"),
        ("doi", "banana", "Not a DOI"),
        ("arxiv_id", "1608.666", "Not an arXiv id"),
        ("year", "20011", "less than or equal to 2999"),
    ],
    ids=["url", "doi", "arxiv-id", "year"],
)
def test_a_bad_field_is_answered_next_to_it_and_nothing_is_saved(
    staff_client, field, value, message
):
    _html, values = look_up(staff_client, PAXOS_APA)

    response = save(staff_client, values, **{field: value})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="form-row errors"' in html
    assert message in html
    assert not Paper.objects.exists()


def test_a_paste_too_long_for_one_citation_is_refused(staff_client):
    response = staff_client.post(URL, {"citation": "x" * 20_000, "look_up": "Look up"})

    assert response.status_code == 200
    assert "at most 10000 characters" in strip_tags(response.content.decode()).replace(",", "")
    assert not Paper.objects.exists()


def test_only_organizers_who_may_add_papers_see_it(client, django_user_model):
    user = django_user_model.objects.create_user("visitor", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(URL).status_code == 403
