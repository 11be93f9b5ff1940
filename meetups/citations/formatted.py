"""
A formatted reference, read by rules: the styles Google Scholar copies out
(MLA, APA, Chicago, Harvard), IEEE, and the looser ways people write them.

The reader first takes out what is unambiguous (links, DOIs, arXiv ids,
BibTeX braces, italics markers), then finds where the authors end and the
title begins, from the strongest sign to the weakest:
1. a title in quotes (MLA, Chicago, IEEE): authors before, venue after;
2. a year right after the authors (APA “(2001).”, Harvard “, 2001.”,
   Chicago author-date “. 2001.”): the title is the sentence after it;
3. a title in italics (a book in MLA);
4. otherwise sentences: authors, title, venue.
The venue is what follows the title up to its volume, issue, pages or year.
"""

import re

from pylatexenc.latex2text import LatexNodes2Text

from meetups.citations.links import ARXIV_IN_TEXT, DOI_IN_TEXT, URL_IN_TEXT, clean_doi, read_link
from meetups.citations.model import Citation
from meetups.citations.names import read_authors
from meetups.enums import PaperKind
from meetups.identifiers import normalize_arxiv_id

_latex = LatexNodes2Text(math_mode="verbatim", keep_braced_groups=False)

_LIST_MARKER = re.compile(r"^\s*(?:\[\d+\]|\(\d+\)|\d{1,3}[.)]\s|[-*•+]\s)\s*")
_ITALICS = re.compile(
    r"<(?:i|em)>(.+?)</(?:i|em)>|(?<![\w*])\*{1,2}([^*]+?)\*{1,2}(?![\w*])|(?<!\w)_([^_]+?)_(?!\w)"
)
_QUOTED = re.compile(
    r"“([^”]{3,}?)”|``(.{3,}?)''|‘‘(.{3,}?)’’"
    # Straight quotes may nest (“How the "rules" have changed”): a title ends with . , ? !
    r"|\"(.{3,}?[.,?!])\"(?=\s|$)|\"([^\"]{3,}?)\""
    # Harvard's single quotes; an apostrophe inside (“Amazon’s”) is followed by a letter.
    r"|‘(.{3,}?)’(?=[,.;:]?(?:\s|$))"
)
_YEAR = r"(1[89]\d{2}|20\d{2})[a-z]?"
# The year right after the authors, in the author-date styles.
_YEAR_AFTER_AUTHORS = [
    re.compile(rf"\s*\(\s*{_YEAR}(?:,\s*[A-Z][a-z]+\.?(?:\s+\d{{1,2}})?)?\s*\)\s*[.,:]?\s+"),  # APA
    re.compile(rf",\s*{_YEAR}(?:,\s*[A-Z][a-z]+(?:\s+\d{{1,2}})?)?\.\s+"),  # Harvard
    re.compile(rf"\.\s+{_YEAR}\.\s+"),  # Chicago author-date
]
# Vancouver: “Lamport L, Shostak R, Pease M. Title. Venue. 1982;4(3):382-401.”
_VANCOUVER_AUTHORS = re.compile(
    r"^(?:[A-Z][\w'’\-]+ ){1,2}[A-Z]{1,3}(?:,\s+(?:[A-Z][\w'’\-]+ ){1,2}[A-Z]{1,3})*"
    r"(?:,?\s+et al)?\.\s+"
)
_ANY_YEAR = re.compile(rf"(?<![\d./-]){_YEAR}(?![\d/-])")
_ABBREVIATIONS = {
    "proc", "conf", "symp", "int", "intl", "trans", "j", "syst", "comput", "oper", "rev",
    "commun", "sci", "eng", "distrib", "assoc", "mach", "inf", "softw", "lett", "netw",
    "appl", "theor", "math", "ann", "annu", "natl", "acad", "adv", "res", "dev", "vol", "no",
    "pp", "ed", "eds", "vs", "jr", "dept", "univ", "tech", "rep", "lect", "mag", "am", "soc",
    "inst", "technol", "electron", "sec", "priv", "program", "lang", "cryptol", "manag",
    "st", "al", "e.g", "i.e", "cf", "fig", "ch", "sect", "diss", "rec",
}  # fmt: skip
_VENUE_ENDS = [
    re.compile(r",?\s+vol\.\s*\d", re.IGNORECASE),  # IEEE
    re.compile(r"\s*\(\s*(?:vol|no)\.\s*\d", re.IGNORECASE),  # OSDI (Vol. 4, …)
    re.compile(r",?\s+\d+\s*\.\s*\d+\s*\("),  # MLA 41.6 (2007)
    re.compile(r",?\s+\d+\s*,\s*no\.\s*\d+"),  # Chicago 41, no. 6
    re.compile(r",?\s+\d+\s*\(\s*\d+(?:[-–]\d+)?\s*\)\s*(?:[,:]|$)"),  # APA 41(6),
    re.compile(r",?\s+\d+\s*\(\s*(?:1[89]|20)\d{2}\s*\)"),  # MLA 32 (2001)
    re.compile(r",?\s+\d+\s*,\s*(?:pp\.\s*)?\d+\s*[-–—]+\s*\d+"),  # APA 41, 205-220
    re.compile(r",?\s+\(?\s*pp?\.\s*\d+"),  # (pp. 305-319) / pp.205
    re.compile(rf",?\s*\(\s*{_YEAR}\s*\)"),  # (2007)
    re.compile(rf"[.,]\s+{_YEAR}\s*(?:[.,:;]|$)"),  # , 2007. / . 2014.
    re.compile(r",?\s+\d+\s*[-–—]+\s*\d+\s*\.?\s*$"),  # 205–220.
    re.compile(r"\s*:\s*\d+\s*[-–—]+\s*\d+"),  # : 205-220
]
_PUBLISHERS = re.compile(
    r"\b(?:press|o'reilly|o’reilly|addison[- ]wesley|wiley|prentice|morgan kaufmann|"
    r"pearson|mcgraw|manning|no starch|pragmatic|elsevier|springer(?:-verlag)?|publishing|"
    r"publishers|books)\b",
    re.IGNORECASE,
)
_CONFERENCE_NAMES = re.compile(
    r"\b(?:osdi|sosp|nsdi|atc|eurosys|sigcomm|podc|sigmod|vldb|icde|fast|ccs|dsn|middleware|"
    r"iptps|crypto|eurocrypt|asplos|isca|socc|hotos|hotnets|disc|opodis|ndss|s&p|usenix security|"
    r"cidr|ppopp|pldi|popl|icfp|oopsla|spaa|stoc|focs|www|kdd|neurips|nips|icml|iclr|mlsys)\b",
    re.IGNORECASE,
)


