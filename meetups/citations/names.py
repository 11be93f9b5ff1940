"""
The author list of a formatted reference, in order and in “First Last” form.

The styles write it three ways, and the first two names tell which:
- all inverted with initials (APA, Harvard): “Lamport, L., Shostak, R., & Pease, M.”;
- the first inverted, the others not (MLA, Chicago): “Ongaro, Diego, and John Ousterhout”;
- none inverted (IEEE, blogs): “D. Ongaro and J. Ousterhout”.
“et al.”, “and others” and APA's “…” mean the list is cut short; that is noted.
"""

import re

_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "del", "della", "du", "la", "le", "ter"}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.?\s*-?\s*){1,4}$")
_GIVEN_WORD = re.compile(r"^(?:[A-Z][\w'’\-]*\.?|[A-Z]\.(?:-?[A-Z]\.)*)$")
_ET_AL = re.compile(r"[,;]?\s*(?:et\.?\s*al\.?|and\s+others|\.\.\.|…)\s*$", re.IGNORECASE)
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*,?")
_CONJUNCTION = re.compile(r"\s*(?:,|;)?\s*(?:&|\band\b|\bund\b)\s+", re.IGNORECASE)


def _initials(given: str) -> str:
    """“J.C.” and “J C” → “J. C.”; full names stay as written."""
    words = []
    for word in given.replace(".", ". ").split():
        if re.fullmatch(r"[A-Z]", word):
            word += "."
        words.append(word)
    return " ".join(words).replace(". -", ".-").replace("- ", "-")


def _is_initials(token: str) -> bool:
    return (
        bool(_INITIALS.match(token))
        and any(c == "." for c in token)
        or bool(re.fullmatch(r"[A-Z]{1,3}", token))
    )


def _is_given(token: str) -> bool:
    words = token.split()
    return 0 < len(words) <= 3 and all(_GIVEN_WORD.match(word) for word in words)


def _is_surname(token: str) -> bool:
    """One capitalised word (“DeCandia”, “Ben-Or”), or a particle and a name (“van Renesse”)."""
    words = token.split()
    if len(words) == 1:
        return token[:1].isupper() and not _is_initials(token)
    return 1 < len(words) <= 3 and words[0].lower() in _PARTICLES


_VANCOUVER = re.compile(r"^((?:[A-Z][\w'’\-]+ ){1,2})([A-Z]{1,3})\.?$")


def _natural(token: str) -> str:
    """A name already written given names first (or Vancouver's “Lamport L”), tidied."""
    if match := _VANCOUVER.match(token):
        return f"{_initials(' '.join(match.group(2)))} {match.group(1).strip()}"
    words = token.split()
    if len(words) > 1:
        return f"{_initials(' '.join(words[:-1]))} {words[-1]}".replace(" .", ".")
    return token


def read_authors(segment: str) -> tuple[list[str], bool]:
    """(the authors in order, whether the list was cut short)."""
    text = " ".join(segment.split()).strip(" ,;:")
    cut_short = False
    if match := _ET_AL.search(text):
        cut_short = True
        text = text[: match.start()].strip(" ,;:")
    if _ELLIPSIS.search(text):
        cut_short = True
        text = _ELLIPSIS.sub(",", text)
    # A full stop closing the list, not an initial's.
    if text.endswith(".") and not re.search(r"(?:^|[\s.\-])[A-Z][a-z]?\.$", text):
        text = text[:-1]
    text = _CONJUNCTION.sub(", ", text)
    tokens = [token.strip() for token in text.split(",") if token.strip()]
    # “Steele, Guy L., Jr.”: the suffix belongs to the name before it.
    merged: list[str] = []
    for token in tokens:
        if token.lower() in _SUFFIXES and merged:
            merged[-1] += f" {token}"
        else:
            merged.append(token)
    tokens = merged

    names: list[str] = []
    if len(tokens) >= 2 and _is_surname(tokens[0]) and _is_given(tokens[1]):
        if _is_initials(tokens[1]):
            # All inverted: surname, initials, surname, initials …
            index = 0
            while index + 1 < len(tokens) and _is_initials(tokens[index + 1]):
                names.append(f"{_initials(tokens[index + 1])} {tokens[index]}")
                index += 2
            names.extend(_natural(token) for token in tokens[index:])
        else:
            names.append(f"{_initials(tokens[1])} {tokens[0]}")
            rest = tokens[2:]
            # Chicago and MLA invert only the first; some copies invert all.
            index = 0
            while index < len(rest):
                if (
                    index + 1 < len(rest)
                    and len(rest[index].split()) == 1
                    and _is_given(rest[index + 1])
                    and len(rest[index + 1].split()) <= 2
                    and not _is_surname_like_name(rest[index + 1])
                ):
                    names.append(f"{_initials(rest[index + 1])} {rest[index]}")
                    index += 2
                else:
                    names.append(_natural(rest[index]))
                    index += 1
    else:
        names = [_natural(token) for token in tokens]
    return [name for name in names if name], cut_short


def _is_surname_like_name(token: str) -> bool:
    """Whether `token` reads as a whole name (“John Ousterhout”) rather than given names."""
    words = token.split()
    return len(words) >= 2 and not words[-1].endswith(".") and len(words[-1]) > 2
