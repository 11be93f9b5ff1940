"""
A post's Markdown as a person reads it: blocks (headings, paragraphs, lists,
blockquotes) under their headings and after what introduces them, the links in
a text (inline, reference-style, HTML, bare), and the sentence or clause
around a link, with the other links blanked out so that their text (a title,
a whole reference) is not read as the sentence's words.
"""

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from meetups.hugo.references import BARE_URL, HEADING, MD_LINK, RULE, SITE_FILE

# A sentence ends at “. ” before a capital, unless the full stop ends “et al.” or “e.g.”.
SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\bal\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bcf\.)(?<!\bvs\.)"
    r"\s+(?=[A-Z*_“\"(\[])"
)
CLAUSE_END = re.compile(r"[,;:()]|\s(?:and|but|which|while|whereas)\s")
EMPHASIS = "*_"
QUOTES = "\"“”'‘’"


def clean_label(label: str) -> str:
    """A link's text without the italics, quotes and closing stop around it."""
    label = " ".join(label.split())
    while label and (label[0] in EMPHASIS + QUOTES and label[-1] in EMPHASIS + QUOTES):
        label = label[1:-1].strip()
    return label.rstrip(".,;")


# --- the post as blocks -------------------------------------------------------------------


_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+")


@dataclass
class Block:
    kind: str  # "heading", "rule", "list", "quote", "paragraph"
    start: int
    lines: list[str]
    heading: str = ""  # the heading the block stands under
    intro: str = ""  # what the block before it says, when that introduces it

    def items(self) -> list[str]:
        """The block's text: one string per list item, or the whole block."""
        if self.kind == "quote":
            return [" ".join(re.sub(r"^[ \t]*>[ \t]?", "", line) for line in self.lines)]
        if self.kind != "list":
            return [" ".join(line.strip() for line in self.lines)]
        items: list[str] = []
        for line in self.lines:
            if _ITEM.match(line) or not items:
                items.append(_ITEM.sub("", line).strip())
            else:
                items[-1] += " " + line.strip()
        return items


def post_blocks(lines: list[str], hidden: set[int]) -> list[Block]:
    blocks: list[Block] = []
    current: Block | None = None
    for index, line in enumerate(lines):
        if index in hidden or not line.strip():
            current = None
            continue
        if HEADING.match(line):
            blocks.append(Block("heading", index, [line]))
            current = None
            continue
        if RULE.match(line):
            blocks.append(Block("rule", index, [line]))
            current = None
            continue
        kind = (
            "list"
            if _ITEM.match(line)
            else "quote"
            if line.lstrip().startswith(">")
            else "paragraph"
        )
        if current is not None and (current.kind == kind or kind == "paragraph"):
            current.lines.append(line)
            continue
        current = Block(kind, index, [line])
        blocks.append(current)
    heading, previous = "", None
    for block in blocks:
        if block.kind == "heading":
            heading = block.lines[0].strip().lstrip("#").strip().strip("*").strip()
            previous = None
            continue
        block.heading = heading
        if previous is not None and previous.kind in {"paragraph", "quote"}:
            text = previous.items()[-1].strip()
            if block.kind == "list" or text.endswith(":"):
                block.intro = last_sentence(text)
        previous = block if block.kind != "rule" else None
    return blocks


def last_sentence(text: str) -> str:
    """The last sentence of `text`, its links left out."""
    masked = masked_text(text)[0].rstrip()
    return SENTENCE_END.split(masked)[-1].replace("\x00", "").strip() if masked else ""


# --- links inside a text ------------------------------------------------------------------


@dataclass
class Link:
    label: str  # as written, "" for a bare URL
    url: str
    start: int
    end: int
    emphasized: bool = False  # *[Title](url)*, [*Title*](url), “[Title](url)”
    marker: bool = False  # [Title](url) [1]


def links_in(text: str) -> list[Link]:
    found: list[Link] = []
    for match in MD_LINK.finditer(text):
        label = match.group(1)
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end() : match.end() + 1]
        emphasized = (
            bool(before and after) and before in EMPHASIS + QUOTES and after in EMPHASIS + QUOTES
        ) or (len(label) > 2 and label[0] in EMPHASIS + QUOTES and label[-1] in EMPHASIS + QUOTES)
        marker = bool(re.match(r"[*_”\"]?\s*\\?\[\d{1,3}\\?\]", text[match.end() :]))
        found.append(Link(label, match.group(2), match.start(), match.end(), emphasized, marker))
    masked = mask(text, found)
    for pattern in (BARE_URL, SITE_FILE):
        for match in pattern.finditer(masked):
            found.append(Link("", match.group(1), match.start(), match.end()))
        masked = mask(masked, found)
    return sorted(found, key=lambda link: link.start)


def mask(text: str, links: list[Link]) -> str:
    """`text` with each of `links` blanked out (NUL characters, the same length)."""
    parts, done = [], 0
    for link in sorted(links, key=lambda link: link.start):
        if link.start < done:
            continue
        parts += [text[done : link.start], "\x00" * (link.end - link.start)]
        done = link.end
    return "".join([*parts, text[done:]])


def masked_text(text: str) -> tuple[str, list[Link]]:
    links = links_in(text)
    return mask(text, links), links


@lru_cache(maxsize=16)
def _boundaries(masked: str, boundary: re.Pattern) -> tuple[list[int], list[int]]:
    """(starts, ends) of the sentence or clause boundaries in `masked`, in order."""
    matches = list(boundary.finditer(masked))
    return [match.start() for match in matches], [match.end() for match in matches]


def around(masked: str, position: int, boundary: re.Pattern) -> str:
    """The sentence (or clause) of `masked` that holds `position`."""
    starts, ends = _boundaries(masked, boundary)
    before = bisect_right(ends, position)
    after = bisect_right(starts, position)
    start = ends[before - 1] if before else 0
    return masked[start : starts[after]] if after < len(starts) else masked[start:]


_DEFINITION = re.compile(r"^[ \t]{0,3}\[([^\]\n]+)\]:[ \t]*<?(\S+?)>?(?:[ \t]+[\"'(].*)?[ \t]*$")
_REFERENCE_LINK = re.compile(r"\[([^\]\n]+)\][ \t]?\[([^\]\n]*)\]")


_HTML_LINK = re.compile(
    r"<a\s[^>\n]*?href\s*=\s*[\"']([^\"'\n]+)[\"'][^>\n]*>([^<\n]*)</a>", re.IGNORECASE
)


def links_inline(lines: list[str], code: list[bool]) -> list[str]:
    """
    `lines` with HTML links and reference-style links (“[Title][log]” and
    “[log]: https://…” below) written as Markdown inline links, and the
    definitions blanked: they are read like any other link.
    """
    lines = [
        line if flag else _HTML_LINK.sub(lambda m: f"[{m.group(2)}]({m.group(1)})", line)
        for line, flag in zip(lines, code, strict=True)
    ]
    targets = {}
    for line, flag in zip(lines, code, strict=True):
        if not flag and (match := _DEFINITION.match(line)):
            targets.setdefault(match.group(1).strip().lower(), match.group(2))
    if not targets:
        return lines

    def inline(match: re.Match) -> str:
        name = (match.group(2) or match.group(1)).strip().lower()
        target = targets.get(name)
        return f"[{match.group(1)}]({target})" if target else match.group(0)

    return [
        line if flag else "" if _DEFINITION.match(line) else _REFERENCE_LINK.sub(inline, line)
        for line, flag in zip(lines, code, strict=True)
    ]
