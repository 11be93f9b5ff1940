"""Which Hugo posts are talks, which are paper-club sessions, and what their titles say."""

import re
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from portal.hugo.pages import Page


class Kind(StrEnum):
    POST = "post"
    TALK = "talk"
    SESSION = "session"


_TALK_PREFIX = re.compile(r"^Talk(?:\s*[:\-–—]\s*|\s+(?=[\"“„'‘«A-Z0-9@]))")
_VENUE = re.compile(r"\s+@\s*(?P<venue>[^@]+?)\s*$")
_QUOTES = [('"', '"'), ("“", "”"), ("„", "“"), ("'", "'"), ("‘", "’"), ("«", "»"), ("”", "”")]
_SESSION_TITLE = re.compile(
    r"^(?P<number>\d+)\s*(?:st|nd|rd|th)\.?\s+(?P<club>.+?)"
    r"(?:(?:\s+[-–—]|:)\s+(?P<topic>.+))?$",
    re.IGNORECASE,
)
_CLUB_WORDS = re.compile(r"paper\s*club|reading\s*group|papers?\s*(?:we\s*love|reading)", re.I)


@dataclass
class TalkTitle:
    title: str
    venue: str  # "" when the title names none


@dataclass
class SessionTitle:
    number: int
    club: str  # "Distributed Systems Paper Club"
    topic: str  # the text after " - ", or ""


def _has_tag(page: Page, name: str) -> bool:
    return any(tag.lower() == name for tag in page.tags)


def _unquote(text: str) -> str:
    text = text.strip()
    for opening, closing in _QUOTES:
        if len(text) > 1 and text.startswith(opening) and text.endswith(closing):
            return text[len(opening) : -len(closing)].strip()
    return text


def parse_talk_title(title: str) -> TalkTitle:
    """“Talk "Name" @Venue” → (Name, Venue); “Talk: Name” → (Name, "")."""
    rest = _TALK_PREFIX.sub("", title, count=1)
    venue = ""
    if match := _VENUE.search(rest):
        venue = _unquote(match.group("venue"))
        rest = rest[: match.start()]
    return TalkTitle(title=_unquote(rest) or title, venue=venue)


def parse_session_title(title: str) -> SessionTitle | None:
    """“24th DistSys Reading Group - BBR” → (24, “DistSys Reading Group”, “BBR”)."""
    match = _SESSION_TITLE.match(title.strip())
    if not match:
        return None
    return SessionTitle(
        number=int(match.group("number")),
        club=match.group("club").strip(),
        topic=(match.group("topic") or "").strip(),
    )


def classify(page: Page) -> Kind:
    """
    A paper-club session: tagged `paper`, or titled “19th … Paper Club” / “… Reading
    Group”, with an ordinal to number it. A talk: tagged `talk` or titled “Talk …”.
    Everything else is a post.
    """
    session_title = parse_session_title(page.title)
    if (
        session_title
        and session_title.number > 0
        and (_has_tag(page, "paper") or _CLUB_WORDS.search(session_title.club))
    ):
        return Kind.SESSION
    if _has_tag(page, "paper") and not _has_tag(page, "talk"):
        page.notes.append(
            "tagged “paper” but its title has no session number (like “19th …”): "
            "imported as a post."
        )
    if _has_tag(page, "talk") or _TALK_PREFIX.match(page.title):
        return Kind.TALK
    return Kind.POST


def club_name(pages: list[Page]) -> str:
    """The name the paper-club posts give their club most often."""
    names = Counter(
        parsed.club for page in pages if (parsed := parse_session_title(page.title)) is not None
    )
    return names.most_common(1)[0][0] if names else "Paper Club"
