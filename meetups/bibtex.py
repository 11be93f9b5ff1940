"""
BibTeX in and out, with bibtexparser (v2).

Out: `papers_to_bibtex(papers)` gives one entry per paper with LaTeX-escaped
text (so “&”, “%”, “_”, braces and accents survive any BibTeX tool) and
identifier fields (doi, eprint, url) left verbatim.

In: `parse_bibtex(text)` reads pasted BibTeX into `ParsedPaper`s and a
`BibtexProblem` per entry that cannot be used, named by its key. It never
touches the database (nor needs the models loaded): meetups.citations reads pasted
BibTeX with it, and `services.papers_import_citations` saves.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import bibtexparser
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from bibtexparser.middlewares.names import NameParts
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    Entry,
    Field,
    ImplicitComment,
    ParsingFailedBlock,
)
from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexencode import UnicodeToLatexEncoder

from meetups.enums import PaperKind
from meetups.identifiers import normalize_arxiv_id, normalize_doi

if TYPE_CHECKING:
    # Only named in hints: reading BibTeX works without the models loaded.
    from meetups.models import Paper

# Every macro in its own braces ({\"u}, {\~N}): BibTeX then treats it as one letter,
# so name splitting (where “~” is a space) and case changes leave it alone.
_encoder = UnicodeToLatexEncoder(
    unknown_char_policy="keep", replacement_latex_protection="braces-all"
)
# Math stays as written ($O(\log n)$); braces that protect capitals are dropped.
_decoder = LatexNodes2Text(math_mode="verbatim", keep_braced_groups=False)

_FORMAT = bibtexparser.BibtexFormat()
_FORMAT.indent = "  "
_FORMAT.block_separator = "\n"

# Where each entry type keeps the venue.
VENUE_FIELD = {
    PaperKind.ARTICLE: "journal",
    PaperKind.INPROCEEDINGS: "booktitle",
    PaperKind.TECHREPORT: "institution",
    PaperKind.BOOK: "publisher",
    PaperKind.THESIS: "school",
    PaperKind.MISC: "howpublished",
}
KIND_OF_ENTRY_TYPE = {
    "article": PaperKind.ARTICLE,
    "inproceedings": PaperKind.INPROCEEDINGS,
    "conference": PaperKind.INPROCEEDINGS,
    "incollection": PaperKind.INPROCEEDINGS,
    "techreport": PaperKind.TECHREPORT,
    "report": PaperKind.TECHREPORT,
    "book": PaperKind.BOOK,
    "phdthesis": PaperKind.THESIS,
    "mastersthesis": PaperKind.THESIS,
    "thesis": PaperKind.THESIS,
}
_VENUE_SOURCES = [
    "journal",
    "journaltitle",
    "booktitle",
    "institution",
    "school",
    "publisher",
    "howpublished",
    "organization",
]

# --- out ------------------------------------------------------------------------------


def escape(text: str) -> str:
    """LaTeX for plain Unicode `text`: & % $ # _ { } ~ ^ \\ escaped, accents as macros."""
    return _encoder.unicode_to_latex(" ".join(text.split()))


def _protect_capitals(title: str) -> str:
    """Escape `title` and brace words like “DHT” or “MapReduce”, which styles must not lowercase."""
    words = []
    for word in title.split():
        escaped = escape(word)
        if any(character.isupper() for character in word[1:]):
            escaped = f"{{{escaped}}}"
        words.append(escaped)
    return " ".join(words)


def _verbatim(value: str) -> str:
    """An identifier or URL, kept as is but unable to break the entry's braces."""
    return "".join(value.split()).replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


_SMALL_WORDS = {"a", "an", "the", "on", "of", "in", "for", "and", "to", "with", "at", "by"}


def citation_key(paper: "Paper") -> str:
    """“ongaro2014search”: first author's surname, year, first significant title word."""
    surname = _ascii_word(paper.author_list[0].split()[-1]) if paper.author_list else ""
    words = [_ascii_word(word) for word in paper.title.split()]
    significant = next((w for w in words if w and w not in _SMALL_WORDS), "")
    return f"{surname or 'paper'}{paper.year or ''}{significant}" or f"paper{paper.pk}"