def _tidy(text: str) -> str:
    """One line, no BibTeX braces or LaTeX accents, no list marker in front."""
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    if "\\" in text:
        text = _latex.latex_to_text(text)
    text = text.replace("{", "").replace("}", "").replace("--", "–")
    text = " ".join(text.split())
    return _LIST_MARKER.sub("", text, count=1)


def _take_links(text: str, citation: Citation) -> str:
    """Move links, DOIs and arXiv ids from `text` to `citation`; the text without them."""

    def link(match):
        found = read_link(match.group(0))
        for name in ("doi", "arxiv_id", "url", "pdf_url"):
            if getattr(found, name) and not getattr(citation, name):
                setattr(citation, name, getattr(found, name))
        return "\x00"

    text = re.sub(rf"<?(?:{URL_IN_TEXT.pattern})>?", link, text, flags=re.IGNORECASE)
    # What introduced the link (“[Online]. Available:”, “Retrieved from”), and an access date.
    text = re.sub(
        r"(?:\[online\]\.?\s*)?(?:available(?:\s+(?:at|from|online))?|retrieved\s+from|url)"
        r"\s*:?\s*(?=\x00)",
        "",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"[\[(]\s*(?:last\s+)?accessed[^\])]*[\])]\.?", "", text, flags=re.IGNORECASE)

    def doi(match):
        if not citation.doi:
            citation.doi = clean_doi(match.group(1))
        return "\x00"

    text = re.sub(r"(?:\bdoi\s*:?\s*)?" + DOI_IN_TEXT.pattern, doi, text, flags=re.IGNORECASE)

    def arxiv(match):
        if not citation.arxiv_id:
            citation.arxiv_id = normalize_arxiv_id(match.group(1))
        return "arXiv"

    text = re.sub(r"(?:arxiv\s+preprint\s+)?" + ARXIV_IN_TEXT.pattern, arxiv, text, flags=re.I)
    text = re.sub(r"\bCoRR,?\s+abs/(\d{4}\.\d{4,5})", arxiv, text)
    # Close the gap a link left, keeping one of the punctuation marks around it.
    text = re.sub(
        r"\s*([.,;:])?\s*(?:\x00\s*)+([.,;:])?",
        lambda m: f"{m.group(1) or m.group(2) or ''} ",
        text,
    )
    text = " ".join(text.split())
    return text.strip(" ,;")


