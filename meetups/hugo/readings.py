"""
The reading list of a paper-club post, read the way a person reads the post.

A link or reference is a reading when the post says so, by one of these rules
(the first that applies decides, and the import summary names it):

- it is under a heading or after an introduction that names something else
  (“Further reading”, “alternative papers we did not pick”, “Next time”): not a reading;
- it points at material, not a paper (a recording, slides, the session's notes,
  GitHub, a social network, an encyclopedia), or its text says so (“slides”,
  “recording”, “#42”): not a reading;
- it is a numbered reference (“[1] Author, "Title." …”) in the post's reference
  list: a reading, unless the text cites it only in passing (“as in Paxos [3]”);
- a link whose text is a whole formatted reference, or a formatted reference
  standing as its own paragraph or blockquote (its URL may follow on the next
  line): a reading;
- a person's name linking to a site's front page: a homepage, not a reading;
- a link listed or placed after an introduction that names the readings
  (“This time we read:”, “the following two articles:”, “Papers:”), or under a
  heading that does (“Reading”): a reading;
- a link in a sentence that cites it in passing (“see”, “builds on”, “came up”):
  not a reading;
- a link in a sentence that says it was read (“we read”, “we discussed”,
  “this time”), or a title in italics or quotes, or one with a “[n]” marker:
  a reading;
- a link to a paper (a PDF, arXiv, a DOI, a publisher) standing alone on its
  line: a reading; any other link stays a link of the write-up.

When the post has a reference list, only the strong rules (whole references,
introduced lists) add readings from the text around it.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from meetups.citations import CitationError, read_citation
from meetups.hugo import cues
from meetups.hugo.blocks import (
    CLAUSE_END,
    SENTENCE_END,
    Block,
    Link,
    around,
    clean_label,
    links_in,
    links_inline,
    mask,
    masked_text,
    post_blocks,
)
from meetups.hugo.references import (
    BARE_URL,
    HEADING,
    MD_LINK,
    NUMBERED,
    SITE_FILE,
    YEAR,
    Reference,
    in_code,
    joined_lines,
    looks_like_paper,
    paragraphs,
    reference_entries,
    reference_region,
    split_url,
    take_url,
    title_from_link,
    without_closing_rule,
)
from meetups.hugo.references import parse_reference as _parse_reference

# A formatted reference: “Surname, Given …” or “Given Surname, …” before a quoted title,
# “(2001). Title.” (APA) or “, 2001. Title.” (Harvard).
_AUTHOR_START = r"^(?:[A-Z][\w'’-]+(?: [a-z]{1,3})?(?: [A-Z][\w'’-]+)?, (?:[A-Z][\w'’-]*\.?)|(?:[A-Z][\w.'’-]* ){1,3}[A-Z][\w'’-]+(?:,| and| et al))"
_REFERENCE_SHAPES = (
    re.compile(_AUTHOR_START + r".{0,300}?[\"“][^\"“”]{8,}[\"”]"),
    re.compile(_AUTHOR_START + r".{0,300}?\(\d{4}[a-z]?\)\.\s+\S"),
    re.compile(_AUTHOR_START + r".{0,300}?,? \d{4}[a-z]?\.\s+[A-Z]"),
)


def looks_like_reference(text: str) -> bool:
    """Whether `text` is a whole formatted reference (authors, a title and a year)."""
    text = " ".join(text.split()).lstrip("*_> ")
    if len(text) > 700 or not YEAR.search(text):
        return False
    return any(shape.match(text) for shape in _REFERENCE_SHAPES)


def _names_something(label: str) -> bool:
    """Whether a link's text may be a title: not “PDF”, “here”, an address or “OSDI 2006”."""
    label = clean_label(label)
    return (
        bool(label)
        and not cues.GENERIC_LABEL.match(label)
        and not cues.VENUE_LABEL.match(label)
        and not label.startswith(("http", "/"))
    )


def _take_link(reference: Reference, url: str) -> None:
    """Put `url` where it belongs in `reference`: its DOI, arXiv id, page or PDF."""
    if not url.startswith("/"):
        try:
            found = read_citation(url)
        except CitationError:
            found = None
        if found is not None:
            for name in ("doi", "arxiv_id", "url", "pdf_url"):
                if getattr(found, name) and not getattr(reference, name):
                    setattr(reference, name, getattr(found, name))
            if found.doi or found.arxiv_id or found.url or found.pdf_url:
                return
    take_url(reference, url)


