"""
Each page's place in the portal, decided before anything is saved: its kind,
the addresses it had on the Hugo site, and the slug or number it gets here.
"""

import re
from dataclasses import dataclass

from django.utils.text import slugify

from portal.hugo.classify import Kind, SessionTitle, TalkTitle
from portal.hugo.pages import Page

_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}[-_]")


@dataclass
class Planned:
    """A page with its place in the portal, decided before anything is saved."""

    page: Page
    kind: Kind
    old_paths: list[str]
    slug: str = ""  # posts and talks
    number: int = 0  # sessions
    talk_title: TalkTitle | None = None
    session_title: SessionTitle | None = None
    new_path: str = ""


def _unique_slug(candidates: list[str], taken: set[str]) -> str:
    for candidate in candidates:
        if candidate and candidate not in taken:
            return candidate
    base, number = candidates[-1], 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _slug(text: str, *, fallback_prefix: str) -> str:
    slug = slugify(text)[:200].strip("-")
    if slug.isdigit():
        # /blog/2019/ is the yearly archive: a slug of digits only would clash with it.
        slug = f"{fallback_prefix}-{slug}"
    return slug


def page_slug(page: Page, *, kind: Kind, taken: set[str]) -> str:
    """
    The slug of a post or talk: the page's own slug, else its file name without
    the date (and a talk's “talk-”), else its title; never one in `taken`.
    """
    base = page.slug or _DATE_PREFIX.sub("", page.filename)
    if kind is Kind.TALK and not page.slug:
        base = re.sub(r"^talk[-_]", "", base, flags=re.IGNORECASE) or base
    prefix = page.section or kind.value
    candidates = [
        _slug(base, fallback_prefix=prefix),
        _slug(page.filename, fallback_prefix=prefix),
        _slug(page.title, fallback_prefix=prefix) or kind.value,
    ]
    return _unique_slug([c for c in candidates if c], taken)