def _sentence_end(text: str, start: int = 0) -> int:
    """Index just after the first full stop (or ? !) of `text` that ends a sentence, or -1."""
    for match in re.finditer(r"[.?!](?=\s+|$)", text[start:]):
        end = start + match.start()
        if text[end] in "?!":
            return end + 1
        word = re.search(r"([\w.'’]+)$", text[start:end])
        word = word.group(1).lower() if word else ""
        if word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", word):
            continue
        return end + 1
    return -1


def _trim(text: str) -> str:
    return text.strip(" .,;:–-")


def _kind_of(venue: str, rest: str, *, said_in: bool) -> PaperKind:
    lowered = venue.lower()
    if "arxiv" in lowered or "preprint" in lowered or "eprint" in lowered:
        return PaperKind.MISC
    if re.search(r"\b(?:thesis|dissertation|diss\.)", rest, re.IGNORECASE):
        return PaperKind.THESIS
    if re.search(r"\b(?:technical report|tech\.? rep|tech report|report)\b", rest, re.I):
        return PaperKind.TECHREPORT
    if re.search(r"vldb endowment|pvldb", lowered):
        return PaperKind.ARTICLE
    if said_in or re.search(
        r"\b(?:proc\.|proceedings|conference|conf\.|symposium|symp\.|workshop|congress)", lowered
    ):
        return PaperKind.INPROCEEDINGS
    if re.search(
        r"\b(?:journal|transactions|trans\.|review|letters|magazine|communications|commun\.|"
        r"news|queue|bulletin|j\.)",
        lowered,
    ):
        return PaperKind.ARTICLE
    if _CONFERENCE_NAMES.search(venue):
        return PaperKind.INPROCEEDINGS
    if re.search(r"\b\d+\s*(?:\.\s*\d+\s*\(|\(\s*\d+\s*\)|,\s*no\.)|\bvol\.", rest):
        return PaperKind.ARTICLE
    if _PUBLISHERS.search(rest):
        return PaperKind.BOOK
    return PaperKind.MISC


