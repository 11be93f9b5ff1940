"""
Filling in a paper from public metadata services when online: a DOI from Crossref
(DataCite when Crossref has no record of it, OpenAlex when Crossref cannot answer),
an arXiv id from arXiv's API, a title and first author, or only a page's address,
from OpenAlex. Answers are cached; the
lookup is never required: every failure raises LookupUnavailable or NotFound, and
the caller keeps what the text said.
"""

import dataclasses
import hashlib

from django.conf import settings
from django.core.cache import cache

from meetups.citations.model import Citation
from meetups.identifiers import normalize_arxiv_id, normalize_doi
from meetups.lookup.arxiv import arxiv_entry
from meetups.lookup.crossref import crossref_work
from meetups.lookup.datacite import datacite_doi
from meetups.lookup.errors import LookupProblem, LookupUnavailable, NotFound
from meetups.lookup.openalex import openalex_by_doi, openalex_by_title, openalex_by_url
from meetups.lookup.records import Found, comparable

__all__ = [
    "LookupProblem",
    "LookupUnavailable",
    "NotFound",
    "lookup_enabled",
    "metadata_lookup",
]

# A record changes rarely: a month. A DOI not (yet) registered may be soon: a day.
FOUND_SECONDS = 30 * 24 * 3600
NOT_FOUND_SECONDS = 24 * 3600

_FIELDS = ("title", "authors", "year", "venue", "doi", "arxiv_id", "url", "pdf_url")
_LABELS = {"doi": "DOI", "arxiv_id": "arXiv id", "url": "URL", "pdf_url": "PDF"}


def lookup_enabled() -> bool:
    return bool(settings.PAPER_LOOKUP)


def metadata_lookup(citation: Citation) -> Citation:
    """
    `citation` with its missing fields filled in from what the services know of the
    paper it names (by DOI, else arXiv id, else title and first author, else its page's
    address), and a note saying where they came from. What the citation said is kept.
    Raises LookupUnavailable (turned off, offline, timeout, 5xx, 429, garbled answer)
    or NotFound (no service knows the paper: e.g. a DOI that does not exist).
    """
    if not lookup_enabled():
        raise LookupUnavailable("The paper lookup is turned off (PAPER_LOOKUP).")
    found = _find(citation)
    return _merged(citation, found)


def _find(citation: Citation) -> Found:
    doi = normalize_doi(citation.doi)
    arxiv_id = normalize_arxiv_id(citation.arxiv_id)
    if doi:
        try:
            return _cached("crossref", doi, lambda: crossref_work(doi))
        except NotFound:
            try:
                return _cached("datacite", doi, lambda: datacite_doi(doi))
            except NotFound:
                raise NotFound(
                    f"No paper has the DOI {doi}: neither Crossref nor DataCite knows it."
                ) from None
        except LookupUnavailable as crossref_down:
            # OpenAlex copies Crossref's records: asked while Crossref cannot answer.
            try:
                return _cached("openalex-doi", doi, lambda: openalex_by_doi(doi))
            except LookupProblem:
                raise crossref_down from None
    if arxiv_id:
        try:
            return _cached("arxiv", arxiv_id, lambda: arxiv_entry(arxiv_id))
        except NotFound:
            raise NotFound(f"arXiv has no paper {arxiv_id}.") from None
    if citation.title:
        first = citation.authors[0] if citation.authors else ""
        key = f"{comparable(citation.title)}|{comparable(first)}|{citation.year or ''}"
        return _cached(
            "openalex-title",
            key,
            lambda: openalex_by_title(citation.title, first_author=first, year=citation.year),
        )
    for url in dict.fromkeys(filter(None, [citation.url, citation.pdf_url])):
        try:
            return _cached("openalex-url", url, lambda url=url: openalex_by_url(url))
        except NotFound:
            continue
    if citation.url or citation.pdf_url:
        raise NotFound("No service knows a paper at this address.")
    raise NotFound("There is nothing to look the paper up by: no DOI, arXiv id, title or link.")


def _cached(kind: str, key: str, ask) -> Found:
    """`ask()`'s answer, or NotFound, remembered; a service that could not answer is asked again."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"paper-lookup:{kind}:{digest}"
    known = cache.get(cache_key)
    if isinstance(known, dict) and "found" in known:
        return Found.from_cached(known["found"])
    if isinstance(known, dict) and "missing" in known:
        raise NotFound(known["missing"])
    try:
        found = ask()
    except NotFound as error:
        cache.set(cache_key, {"missing": error.message}, NOT_FOUND_SECONDS)
        raise
    cache.set(cache_key, {"found": found.as_cached()}, FOUND_SECONDS)
    return found


def _merged(citation: Citation, found: Found) -> Citation:
    filled = {}
    for name in _FIELDS:
        if getattr(found, name) and not getattr(citation, name):
            filled[name] = getattr(found, name)
    # A citation that gave no title gave no kind either: its kind is only a default.
    if found.kind and not citation.title:
        filled["kind"] = found.kind
    notes = list(citation.notes)
    if filled:
        names = ", ".join(_LABELS.get(name, name) for name in filled if name != "kind")
        notes.append(f"Filled in from {found.service}: {names}.")
    else:
        notes.append(f"{found.service} knows this paper; it added nothing new.")
    if citation.title and found.title and comparable(citation.title) != comparable(found.title):
        notes.append(f"{found.service} titles it “{found.title}”.")
    return dataclasses.replace(citation, **filled, notes=notes)