def read_reference(text: str) -> Reference:
    """
    One formatted reference (with its links) as a Reference, read by the citation
    reader; what it cannot read, the older reference parsing tries.
    """
    text = " ".join(text.split())
    urls = [url for _, url in MD_LINK.findall(text)]
    # A link's text stays where the link was when it names something (often the title).
    words = MD_LINK.sub(lambda m: m.group(1) if _names_something(m.group(1)) else " ", text)
    for pattern in (BARE_URL, SITE_FILE):
        urls += pattern.findall(words)
        words = pattern.sub(" ", words)
    try:
        citation = read_citation(" ".join(words.split()).strip(" ,;"))
    except CitationError:
        return _parse_reference(text)
    reference = Reference(
        title=citation.title[:500],
        authors=list(citation.authors),
        venue=citation.venue[:300],
        year=citation.year,
        doi=citation.doi,
        arxiv_id=citation.arxiv_id,
        url=citation.url,
        pdf_url=citation.pdf_url,
        kind=citation.kind,
    )
    for url in urls:
        _take_link(reference, url)
    if not reference.title:
        reference.title = title_from_link(reference)
        reference.title_guessed = True
    return reference


def _material(url: str, label: str) -> str:
    """What the link points at when it is not a paper, or ""."""
    parts = split_url(url)
    host = (parts.hostname or "").lower()
    if parts.path.lower().endswith(".pdf"):
        return ""
    if host == "docs.google.com":
        return "slides" if "/presentation/" in parts.path else "a shared document"
    for known, what in cues.MATERIAL_HOSTS.items():
        if host == known or (host.endswith("." + known) and not known.startswith("www.")):
            return what
    if label and len(label.split()) <= 5 and not looks_like_reference(label):
        for pattern, what in cues.MATERIAL_WORDS:
            if pattern.search(label):
                return what
    return ""


def _homepage(url: str, label: str) -> bool:
    parts = split_url(url)
    return (
        bool(parts.hostname)
        and bool(cues.PERSON.match(label))
        and bool(cues.FRONT_PAGE.match(parts.path))
    )


# --- judging ------------------------------------------------------------------------------


@dataclass
class _Verdict:
    reading: bool
    why: str
    strong: bool = False  # holds even beside a reference list


def _judge_link(link: Link, *, text: str, masked: str, block: Block, alone: bool) -> _Verdict:
    label = clean_label(link.label)
    sentence = around(masked, link.start, SENTENCE_END)
    clause = around(masked, link.start, CLAUSE_END)
    if block.heading and cues.ELSEWHERE_CUE.search(block.heading):
        return _Verdict(False, f"under the heading “{block.heading}”")
    if block.intro and cues.ELSEWHERE_CUE.search(block.intro):
        return _Verdict(False, f"after “{_short(block.intro)}”")
    if what := _material(link.url, label):
        return _Verdict(False, f"{what}, not a paper")
    if cues.ELSEWHERE_CUE.search(sentence):
        return _Verdict(False, f"the sentence “{_short(sentence)}” names another time or list")
    if label and looks_like_reference(label):
        return _Verdict(True, "a link whose text is a whole reference", strong=True)
    if label and _homepage(link.url, label):
        return _Verdict(False, "a person's homepage")
    if block.intro and cues.READING_CUE.search(block.intro):
        return _Verdict(True, f"listed after “{_short(block.intro)}”", strong=True)
    if block.heading and cues.READING_HEADING.match(block.heading):
        return _Verdict(True, f"under the heading “{block.heading}”", strong=True)
    if cues.PASSING_CUE.search(clause) or (
        not cues.READING_CUE.search(sentence) and cues.PASSING_CUE.search(sentence)
    ):
        return _Verdict(False, "cited in passing")
    if cues.READING_CUE.search(clause) or cues.READING_CUE.search(sentence):
        return _Verdict(True, f"in “{_short(sentence)}”")
    if link.emphasized or link.marker:
        return _Verdict(True, "a title in italics or quotes" if link.emphasized else "a cited link")
    if alone and looks_like_paper(link.url):
        return _Verdict(True, "a paper's link on a line of its own")
    return _Verdict(False, "a link with nothing saying it was read")


def _short(text: str) -> str:
    text = " ".join(text.replace("\x00", "…").split())
    text = re.sub(r"…+", "…", text).strip()
    return text if len(text) <= 60 else text[:57].rstrip() + "…"


