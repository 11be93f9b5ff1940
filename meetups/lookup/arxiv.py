"""arXiv's API: GET /api/query?id_list={id}, answered with an Atom feed of one entry."""

import re
import xml.etree.ElementTree as ElementTree

from meetups.enums import PaperKind
from meetups.identifiers import normalize_arxiv_id, normalize_doi
from meetups.lookup.errors import LookupUnavailable, NotFound
from meetups.lookup.http import ARXIV, fetch
from meetups.lookup.records import Found, as_year, clean_text, web_url

_NS = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}
_ABS_ID = re.compile(r"arxiv\.org/abs/(.+)$", re.IGNORECASE)


def arxiv_entry(arxiv_id: str) -> Found:
    """What arXiv records for `arxiv_id` (any version); NotFound when it has no such paper."""
    body = fetch(
        ARXIV,
        "api/query",
        {"id_list": arxiv_id, "max_results": "1"},
        accept="application/atom+xml",
    )
    return parse_feed(body, arxiv_id=arxiv_id)


def parse_feed(body: bytes, *, arxiv_id: str) -> Found:
    """The paper of an arXiv Atom feed; NotFound when the feed has no entry (or an error entry)."""
    # An Atom feed declares no entities; one that does is not arXiv's answer (and no
    # entity is ever expanded: Python's expat refuses external ones and bounds the rest).
    if b"<!ENTITY" in body or b"<!DOCTYPE" in body:
        raise LookupUnavailable("arXiv answered with something that is not its feed.")
    try:
        feed = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        raise LookupUnavailable("arXiv answered with something that is not XML.") from error
    if feed.tag != f"{{{_NS['atom']}}}feed":
        raise LookupUnavailable("arXiv answered with something that is not its feed.")
    for entry in feed.findall("atom:entry", _NS):
        entry_id = entry.findtext("atom:id", "", _NS)
        match = _ABS_ID.search(entry_id.strip())
        if match is None:
            # arXiv reports a malformed id as an entry pointing at its errors page.
            continue
        if normalize_arxiv_id(match.group(1)) != normalize_arxiv_id(arxiv_id):
            continue
        return _parse_entry(entry, arxiv_id=normalize_arxiv_id(match.group(1)))
    raise NotFound(f"arXiv has no paper {arxiv_id}.")


def _parse_entry(entry, *, arxiv_id: str) -> Found:
    journal = clean_text(entry.findtext("arxiv:journal_ref", "", _NS))
    pdf_url = ""
    for link in entry.findall("atom:link", _NS):
        if link.get("title") == "pdf" or link.get("type") == "application/pdf":
            pdf_url = web_url(link.get("href"))
            break
    return Found(
        service="arXiv",
        title=clean_text(entry.findtext("atom:title", "", _NS)),
        authors=[
            name
            for author in entry.findall("atom:author", _NS)
            if (name := clean_text(author.findtext("atom:name", "", _NS)))
        ],
        year=as_year(entry.findtext("atom:published", "", _NS)),
        venue=journal or "arXiv",
        kind=PaperKind.MISC,
        doi=normalize_doi(entry.findtext("arxiv:doi", "", _NS)),
        arxiv_id=arxiv_id,
        url=f"https://arxiv.org/abs/{arxiv_id}",
        pdf_url=pdf_url.replace("http://", "https://", 1),
    )
