"""
The pieces a paper-club post's reading list is read with (meetups.hugo.readings):
one reference's text as a Reference, and the numbered references (“[1] Author,
"Title." Venue. Year.”, maybe with a URL on the next line) after the last rule
or under a References heading.
"""

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import SplitResult, unquote, urlsplit

from meetups.enums import PaperKind
from meetups.identifiers import normalize_arxiv_id, normalize_doi

_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")
RULE = re.compile(r"^[ \t]{0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_REFERENCES_HEADING = re.compile(
    r"^[ \t]{0,3}(?:(?P<hashes>#{1,6})[ \t]+|\*\*)(?:references|bibliography|papers|reading list"
    r"|readings|literature)[ \t]*:?[ \t]*(?:\*\*)?:?[ \t]*#*[ \t]*$",
    re.IGNORECASE,
)
HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]")
# “[1] Author, …”, or “[1]” alone with the link on the next line.
NUMBERED = re.compile(r"^[ \t]*(?:[-*+][ \t]+)?\\?\[(\d{1,3})\\?\](?![:(\[])[ \t]*(?P<text>.*)$")
_ORDERED = re.compile(r"^[ \t]*\d{1,3}[.)][ \t]+(?P<text>\S.*)$")
_BULLET = re.compile(r"^[ \t]*[-*+][ \t]+(?P<text>\S.*)$")
MD_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
BARE_URL = re.compile(r"<?(https?://[^\s<>()\]]+[^\s<>()\].,;:!?'\"])>?")
# A file on the old site, written as a bare path: /static/papers/chord.pdf.
SITE_FILE = re.compile(r"(?<![\w/])<?(/[^\s<>()\]]+\.[A-Za-z0-9]{2,5})>?(?!\S)")
_BARE_LINE = re.compile(r"^[ \t]*(?:[-*+][ \t]+)?<?(?:https?://|/)\S+?>?[ \t]*$")
_DOI_TEXT = re.compile(r"\b(?:doi:\s*|https?://(?:dx\.)?doi\.org/)(10\.\d{4,9}/[^\s\]>]+)", re.I)
_ARXIV_TEXT = re.compile(
    r"\barXiv:\s*(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})", re.I
)
_QUOTED = re.compile(r"[\"“”](?P<title>[^\"“”]+)[\"“”]")
YEAR = re.compile(r"\b(1[89]\d{2}|20\d{2})\b")
_INITIALS = re.compile(r"^(?:[A-Z]\.?\s*-?)+$")
# Hosts whose links are papers even outside a References section.
_PAPER_HOSTS = (
    "arxiv.org",
    "doi.org",
    "dl.acm.org",
    "ieeexplore.ieee.org",
    "usenix.org",
    "link.springer.com",
    "openreview.net",
    "semanticscholar.org",
    "vldb.org",
    "research.google",
    "papers.nips.cc",
    "proceedings.mlr.press",
    "sigops.org",
)


def split_url(url: str) -> SplitResult:
    """The parts of `url`; none for text that only looks like one (“//[”)."""
    try:
        return urlsplit(url)
    except ValueError:
        return SplitResult("", "", "", "", "")


@dataclass
class Reference:
    title: str
    authors: list[str] = field(default_factory=list)
    venue: str = ""
    year: int | None = None
    doi: str = ""
    arxiv_id: str = ""
    url: str = ""  # the paper's page; may still be a path on the old site
    pdf_url: str = ""  # may still be a path on the old site
    kind: str = PaperKind.MISC
    title_guessed: bool = False
    why: str = ""  # how the post shows it is a reading, for the import summary


def looks_like_paper(url: str) -> bool:
    parts = split_url(url)
    host = (parts.hostname or "").lower()
    return parts.path.lower().endswith(".pdf") or any(
        host == known or host.endswith("." + known) for known in _PAPER_HOSTS
    )


def take_url(reference: Reference, url: str) -> None:
    url = url.strip().rstrip(".,;")
    parts = split_url(url)
    host = (parts.hostname or "").lower()
    acm_doi = re.match(r"^/doi/(?:abs/|pdf/|full/|fullHtml/)?(10\.\d{4,9}/.+)$", parts.path)
    if host.endswith("doi.org"):
        reference.doi = reference.doi or normalize_doi(unquote(url))
    elif host == "dl.acm.org" and acm_doi:
        # The ACM library's addresses carry the DOI: dl.acm.org/doi/10.1145/….
        reference.doi = reference.doi or unquote(acm_doi.group(1))
        reference.url = reference.url or url
    elif host.endswith("arxiv.org") and re.match(r"^/(abs|pdf)/", parts.path):
        reference.arxiv_id = reference.arxiv_id or normalize_arxiv_id(url)
    elif parts.path.lower().endswith(".pdf"):
        reference.pdf_url = reference.pdf_url or url
    else:
        reference.url = reference.url or url


