"""
Citations that are only an identifier or a link: a DOI, an arXiv id, an RFC
number, or the URL of a publisher or preprint server that says what it points
to (ACM DL, USENIX, IEEE Xplore, Springer, IACR ePrint, ACM Queue, IETF, arXiv,
doi.org). Also finds such identifiers inside a longer reference.
"""

import re
from urllib.parse import parse_qs, unquote, urlsplit

from meetups.citations.model import Citation
from meetups.enums import PaperKind
from meetups.identifiers import is_arxiv_id, normalize_arxiv_id

# A DOI ends at a space or at punctuation that closes a sentence or a bracket.
DOI_IN_TEXT = re.compile(r"\b(10\.\d{4,9}/[^\s\"“”<>]+)", re.IGNORECASE)
_DOI_ONLY = re.compile(
    r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/|(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$",
    re.IGNORECASE,
)
_ARXIV_ONLY = re.compile(
    r"^(?:arxiv:\s*)?(\d{4}\.\d{4,5}(?:v\d+)?|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)$",
    re.IGNORECASE,
)
ARXIV_IN_TEXT = re.compile(
    r"arxiv(?:\.org/(?:abs|pdf)/|\s*:\s*|\s+preprint\s+(?:arxiv:)?\s*)"
    r"(\d{4}\.\d{4,5}(?:v\d+)?|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)",
    re.IGNORECASE,
)
_RFC_ONLY = re.compile(r"^(?:IETF\s+)?RFC\s*-?\s*(\d{1,5})$", re.IGNORECASE)
URL_IN_TEXT = re.compile(r"(?:https?://|www\.)[^\s<>\"“”]+", re.IGNORECASE)
_TRAILING = ".,;:)]}>'’”\""


def clean_doi(value: str) -> str:
    """A DOI without the punctuation a sentence or a bracket put after it."""
    value = unquote(value.strip())
    while value and value[-1] in _TRAILING:
        # “10.1000/abc(1)” keeps its closing bracket when it has an opening one.
        if value[-1] == ")" and value.count("(") >= value.count(")"):
            break
        value = value[:-1]
    return value.removesuffix(".pdf") if value.lower().endswith(".pdf") else value


def clean_url(value: str) -> str:
    value = value.strip()
    while value and value[-1] in _TRAILING:
        if value[-1] == ")" and value.count("(") >= value.count(")"):
            break
        value = value[:-1]
    if value.lower().startswith("www."):
        value = f"https://{value}"
    return value


def _two_digit_year(yy: str) -> int:
    year = int(yy)
    return 2000 + year if year < 70 else 1900 + year


_USENIX_VENUES = {
    "atc": "USENIX ATC",
    "usenixsecurity": "USENIX Security",
    "sec": "USENIX Security",
    "hotos": "HotOS",
    "hotcloud": "HotCloud",
    "hotstorage": "HotStorage",
}
_USENIX_CONFERENCE = re.compile(r"/(?:conference|legacy/events?)/([a-z]+?)(\d{2})\b", re.I)
_USENIX_SYSTEM_FILE = re.compile(r"/system/files/(?:conference/)?([a-z]+?)(\d{2})[/_-]", re.I)


def _usenix(citation: Citation, path: str):
    match = _USENIX_CONFERENCE.search(path) or _USENIX_SYSTEM_FILE.search(path)
    if match:
        name, yy = match.group(1).lower(), match.group(2)
        citation.venue = f"{_USENIX_VENUES.get(name, name.upper())} '{yy}"
        citation.year = _two_digit_year(yy)
        citation.kind = PaperKind.INPROCEEDINGS


def read_link(url: str, citation: Citation | None = None) -> Citation:
    """
    What a link says about the paper it points to (the page, the PDF, the DOI
    inside it); the link is kept as `url` or `pdf_url`.
    """
    citation = citation if citation is not None else Citation(source=url)
    url = clean_url(url)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a malformed port raises here)
    except ValueError:
        # “https://[” is no address at all; the text is read without it.
        citation.notes.append(f"“{url}” is not a valid link.")
        return citation
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = unquote(parts.path)
    is_pdf = path.lower().endswith(".pdf") or "/pdf/" in path.lower() or "stamp.jsp" in path

    if host in ("doi.org", "dx.doi.org"):
        citation.doi = clean_doi(path.lstrip("/"))
        return citation
    if host.endswith("arxiv.org") and (match := ARXIV_IN_TEXT.search(f"arxiv.org{path}")):
        citation.arxiv_id = normalize_arxiv_id(match.group(1))
        return citation

    if is_pdf:
        citation.pdf_url = url
    else:
        citation.url = url

    if host == "dl.acm.org":
        if match := DOI_IN_TEXT.search(path):
            citation.doi = clean_doi(match.group(1))
    elif host == "link.springer.com":
        if match := DOI_IN_TEXT.search(path):
            citation.doi = clean_doi(match.group(1))
        if "/chapter/" in path:
            citation.kind = PaperKind.INPROCEEDINGS
        elif "/article/" in path:
            citation.kind = PaperKind.ARTICLE
        elif "/book/" in path:
            citation.kind = PaperKind.BOOK
    elif host == "usenix.org":
        _usenix(citation, path)
    elif host == "eprint.iacr.org":
        if match := re.match(r"^/(\d{4})/(\d+)", path):
            citation.year = int(match.group(1))
            citation.venue = "IACR Cryptology ePrint Archive"
            citation.kind = PaperKind.MISC
            citation.url = f"https://eprint.iacr.org/{match.group(1)}/{match.group(2)}"
    elif host == "queue.acm.org":
        citation.venue = "ACM Queue"
        citation.kind = PaperKind.ARTICLE
    elif host == "ieeexplore.ieee.org":
        number = re.search(r"/document/(\d+)", path) or re.search(
            r"(\d+)", parse_qs(parts.query).get("arnumber", [""])[0]
        )
        if number:
            citation.url = f"https://ieeexplore.ieee.org/document/{number.group(1)}"
    elif host in _IETF_HOSTS and (match := re.search(r"rfc(\d{1,5})", path, re.IGNORECASE)):
        _rfc(citation, match.group(1))
    return citation


_IETF_HOSTS = ("rfc-editor.org", "datatracker.ietf.org", "tools.ietf.org", "ietf.org")


def _rfc(citation: Citation, number: str):
    number = str(int(number))
    citation.doi = f"10.17487/RFC{int(number):04d}"
    citation.venue = f"RFC {number}"
    citation.kind = PaperKind.TECHREPORT
    citation.url = f"https://www.rfc-editor.org/rfc/rfc{number}"
    citation.pdf_url = ""


def read_identifier(text: str) -> Citation | None:
    """The citation when `text` is only a DOI, an arXiv id, an RFC number or a URL; else None."""
    text = text.strip().strip("<>").strip()
    if not text or len(text.split()) > 2:
        return None
    citation = Citation(source=text)
    if match := _DOI_ONLY.match(text):
        citation.doi = clean_doi(match.group(1))
        return citation
    if (match := _ARXIV_ONLY.match(text)) and is_arxiv_id(normalize_arxiv_id(match.group(1))):
        citation.arxiv_id = normalize_arxiv_id(match.group(1))
        return citation
    if match := _RFC_ONLY.match(text):
        _rfc(citation, match.group(1))
        return citation
    if " " not in text and URL_IN_TEXT.fullmatch(text):
        return read_link(text, citation)
    return None
