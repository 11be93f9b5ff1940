"""
OpenAlex's works API: GET /works/doi:{doi}, and GET /works?filter=… to find a paper
by its title (checked against the first author and year) or by its page's address.
"""

from difflib import SequenceMatcher
from urllib.parse import quote

from django.conf import settings

from meetups.enums import PaperKind
from meetups.identifiers import normalize_arxiv_id, normalize_doi
from meetups.lookup.errors import LookupUnavailable, NotFound
from meetups.lookup.http import OPENALEX, fetch_json
from meetups.lookup.records import Found, as_year, clean_text, comparable, web_url

# How alike two titles must be (difflib's ratio on their comparable forms) to be one paper.
SAME_TITLE = 0.92


def openalex_by_doi(doi: str) -> Found:
    data = fetch_json(
        OPENALEX, f"works/doi:{quote(doi, safe='/')}", {"mailto": settings.PAPER_LOOKUP_CONTACT}
    )
    return parse_work(data)


def openalex_by_title(title: str, *, first_author: str = "", year: int | None = None) -> Found:
    """The work whose title matches `title` (and by `first_author`, of about `year` if given)."""
    words = comparable(title)
    if not words:
        raise NotFound("There is no title to look for.")
    # Commas separate OpenAlex filters, so the filter gets the title as bare words.
    results = _results(f"title.search:{words}")
    for work in results:
        found = parse_work(work)
        if SequenceMatcher(None, comparable(found.title), words).ratio() < SAME_TITLE:
            continue
        if first_author and not _has_author(found, first_author):
            continue
        if year and found.year and abs(found.year - year) > 1:
            continue
        return found
    raise NotFound(f"OpenAlex knows no paper titled “{title}”.")


def openalex_by_url(url: str) -> Found:
    """The work whose page (or one of its copies) is at `url`."""
    if any(char in url for char in ",|"):
        raise NotFound("OpenAlex cannot be asked about this address.")
    results = _results(f"locations.landing_page_url:{url}")
    if not results:
        raise NotFound(f"OpenAlex knows no paper at {url}.")
    return parse_work(results[0])


def _results(filter_text: str) -> list[dict]:
    data = fetch_json(
        OPENALEX,
        "works",
        {"filter": filter_text, "per-page": "5", "mailto": settings.PAPER_LOOKUP_CONTACT},
    )
    results = data.get("results")
    if not isinstance(results, list):
        raise LookupUnavailable("OpenAlex answered without a list of works.")
    return [work for work in results if isinstance(work, dict)]


def _has_author(found: Found, name: str) -> bool:
    """Whether `name` (“Lamport”, “L. Lamport”, “Leslie Lamport”) is among the work's authors."""
    words = comparable(name).split()
    surname = max(words, key=len) if words else ""
    return any(surname in comparable(author).split() for author in found.authors)


def _kind(work: dict, source: dict) -> str:
    work_type = work.get("type")
    if work_type == "article":
        return PaperKind.INPROCEEDINGS if source.get("type") == "conference" else PaperKind.ARTICLE
    return {
        "book": PaperKind.BOOK,
        "book-chapter": PaperKind.INPROCEEDINGS,
        "dissertation": PaperKind.THESIS,
        "report": PaperKind.TECHREPORT,
        "preprint": PaperKind.MISC,
    }.get(work_type, PaperKind.MISC)


def _arxiv_id(work: dict) -> str:
    for location in work.get("locations") or []:
        if not isinstance(location, dict):
            continue
        page = location.get("landing_page_url") or ""
        if isinstance(page, str) and "arxiv.org/abs/" in page:
            return normalize_arxiv_id(page.split("arxiv.org/abs/", 1)[1])
        if isinstance(page, str) and "10.48550/arxiv." in page.lower():
            return normalize_arxiv_id(page.lower().split("10.48550/arxiv.", 1)[1])
    return ""


def parse_work(work: dict) -> Found:
    """An OpenAlex work object as Paper fields."""
    if not isinstance(work, dict) or not (work.get("title") or work.get("display_name")):
        raise LookupUnavailable("OpenAlex answered without a work record.")
    location = (
        work.get("primary_location") if isinstance(work.get("primary_location"), dict) else {}
    )
    source = location.get("source") if isinstance(location.get("source"), dict) else {}
    authors = []
    for authorship in work.get("authorships") or []:
        if not isinstance(authorship, dict):
            continue
        author = authorship.get("author")
        name = clean_text(author.get("display_name")) if isinstance(author, dict) else ""
        if name := name or clean_text(authorship.get("raw_author_name")):
            authors.append(name)
    doi = normalize_doi(work.get("doi") or "")
    arxiv_id = _arxiv_id(work)
    if doi.lower().startswith("10.48550/arxiv."):
        arxiv_id = arxiv_id or normalize_arxiv_id(doi.split(".", 2)[2])
    return Found(
        service="OpenAlex",
        title=clean_text(work.get("title") or work.get("display_name")),
        authors=authors,
        year=as_year(work.get("publication_year")),
        venue=clean_text(source.get("display_name")),
        kind=_kind(work, source),
        doi=doi,
        arxiv_id=arxiv_id,
        url=web_url(location.get("landing_page_url")),
        pdf_url=web_url(location.get("pdf_url")),
    )