def _split_authors(text: str) -> list[str]:
    text = re.sub(r",?\s*\bet\s+al\.?", "", text).strip(" ,.;")
    if not text:
        return []
    parts = [part.strip() for part in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*|;\s*", text)]
    parts = [part for part in parts if part]
    # “Lamport, L., Shostak, R.”: surnames and initials alternate; pair them up.
    if len(parts) >= 2 and len(parts) % 2 == 0 and all(_INITIALS.match(p) for p in parts[1::2]):
        return [
            f"{initials if initials.endswith('.') else initials + '.'} {surname}"
            for surname, initials in zip(parts[::2], parts[1::2], strict=True)
        ]
    # “Baumgart, Ingmar, and Sebastian Mies” (as Google Scholar cites): the first
    # author surname first, the others as written.
    if len(parts) >= 2 and " " not in parts[0] and all(" " in part for part in parts[2:]):
        return [f"{parts[1]} {parts[0]}", *parts[2:]]
    return parts


def _guess_kind(venue: str) -> str:
    text = venue.lower()
    if not text:
        return PaperKind.MISC
    if "arxiv" in text or "preprint" in text:
        return PaperKind.MISC
    if "thesis" in text or "dissertation" in text:
        return PaperKind.THESIS
    if "technical report" in text or "tech. rep" in text or "tech report" in text:
        return PaperKind.TECHREPORT
    if any(
        word in text
        for word in (
            "journal",
            "transactions",
            "communications",
            "magazine",
            "letters",
            "review",
            "news",
            "queue",
            "surveys",
        )
    ):
        return PaperKind.ARTICLE
    return PaperKind.INPROCEEDINGS


def title_from_link(reference: Reference) -> str:
    if reference.arxiv_id:
        return f"arXiv:{reference.arxiv_id}"
    if reference.doi:
        return f"DOI {reference.doi}"
    url = reference.pdf_url or reference.url
    name = PurePosixPath(unquote(split_url(url).path)).stem
    words = " ".join(re.split(r"[-_+]+", name)).strip()
    return words or split_url(url).hostname or url


def parse_reference(text: str) -> Reference:
    """One reference's text (links and all) as a Reference."""
    text = " ".join(text.split())
    reference = Reference(title="")
    link_title = ""
    for label, url in MD_LINK.findall(text):
        take_url(reference, url)
        if label.strip() and not label.strip().startswith(("http://", "https://", "/")):
            link_title = link_title or label.strip()
    # A link's text stays where the link was: it is often the title itself.
    text = MD_LINK.sub(lambda m: m.group(1) if not m.group(1).startswith("http") else "", text)
    for match in _DOI_TEXT.finditer(text):
        reference.doi = reference.doi or normalize_doi(match.group(1).rstrip(".,;"))
    for match in _ARXIV_TEXT.finditer(text):
        reference.arxiv_id = reference.arxiv_id or normalize_arxiv_id(match.group(1))
    for url in BARE_URL.findall(text):
        take_url(reference, url)
    for path in SITE_FILE.findall(text):
        take_url(reference, path)
    text = SITE_FILE.sub("", _DOI_TEXT.sub("", BARE_URL.sub("", text)))
    text = re.sub(r"\s+", " ", text).strip(" ,;")

    authors, venue_part = "", ""
    if quoted := _QUOTED.search(text):
        reference.title = quoted.group("title").strip().rstrip(".,")
        authors = text[: quoted.start()]
        venue_part = text[quoted.end() :]
    elif link_title and link_title in text:
        reference.title = link_title.rstrip(".,")
        authors, _, venue_part = text.partition(link_title)
    else:
        sentences = [part for part in re.split(r"(?<=[^A-Z])\.\s+", text) if part.strip()]
        if len(sentences) >= 3:
            authors, reference.title = sentences[0], sentences[1].strip().rstrip(".")
            venue_part = ". ".join(sentences[2:])
        elif sentences:
            reference.title = sentences[0].strip().rstrip(".")
            venue_part = ". ".join(sentences[1:])
    if years := YEAR.findall(venue_part):
        reference.year = int(years[-1])
        venue_part = (
            venue_part[: venue_part.rfind(years[-1])]
            + venue_part[venue_part.rfind(years[-1]) + 4 :]
        )
    # What the year leaves behind: “Venue ()”, “Venue, .”.
    venue = re.sub(r"\(\s*\)|\[\s*\]", "", venue_part)
    venue = re.sub(r"\s+([,.;:])", r"\1", " ".join(venue.split())).strip(" ,.;:")
    venue = re.sub(r"^In\s+", "", venue)
    venue = re.sub(r"([,.;:])(?:\s*[,.;:])+", r"\1", venue).strip(" ,.;:")
    reference.venue = venue[:300]
    reference.authors = _split_authors(authors)
    reference.kind = _guess_kind(reference.venue)
    if not reference.title:
        reference.title = title_from_link(reference)
        reference.title_guessed = True
    reference.title = reference.title[:500]
    return reference


def in_code(lines: list[str]) -> list[bool]:
    flags, fence = [], None
    for line in lines:
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            flags.append(True)
        elif fence is not None:
            flags.append(True)
            if line.strip().startswith(fence):
                fence = None
        else:
            flags.append(False)
    return flags


def reference_entries(
    lines: list[str], *, ordered: bool, any_link: bool
) -> list[tuple[int, int, str]]:
    """(first line, last line, text) of each reference in `lines`."""
    entries: list[list] = []
    current = numbered_entry = None
    previous_blank = True
    for index, line in enumerate(lines):
        if not line.strip():
            previous_blank, current = True, None
            continue
        numbered = NUMBERED.match(line) or (ordered and _ORDERED.match(line))
        bullet = _BULLET.match(line)
        if numbered:
            current = numbered_entry = [index, index, numbered.group("text")]
            entries.append(current)
        elif current is not None and not bullet and not previous_blank:
            # A wrapped line or the URL on the line after the reference.
            current[1], current[2] = index, current[2] + " " + line.strip()
        elif numbered_entry is not None and not bullet and _BARE_LINE.match(line):
            # A link set apart by a blank line still belongs to the numbered reference above.
            current = numbered_entry
            current[1], current[2] = index, current[2] + " " + line.strip()
        elif bullet or _BARE_LINE.match(line):
            text = bullet.group("text") if bullet else line.strip()
            urls = [url for _, url in MD_LINK.findall(text)] + BARE_URL.findall(text)
            if _BARE_LINE.match(line):
                urls.append(line.strip(" -*+<>"))
            if urls and (any_link or any(looks_like_paper(url) for url in urls)):
                current = [index, index, text]
                entries.append(current)
            else:
                current = numbered_entry = None
        else:
            current = numbered_entry = None
        previous_blank = False
    return [tuple(entry) for entry in entries]


def reference_region(lines: list[str], code: list[bool]) -> tuple[int, int] | None:
    """The lines holding the references: a References section, or what follows the last rule."""
    for index in range(len(lines) - 1, -1, -1):
        match = not code[index] and _REFERENCES_HEADING.match(lines[index])
        if match:
            level = len(match.group("hashes") or "######")
            end = len(lines)
            for later in range(index + 1, len(lines)):
                heading = not code[later] and HEADING.match(lines[later])
                if heading and len(heading.group(1)) <= level:
                    end = later
                    break
            return index, end
    for index in range(len(lines) - 1, -1, -1):
        # “text\n---” underlines a heading; a rule stands after a blank line.
        if (
            not code[index]
            and RULE.match(lines[index])
            and (index == 0 or not lines[index - 1].strip())
        ):
            return index, len(lines)
    return None


def without_closing_rule(lines: list[str]) -> list[str]:
    # The rule that set the references apart has nothing left to separate.
    while lines and (not lines[-1].strip() or RULE.match(lines[-1])):
        lines = lines[:-1]
    return lines


def paragraphs(*chunks: list[str]) -> str:
    """The chunks of lines that hold text, a blank line between them."""
    lines: list[str] = []
    for chunk in chunks:
        text = "\n".join(chunk).strip("\n")
        if text.strip():
            lines += ["", text] if lines else [text]
    return joined_lines(lines)


def joined_lines(lines: list[str]) -> str:
    text = "\n".join(without_closing_rule(lines)).strip()
    return text + "\n" if text else ""