def _reading_from_link(link: Link, *, item: str, masked: str, why: str, in_list: bool) -> Reference:
    """
    The reading a link names. Its title is the link's text, unless that names no
    title (“PDF”, “this one”): then the reference, the title in quotes or italics,
    or the other words of the list item around the link; else a guess from the link.
    """
    label = clean_label(link.label)
    if label and looks_like_reference(label):
        reference = read_reference(label)
        take_url(reference, link.url)
    else:
        reference = Reference(title="")
        take_url(reference, link.url)
        rest = clean_label(re.sub(r"[\x00()\[\]]+", " ", masked)).strip(" -–:,.")
        if _names_something(label):
            reference.title = label
        elif looks_like_reference(clean_label(masked.replace("\x00", " "))):
            found = read_reference(item)
            found.url, found.pdf_url, found.doi, found.arxiv_id = "", "", "", ""
            take_url(found, link.url)
            reference = found
        elif (quoted := re.search(r"[*_“\"]([^*_“”\"\x00]{8,})[*_”\"]", masked)) is not None:
            reference.title = quoted.group(1).strip().rstrip(".,")
        elif in_list and len(rest.split()) >= 2 and alone_item(masked):
            reference.title = rest
        if reference.title and not reference.year and (years := YEAR.findall(masked)):
            reference.year = int(years[-1])
    if not reference.title or reference.title_guessed:
        reference.title = title_from_link(reference)
        reference.title_guessed = True
    reference.why = why
    return reference


def alone_item(masked: str) -> bool:
    """Whether a text holds one link and a few words around it (a list item naming a paper)."""
    return masked.count("\x00") > 0 and len(masked.replace("\x00", "").split()) <= 15


# --- the post -----------------------------------------------------------------------------


@dataclass
class PostReading:
    readings: list[Reference]
    write_up: str
    # What was guessed, for the import summary: each reading found outside a reference
    # list and why, each link left out and why.
    notes: list[str] = field(default_factory=list)


@lru_cache(maxsize=4)
def _masked_prose(text: str) -> str:
    return masked_text(text)[0]


def _marker_sentences(text: str, number: str) -> list[str]:
    """The clauses of `text` that cite the reference numbered `number`."""
    masked = _masked_prose(text)
    clauses = []
    for match in re.finditer(rf"\\?\[{number}\\?\]", masked):
        clauses.append(around(masked, match.start(), CLAUSE_END))
    return clauses


def _judge_entry(text: str, *, cited_in: list[str]) -> _Verdict:
    """A numbered reference or an entry of the reference list."""
    links = links_in(text)
    urls = [link.url for link in links]
    if urls and not looks_like_reference(MD_LINK.sub(r"\1", text)):
        whats = [_material(link.url, clean_label(link.label)) for link in links]
        if all(whats):
            return _Verdict(False, f"{whats[0]}, not a paper")
    if cited_in and all(
        cues.PASSING_CUE.search(clause) and not cues.READING_CUE.search(clause)
        for clause in cited_in
    ):
        return _Verdict(False, "the text cites it only in passing")
    return _Verdict(True, "in the reference list")


def _label(text: str) -> str:
    return _short(MD_LINK.sub(r"\1", text))


def read_post(body: str) -> PostReading:
    """The post's readings in order, its write-up, and what was guessed on the way."""
    original = body.rstrip().split("\n")
    code = in_code(original)
    lines = links_inline(original, code)
    notes: list[str] = []
    readings: list[Reference] = []
    write_up = body
    hidden = {index for index, flag in enumerate(code) if flag}
    listed = False

    def take_entries(entries, offset, prose_lines):
        nonlocal listed
        prose = "\n".join(prose_lines)
        used = set()
        for first, last, text in entries:
            number = NUMBERED.match(lines[offset + first])
            cited = _marker_sentences(prose, number.group(1)) if number else []
            verdict = _judge_entry(text, cited_in=cited)
            lines_of = set(range(offset + first, offset + last + 1))
            hidden.update(lines_of)
            if not verdict.reading:
                notes.append(f"not a reading, kept as a link: “{_label(text)}” ({verdict.why}).")
                continue
            reference = read_reference(text)
            if not reference.title:
                used |= lines_of  # a number with nothing after it names no paper
                continue
            reference.why = verdict.why
            readings.append(reference)
            used |= lines_of
        listed = listed or bool(readings)
        return used

    region = reference_region(lines, code)
    if region is not None:
        start, end = region
        for index in range(start + 1, end):
            heading = not code[index] and HEADING.match(lines[index])
            if heading and cues.ELSEWHERE_CUE.search(lines[index]):
                end = index
                break
        section = lines[start + 1 : end]
        entries = reference_entries(section, ordered=True, any_link=True)
        used = take_entries(entries, start + 1, lines[:start])
        if readings:
            hidden.update(range(start, end))
            rest: list[str] = []
            for index, line in enumerate(original[start + 1 : end]):
                if index + start + 1 not in used and (line.strip() or (rest and rest[-1].strip())):
                    rest.append(line)
            write_up = paragraphs(without_closing_rule(original[:start]), rest, original[end:])
    if not readings:
        hidden = {index for index, flag in enumerate(code) if flag}
        visible = ["" if index in hidden else line for index, line in enumerate(lines)]
        numbered = [
            entry
            for entry in reference_entries(visible, ordered=False, any_link=False)
            if NUMBERED.match(visible[entry[0]])
        ]
        notes.clear()
        used = take_entries(numbered, 0, [line for line in visible if not NUMBERED.match(line)])
        if readings:
            write_up = joined_lines(
                [line for index, line in enumerate(original) if index not in used]
            )
        else:
            hidden = {index for index, flag in enumerate(code) if flag}
    readings += _readings_in_text(lines, hidden, notes, strong_only=listed)
    return PostReading(_unique(readings), write_up, notes)


