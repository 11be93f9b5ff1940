"""What a service knows of a paper, in the Paper's own fields, and the shared text clean-ups."""

import html
import re
import unicodedata
from dataclasses import asdict, dataclass, field

from meetups.enums import PaperKind

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass
class Found:
    """A paper as one service describes it; empty strings (and None) where it says nothing."""

    service: str
    title: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    venue: str = ""
    kind: str = ""  # a PaperKind value, "" when the service does not say
    doi: str = ""
    arxiv_id: str = ""
    url: str = ""
    pdf_url: str = ""

    def as_cached(self) -> dict:
        return asdict(self)

    @classmethod
    def from_cached(cls, data: dict) -> "Found":
        return cls(**data)


def clean_text(value) -> str:
    """Service text as plain words: markup (Crossref's <i>, <scp>) and entities gone, one space."""
    if not isinstance(value, str):
        return ""
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", value))).strip()


def first_text(values) -> str:
    """The first non-empty string of a list (Crossref gives titles as lists), cleaned."""
    if isinstance(values, str):
        return clean_text(values)
    if isinstance(values, list):
        for value in values:
            if text := clean_text(value):
                return text
    return ""


def as_year(value) -> int | None:
    """A plausible year from an int or a string starting with one; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        year = value
    elif isinstance(value, str) and re.match(r"^\d{4}", value.strip()):
        year = int(value.strip()[:4])
    else:
        return None
    return year if 1000 <= year <= 2999 else None


def web_url(value) -> str:
    """`value` if it is an http(s) address (what Paper accepts), else ""."""
    if isinstance(value, str) and re.match(r"^https?://\S+$", value.strip(), re.IGNORECASE):
        return value.strip()
    return ""


def comparable(text: str) -> str:
    """Text reduced for comparing titles and names: no accents, case, punctuation or braces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


KIND_CHOICES = {kind.value for kind in PaperKind}