def _bibtex_name(name: str) -> str:
    escaped = escape(name)
    # A comma or “and” inside one name would split or reorder it.
    if "," in name or re.search(r"\sand\s", name):
        return f"{{{escaped}}}"
    return escaped


def paper_entry(paper: "Paper", key: str) -> Entry:
    kind = PaperKind(paper.kind) if paper.kind in PaperKind.values else PaperKind.MISC
    fields = []
    if paper.author_list:
        fields.append(Field("author", " and ".join(_bibtex_name(n) for n in paper.author_list)))
    fields.append(Field("title", _protect_capitals(paper.title)))
    if paper.venue:
        fields.append(Field(VENUE_FIELD[kind], escape(paper.venue)))
    if paper.year:
        fields.append(Field("year", str(paper.year)))
    if paper.doi:
        fields.append(Field("doi", _verbatim(paper.doi)))
    if paper.arxiv_id:
        fields += [
            Field("eprint", _verbatim(paper.arxiv_id)),
            Field("archiveprefix", "arXiv"),
        ]
    if paper.url:
        fields.append(Field("url", _verbatim(paper.url)))
    if paper.pdf_url:
        fields.append(Field("pdf", _verbatim(paper.pdf_url)))
    if paper.abstract.strip():
        fields.append(Field("abstract", escape(paper.abstract)))
    return Entry(entry_type=kind.value, key=key, fields=fields)


def papers_to_bibtex(papers: Iterable["Paper"]) -> str:
    """One BibTeX entry per paper (each paper once, in the given order), unique keys."""
    library = bibtexparser.Library()
    seen_papers, used_keys = set(), set()
    for paper in papers:
        if paper.pk in seen_papers:
            continue
        seen_papers.add(paper.pk)
        base = key = citation_key(paper)
        suffix = ord("a")
        while key in used_keys:
            key = f"{base}{chr(suffix)}"
            suffix += 1
        used_keys.add(key)
        library.add(paper_entry(paper, key))
    if not library.entries:
        return ""
    return bibtexparser.write_string(library, bibtex_format=_FORMAT)


# --- in -------------------------------------------------------------------------------


@dataclass
class ParsedPaper:
    """One usable entry: the Paper fields it gives, and where it came from."""

    key: str
    raw: str
    fields: dict = field(default_factory=dict)


@dataclass
class BibtexProblem:
    """An entry that cannot be used, named by its key (or its line when it has none)."""

    key: str
    message: str
    raw: str = ""

    def __str__(self):
        return f"{self.key}: {self.message}"


_ENTRY_HEAD = re.compile(r"@\s*(\w+)\s*[{(]\s*([^,\s]*)")
_ARXIV_IN_TEXT = re.compile(r"arxiv[:\s]*(\d{4}\.\d{4,5}(?:v\d+)?)", re.IGNORECASE)
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+)", re.IGNORECASE)
_DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/", re.IGNORECASE)
_URL_MACRO = re.compile(r"^\\url\{(.*)\}$", re.DOTALL)
_YEAR = re.compile(r"^\s*(\d{4})")


def _decode(value) -> str:
    if not isinstance(value, str):
        value = str(value)
    return " ".join(_decoder.latex_to_text(value).split())


def _identifier(value) -> str:
    """A DOI, id or URL as written: no \\url{}, no braces, no escaped underscores."""
    value = str(value or "").strip()
    match = _URL_MACRO.match(value)
    if match:
        value = match.group(1)
    value = value.replace("\\_", "_").replace("\\%", "%").replace("\\&", "&").replace("\\#", "#")
    return "".join(value.replace("{", "").replace("}", "").split())


def _key_of(block) -> str:
    key = getattr(block, "key", "") or ""
    if not key and block.raw:
        match = _ENTRY_HEAD.search(block.raw)
        key = match.group(2) if match else ""
    if not key:
        line = (block.start_line or 0) + 1
        key = f"(entry on line {line})"
    return key