def _readings_in_text(
    lines: list[str], hidden: set[int], notes: list[str], *, strong_only: bool
) -> list[Reference]:
    found: list[Reference] = []
    blocks = post_blocks(lines, hidden)
    pending: Reference | None = None  # a reference paragraph still waiting for its link
    for block in blocks:
        if block.kind in {"heading", "rule"}:
            pending = None
            continue
        for item in block.items():
            masked, links = masked_text(item)
            if pending is not None and links and not masked.replace("\x00", "").strip():
                # The paper's URL on the line after its reference.
                for link in links:
                    take_url(pending, link.url)
                pending = None
                continue
            pending = None
            # The item's own text, without its bare links and links named “PDF”.
            unnamed = [link for link in links if not _names_something(link.label)]
            if looks_like_reference(mask(item, unnamed).replace("\x00", " ")):
                elsewhere = next(
                    (
                        text
                        for text in (block.heading, block.intro)
                        if cues.ELSEWHERE_CUE.search(text)
                    ),
                    "",
                )
                if elsewhere:
                    notes.append(
                        f"not a reading, kept as written: “{_short(item)}” "
                        f"(after “{_short(elsewhere)}”)."
                    )
                    continue
                reference = read_reference(item)
                reference.why = "a reference standing on its own"
                found.append(reference)
                notes.append(f"read “{reference.title}” as a reading: {reference.why}.")
                if not links:
                    pending = reference
                continue
            alone = len(links) == 1 and not masked.replace("\x00", "").strip(" *_.,;:-–()")
            for link in links:
                verdict = _judge_link(link, text=item, masked=masked, block=block, alone=alone)
                name = clean_label(link.label) or link.url
                if not verdict.reading or (strong_only and not verdict.strong):
                    why = verdict.why if not verdict.reading else "beside the reference list"
                    notes.append(f"not a reading, kept as a link: “{_short(name)}” ({why}).")
                    continue
                # Where the title may be, when the link's text is none: the list item, or
                # the sentence around the link.
                context = (
                    masked
                    if block.kind == "list" or alone
                    else around(masked, link.start, SENTENCE_END)
                )
                reference = _reading_from_link(
                    link,
                    item=item,
                    masked=context,
                    why=verdict.why,
                    in_list=block.kind == "list",
                )
                found.append(reference)
                notes.append(f"read “{reference.title}” as a reading: {verdict.why}.")
    return found


def _key(reference: Reference) -> set[str]:
    keys = {
        value
        for value in (reference.doi.lower(), reference.arxiv_id, reference.url, reference.pdf_url)
        if value
    }
    if not reference.title_guessed:
        keys.add("title:" + re.sub(r"\W+", " ", reference.title.casefold()).strip())
    return keys


def _unique(readings: list[Reference]) -> list[Reference]:
    """Each paper once, where it first appears; a later mention fills in what is missing."""
    kept: list[Reference] = []
    by_key: dict[str, Reference] = {}
    for reference in readings:
        keys = _key(reference)
        twin = next((by_key[key] for key in keys if key in by_key), None)
        if twin is None:
            kept.append(reference)
            by_key.update(dict.fromkeys(keys, reference))
            continue
        for name in ("doi", "arxiv_id", "url", "pdf_url", "venue"):
            if not getattr(twin, name) and getattr(reference, name):
                setattr(twin, name, getattr(reference, name))
        if twin.title_guessed and not reference.title_guessed:
            twin.title, twin.title_guessed = reference.title, False
    return kept