def _read_rest(rest: str, citation: Citation):
    """Venue, year and kind from what follows the title."""
    rest = original = _trim(rest)
    said_in = bool(re.match(r"^in\b:?\s*", rest, re.IGNORECASE))
    rest = re.sub(r"^in\b:?\s*", "", rest, flags=re.IGNORECASE)
    rest = re.sub(r"^(?:diss\.|ph\.?d\.? (?:thesis|dissertation)[.,]?)\s*", "", rest, flags=re.I)
    if citation.year is None:
        years = _ANY_YEAR.findall(rest)
        bracketed = re.findall(rf"\(\s*{_YEAR}\s*\)", rest)
        if bracketed:
            citation.year = int(bracketed[-1])
        elif years:
            citation.year = int(years[-1])
    end = len(rest)
    for pattern in _VENUE_ENDS:
        match = pattern.search(rest)
        if match and match.start() < end:
            end = match.start()
    stop = _sentence_end(rest)
    if 0 < stop < end:
        end = stop
    venue = _trim(rest[:end])
    last = venue.rsplit(None, 1)[-1].lower() if venue else ""
    if len(last) > 1 and last in _ABBREVIATIONS and rest[:end].rstrip(" ,;:–-").endswith("."):
        venue += "."
    # Editors in front of a book's title: “In J. Smith (Ed.), Title”.
    venue = re.sub(r"^.*?\((?:eds?\.?|editors?)\)\s*,?\s*", "", venue, flags=re.IGNORECASE)
    if venue.lower() in ("arxiv", "arxiv preprint", "arxiv e-prints", "corr"):
        venue = "arXiv" if venue.lower() != "corr" else "CoRR"
    if re.fullmatch(r"(?:1[89]|20)\d{2}", venue):
        venue = ""
    citation.venue = venue
    citation.kind = _kind_of(venue, original, said_in=said_in)


def _year_after_authors(text: str):
    """The first author-date year (match) that follows something name-like, or None."""
    best = None
    for pattern in _YEAR_AFTER_AUTHORS:
        match = pattern.search(text)
        if match and match.start() > 0 and (best is None or match.start() < best.start()):
            best = match
    return best


def read_formatted(text: str) -> Citation:
    """The citation a formatted reference gives; the title is empty when none was found."""
    citation = Citation(source=text)
    body = _tidy(text)
    italics = [next(g for g in m.groups() if g) for m in _ITALICS.finditer(body)]
    body = _ITALICS.sub(lambda m: next(g for g in m.groups() if g), body)
    body = _take_links(body, citation)

    authors, title, rest = "", "", ""
    quoted = _QUOTED.search(body)
    year_match = _year_after_authors(body)
    if quoted and (year_match is None or quoted.start() <= year_match.end() + 1):
        authors = body[: quoted.start()]
        title = next(g for g in quoted.groups() if g)
        rest = body[quoted.end() :]
        match = _year_after_authors(authors + " ") or re.search(
            rf"[.,(]\s*{_YEAR}\s*\)?[.,:]?\s*$", authors
        )
        if match:
            citation.year = int(match.group(1))
            authors = authors[: match.start()]
    elif year_match:
        authors = body[: year_match.start()]
        citation.year = int(year_match.group(1))
        after = body[year_match.end() :]
        stop = _sentence_end(after)
        title, rest = (after[:stop], after[stop:]) if stop > 0 else (after, "")
    elif vancouver := _VANCOUVER_AUTHORS.match(body):
        authors, after = body[: vancouver.end()], body[vancouver.end() :]
        stop = _sentence_end(after)
        title, rest = (after[:stop], after[stop:]) if stop > 0 else (after, "")
    elif italics and (position := body.find(italics[0])) > 0:
        authors, title, rest = body[:position], italics[0], body[position + len(italics[0]) :]
    else:
        stop = _sentence_end(body)
        if stop > 0:
            authors, after = body[:stop], body[stop:]
            second = _sentence_end(after)
            title, rest = (after[:second], after[second:]) if second > 0 else (after, "")
        else:
            title = body
        citation.notes.append(
            "No quotes, italics or year after the authors: the title was taken to be the "
            "second sentence; check it."
        )

    citation.title = _trim(title.strip().rstrip(",")).strip('“”"')
    citation.authors, cut_short = read_authors(authors)
    if cut_short:
        citation.notes.append(
            f"The reference names {len(citation.authors)} "
            f"author{'' if len(citation.authors) == 1 else 's'} and cuts the list short "
            "(“et al.”): the others are not known."
        )
    _read_rest(rest, citation)
    if citation.venue.lower() in ("arxiv", "corr") and not citation.arxiv_id:
        citation.notes.append("It says arXiv but gives no arXiv id.")
    return citation
