"""DataCite's REST API (JSON:API): GET /dois/{doi}, for DOIs Crossref does not register (arXiv, Zenodo, theses…)."""

from urllib.parse import quote

from meetups.enums import PaperKind
from meetups.identifiers import normalize_arxiv_id, normalize_doi
from meetups.lookup.errors import LookupUnavailable
from meetups.lookup.http import DATACITE, fetch_json
from meetups.lookup.records import Found, as_year, clean_text, web_url

_KINDS = {
    "JournalArticle": PaperKind.ARTICLE,
    "ConferencePaper": PaperKind.INPROCEEDINGS,
    "ConferenceProceeding": PaperKind.INPROCEEDINGS,
    "BookChapter": PaperKind.INPROCEEDINGS,
    "Book": PaperKind.BOOK,
    "Report": PaperKind.TECHREPORT,
    "Dissertation": PaperKind.THESIS,
    "Preprint": PaperKind.MISC,
}


def datacite_doi(doi: str) -> Found:
    """What DataCite records for `doi`; NotFound when it has no such DOI."""
    data = fetch_json(DATACITE, f"dois/{quote(doi, safe='/')}")
    record = data.get("data")
    attributes = record.get("attributes") if isinstance(record, dict) else None
    if not isinstance(attributes, dict):
        raise LookupUnavailable("DataCite answered without a DOI record.")
    return parse_attributes(attributes)


def _creator_name(creator) -> str:
    if not isinstance(creator, dict):
        return ""
    given, family = clean_text(creator.get("givenName")), clean_text(creator.get("familyName"))
    if family:
        return f"{given} {family}".strip()
    name = clean_text(creator.get("name"))
    if creator.get("nameType") == "Personal" and name.count(",") == 1:
        family, given = (part.strip() for part in name.split(","))
        return f"{given} {family}".strip()
    return name


def _text_field(value) -> str:
    """DataCite gives some fields as a string or as an object with a name or title."""
    if isinstance(value, dict):
        return clean_text(value.get("name") or value.get("title"))
    return clean_text(value)


def parse_attributes(attributes: dict) -> Found:
    """A DataCite DOI record's attributes as Paper fields."""
    titles = [t for t in attributes.get("titles") or [] if isinstance(t, dict)]
    main = [t for t in titles if not t.get("titleType")] or titles
    types = attributes.get("types") if isinstance(attributes.get("types"), dict) else {}
    kind = _KINDS.get(types.get("resourceTypeGeneral"), PaperKind.MISC)
    doi = normalize_doi(attributes.get("doi") or "")
    arxiv_id = ""
    if doi.lower().startswith("10.48550/arxiv."):
        arxiv_id = normalize_arxiv_id(doi.split(".", 2)[2])
    pdf_url = next(
        (
            web_url(url)
            for url in attributes.get("contentUrl") or []
            if isinstance(url, str) and url.lower().endswith(".pdf")
        ),
        "",
    )
    return Found(
        service="DataCite",
        title=clean_text(main[0].get("title")) if main else "",
        authors=[n for n in map(_creator_name, attributes.get("creators") or []) if n],
        year=as_year(attributes.get("publicationYear")),
        venue=_text_field(attributes.get("container")) or _text_field(attributes.get("publisher")),
        kind=kind,
        doi=doi,
        arxiv_id=arxiv_id,
        url=web_url(attributes.get("url")),
        pdf_url=pdf_url,
    )
