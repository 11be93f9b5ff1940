"""Crossref's REST API: GET /works/{doi}, answered with a `work` message."""

from urllib.parse import quote

from django.conf import settings

from meetups.enums import PaperKind
from meetups.identifiers import normalize_arxiv_id, normalize_doi
from meetups.lookup.errors import LookupUnavailable
from meetups.lookup.http import CROSSREF, fetch_json
from meetups.lookup.records import Found, as_year, clean_text, first_text, web_url

_KINDS = {
    "journal-article": PaperKind.ARTICLE,
    "proceedings-article": PaperKind.INPROCEEDINGS,
    "book-chapter": PaperKind.INPROCEEDINGS,
    "posted-content": PaperKind.MISC,
    "report": PaperKind.TECHREPORT,
    "report-component": PaperKind.TECHREPORT,
    "book": PaperKind.BOOK,
    "monograph": PaperKind.BOOK,
    "edited-book": PaperKind.BOOK,
    "reference-book": PaperKind.BOOK,
    "dissertation": PaperKind.THESIS,
}


def crossref_work(doi: str) -> Found:
    """What Crossref records for `doi`; NotFound when it has no such DOI."""
    data = fetch_json(
        CROSSREF,
        f"works/{quote(doi, safe='/')}",
        {"mailto": settings.PAPER_LOOKUP_CONTACT},
    )
    message = data.get("message")
    if data.get("status") != "ok" or not isinstance(message, dict):
        raise LookupUnavailable("Crossref answered without a work record.")
    return parse_work(message)


def _author_name(author) -> str:
    if not isinstance(author, dict):
        return ""
    given, family = clean_text(author.get("given")), clean_text(author.get("family"))
    if family:
        return f"{given} {family}".strip()
    return clean_text(author.get("name"))  # an organization, or a name Crossref did not split


def _year(message: dict) -> int | None:
    for key in ("issued", "published", "published-print", "published-online", "created"):
        date = message.get(key)
        parts = date.get("date-parts") if isinstance(date, dict) else None
        first = parts[0] if isinstance(parts, list) and parts else None
        if isinstance(first, list) and first and (year := as_year(first[0])):
            return year
    return None


def _pdf_url(message: dict) -> str:
    for link in message.get("link") or []:
        is_pdf = isinstance(link, dict) and link.get("content-type") == "application/pdf"
        if is_pdf and (url := web_url(link.get("URL"))):
            return url
    return ""


def parse_work(message: dict) -> Found:
    """A Crossref `work` message as Paper fields."""
    kind = _KINDS.get(message.get("type"), PaperKind.MISC)
    venue = first_text(message.get("container-title"))
    if not venue and kind in (PaperKind.BOOK, PaperKind.TECHREPORT, PaperKind.THESIS):
        venue = clean_text(message.get("publisher"))
    if not venue and isinstance(message.get("institution"), list):
        venue = first_text([i.get("name") for i in message["institution"] if isinstance(i, dict)])
    resource = message.get("resource") if isinstance(message.get("resource"), dict) else {}
    primary = resource.get("primary") if isinstance(resource.get("primary"), dict) else {}
    doi = normalize_doi(message.get("DOI") or "")
    arxiv_id = ""
    if doi.lower().startswith("10.48550/arxiv."):
        arxiv_id = normalize_arxiv_id(doi.split(".", 2)[2])
    return Found(
        service="Crossref",
        title=first_text(message.get("title")),
        authors=[name for name in map(_author_name, message.get("author") or []) if name],
        year=_year(message),
        venue=venue,
        kind=kind,
        doi=doi,
        arxiv_id=arxiv_id,
        url=web_url(primary.get("URL")),
        pdf_url=_pdf_url(message),
    )
