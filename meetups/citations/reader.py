"""Which reader a piece of text needs, and a paste cut into its citations."""

import re

from meetups.bibtex import parse_bibtex
from meetups.citations.formatted import read_formatted
from meetups.citations.links import read_identifier
from meetups.citations.model import Citation, CitationError
from meetups.enums import PaperKind

# Larger pastes are refused before reading: nobody pastes a library this size by hand.
MAX_PASTE_CHARACTERS = 1_000_000

_BIBTEX_START = re.compile(r"@\s*[a-zA-Z]+\s*[{(]")
_LIST_MARKER = re.compile(r"^\s*(?:\[\d+\]|\(\d+\)|\d{1,3}[.)]\s|[-*•+]\s)")
# How a reference starts: “Lamport, L.”, “Van Renesse, Robbert”, “G. DeCandia”, “Leslie Lamport and”.
_NAME = r"[A-Z][\w'’\-]+"
_REFERENCE_START = re.compile(
    rf"^(?:(?:[a-z]+\s)?{_NAME}(?:\s{_NAME})?,\s+[A-Z]|[A-Z]\.(?:\s?-?[A-Z]\.)*\s+{_NAME}"
    rf"|{_NAME}\s+(?:[A-Z]\.\s+)?{_NAME}(?:,|\s+and\s|\s+et\s+al))"
)


def _from_bibtex(text: str) -> Citation:
    parsed, problems = parse_bibtex(text)
    if not parsed:
        message = str(problems[0].message) if problems else "it is not a BibTeX entry."
        raise CitationError(f"The BibTeX entry could not be read: {message}", Citation(source=text))
    fields = parsed[0].fields
    citation = Citation(
        title=fields["title"],
        authors=[name for name in fields["authors"].split("\n") if name],
        year=fields["year"],
        venue=fields["venue"],
        kind=PaperKind(fields["kind"]),
        doi=fields["doi"],
        arxiv_id=fields["arxiv_id"],
        url=fields["url"],
        pdf_url=fields["pdf_url"],
        abstract=fields["abstract"],
        source=text,
    )
    citation.notes.extend(str(problem) for problem in problems)
    return citation


def read_citation(text: str) -> Citation:
    """
    The citation that `text` (one DOI, arXiv id, link, BibTeX entry or formatted
    reference) gives; raises CitationError when nothing useful can be read.
    """
    text = (text or "").strip()
    if not text:
        raise CitationError("There is nothing to read.", Citation(source=text))
    if _BIBTEX_START.match(text):
        return _from_bibtex(text)
    identified = read_identifier(text)
    if identified is not None and not identified.has_identifier:
        raise CitationError("It is not a valid link, DOI or arXiv id.", identified)
    if identified is not None:
        if identified.url and not (identified.doi or identified.arxiv_id or identified.venue):
            identified.notes.append("Only the link is known: its title needs checking.")
        return identified
    citation = read_formatted(text)
    if not citation.title:
        raise CitationError("No title could be found in it.", citation)
    if not (citation.authors or citation.year or citation.venue or citation.has_identifier):
        raise CitationError(
            "Only a title could be read (no authors, year, venue or link): "
            "paste the whole reference.",
            citation,
        )
    return citation


def _bibtex_entries(text: str) -> list[tuple[int, int]]:
    """(start, end) of each BibTeX entry, by matching its braces."""
    spans = []
    for match in _BIBTEX_START.finditer(text):
        if spans and match.start() < spans[-1][1]:
            continue
        if match.start() > 0 and text[match.start() - 1] not in "\n\r \t":
            continue
        depth, index = 0, match.end() - 1
        opening = text[index]
        closing = "}" if opening == "{" else ")"
        while index < len(text):
            character = text[index]
            if character == opening or (character == "{" and opening == "("):
                depth += 1
            elif character == closing or (character == "}" and opening == "("):
                depth -= 1
                if depth == 0:
                    break
            index += 1
        spans.append((match.start(), min(index + 1, len(text))))
    return spans


def _references(block: str) -> list[str]:
    """The citations of one paragraph: one per line, unless lines continue a reference."""
    lines = [line.strip() for line in block.splitlines() if line.strip()]
    if len(lines) <= 1:
        return lines
    pieces: list[str] = []
    for line in lines:
        standalone = read_identifier(line) is not None
        starts_item = bool(_LIST_MARKER.match(line))
        # A line ending a sentence ends the reference only if the next one starts another.
        previous_whole = pieces and (
            read_identifier(pieces[-1]) is not None
            or (re.search(r"[.)]\s*$", pieces[-1]) and _REFERENCE_START.match(line))
        )
        if not pieces or standalone or starts_item or previous_whole:
            # A reference and its link on the next line are one citation.
            if standalone and len(lines) == 2 and pieces and read_identifier(pieces[-1]) is None:
                pieces[-1] = f"{pieces[-1]} {line}"
            else:
                pieces.append(line)
        else:
            pieces[-1] = f"{pieces[-1]} {line}"
    return pieces


def read_citations(text: str) -> list[Citation | CitationError]:
    """
    Every citation of a paste, in order: BibTeX entries, and one DOI, arXiv id,
    link or reference per line or paragraph. What cannot be read is a
    CitationError in its place.
    """
    text = text or ""
    if len(text) > MAX_PASTE_CHARACTERS:
        raise CitationError(
            f"The text is too long ({len(text):,} characters; at most "
            f"{MAX_PASTE_CHARACTERS:,}): paste fewer citations at a time."
        )
    pieces: list[str] = []
    position = 0
    for start, end in [*_bibtex_entries(text), (len(text), len(text))]:
        between = text[position:start]
        for block in re.split(r"\n\s*\n", between):
            pieces.extend(_references(block))
        if start < end:
            pieces.append(text[start:end])
        position = end
    results: list[Citation | CitationError] = []
    for piece in pieces:
        try:
            results.append(read_citation(piece))
        except CitationError as error:
            results.append(error)
    return results