def _names(value) -> list[str]:
    if isinstance(value, list):
        names = []
        for person in value:
            if isinstance(person, NameParts):
                names.append(_decode(person.merge_first_name_first))
            else:
                names.append(_decode(person))
        return [name for name in names if name]
    return [name for name in (_decode(value),) if name]


def _entry_fields(entry: Entry) -> dict:
    """The Paper fields of `entry`; raises ValueError with a reader's message."""
    values = {f.key.lower(): f.value for f in entry.fields}
    title = _decode(values.get("title", ""))
    if not title:
        raise ValueError("it has no title.")
    year = None
    year_source = values.get("year") or values.get("date")
    if year_source not in (None, ""):
        match = _YEAR.match(str(year_source))
        if not match:
            raise ValueError(f"the year “{year_source}” is not a year.")
        year = int(match.group(1))
    kind = KIND_OF_ENTRY_TYPE.get(entry.entry_type.lower(), PaperKind.MISC)
    venue = next((_decode(values[name]) for name in _VENUE_SOURCES if values.get(name)), "")

    doi = normalize_doi(_identifier(values.get("doi")))
    url = _identifier(values.get("url"))
    if not doi and _DOI_URL.match(url):
        doi, url = normalize_doi(url), ""

    arxiv_id = ""
    archive = str(values.get("archiveprefix") or values.get("eprinttype") or "").lower()
    eprint = _identifier(values.get("eprint"))
    if eprint and (archive in ("", "arxiv")):
        arxiv_id = normalize_arxiv_id(eprint)
    elif (match := _ARXIV_URL.search(url)) is not None:
        arxiv_id = normalize_arxiv_id(match.group(1))
    elif (match := _ARXIV_IN_TEXT.search(venue)) is not None:
        # Google Scholar's “journal = {arXiv preprint arXiv:1608.06696}”.
        arxiv_id, venue = normalize_arxiv_id(match.group(1)), "arXiv"
    if arxiv_id and _ARXIV_URL.search(url):
        url = ""

    pdf_url = _identifier(values.get("pdf"))
    if not pdf_url and url.lower().endswith(".pdf"):
        pdf_url, url = url, ""
    return {
        "title": title[:500],
        "authors": "\n".join(_names(values.get("author", ""))),
        "kind": kind,
        "venue": venue[:300],
        "year": year,
        "doi": doi,
        "arxiv_id": arxiv_id,
        "url": url,
        "pdf_url": pdf_url,
        "abstract": _decode(values["abstract"]) if values.get("abstract") else "",
    }


def parse_bibtex(text: str) -> tuple[list[ParsedPaper], list[BibtexProblem]]:
    """The usable entries of `text` in their order, and one problem per unusable one."""
    library = bibtexparser.parse_string(
        text or "", append_middleware=[SeparateCoAuthors(), SplitNameParts()]
    )
    parsed, problems = [], []
    for block in library.blocks:
        if isinstance(block, DuplicateBlockKeyBlock):
            problems.append(
                BibtexProblem(
                    block.key, "the key appears twice; only the first was read.", block.raw or ""
                )
            )
        elif isinstance(block, ParsingFailedBlock):
            message = str(block.error).strip().splitlines()[0] if str(block.error).strip() else ""
            if not message or "syntactical" in message or "Unexpected" in message:
                message = "it is not valid BibTeX (look for a missing brace, quote or comma)."
            problems.append(BibtexProblem(_key_of(block), message, block.raw or ""))
        elif isinstance(block, Entry):
            key = _key_of(block)
            if not block.key:
                problems.append(BibtexProblem(key, "the entry has no key.", block.raw or ""))
                continue
            try:
                fields = _entry_fields(block)
            except ValueError as error:
                problems.append(BibtexProblem(key, str(error), block.raw or ""))
                continue
            parsed.append(ParsedPaper(key=key, raw=block.raw or "", fields=fields))
        elif isinstance(block, ImplicitComment) and block.comment.strip():
            snippet = " ".join(block.comment.split())[:60]
            problems.append(
                BibtexProblem(
                    f"(text on line {(block.start_line or 0) + 1})",
                    f"“{snippet}” is not a BibTeX entry (entries start with @).",
                    block.comment,
                )
            )
    return parsed, problems
