"""
Searching: the published documents matching a query, best first, each with a
snippet whose matches are marked.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal.models import SearchDocument
from portal.search.engines import current_engine
from portal.search.sources import get_source
from portal.search.text import ELLIPSIS, MARK_END, MARK_START, SENTINELS, fold, query_terms


@dataclass(frozen=True)
class SearchResult:
    kind: str
    kind_label: str
    title: str
    url: str
    date: datetime
    snippet: SafeString


class SearchResults:
    """
    The published documents matching `query`, best first, lazy enough for Django's
    Paginator: one query counts the matches per kind, one query reads a page. An
    empty or unusable query matches nothing and asks the database nothing.
    """

    def __init__(self, query: str, *, kind: str | None = None):
        self.terms = query_terms(query)
        self.kind = kind
        self.now = timezone.now()
        self._counts: dict[str, int] | None = None

    def counts_by_kind(self) -> dict[str, int]:
        """Matches per kind, whatever kind is chosen: {"post": 12, "talk": 3}."""
        if self._counts is None:
            self._counts = current_engine().counts(self.terms, now=self.now) if self.terms else {}
        return self._counts

    def count(self) -> int:
        counts = self.counts_by_kind()
        return counts.get(self.kind, 0) if self.kind else sum(counts.values())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key) -> list[SearchResult]:
        if not isinstance(key, slice):
            raise TypeError("SearchResults supports slices only")
        start, stop = key.start or 0, key.stop
        if stop is None:
            stop = self.count()
        if not self.terms or stop <= start:
            return []
        documents = current_engine().page(
            self.terms, now=self.now, kind=self.kind, offset=start, limit=stop - start
        )
        return [_result(document) for document in documents]


def search(query: str, *, kind: str | None = None) -> SearchResults:
    """Published documents matching `query` (of one `kind` if given), best first."""
    return SearchResults(query, kind=kind)


def _result(document: SearchDocument) -> SearchResult:
    source = get_source(document.kind)
    marked = _restore_original(document.marked_snippet or "", document.body)
    return SearchResult(
        kind=document.kind,
        kind_label=source.kind_label if source else document.kind.title(),
        title=document.title,
        url=document.url,
        date=document.date,
        snippet=render_snippet(marked),
    )


_WITHOUT_SENTINELS = str.maketrans("", "", MARK_START + MARK_END + ELLIPSIS)


def _restore_original(marked: str, original: str) -> str:
    """
    Engines cut snippets from the folded text; put the original characters back
    (“café”, not “cafe”). Folding keeps every character at its place, so the
    snippet's text sits at the same offset in the original. Left as it is when the
    snippet cannot be found there.
    """
    plain = marked.translate(_WITHOUT_SENTINELS)
    if not plain:
        return marked
    start = fold(original).find(plain)
    if start < 0:
        return marked
    end = start + len(plain)
    originals = iter(original[start:end])
    restored = "".join(char if char in SENTINELS else next(originals) for char in marked)
    # ts_headline marks no cut; FTS5's snippet() already did.
    if start > 0 and not restored.startswith(ELLIPSIS):
        restored = ELLIPSIS + restored
    if end < len(original) and not restored.endswith(ELLIPSIS):
        restored += ELLIPSIS
    return restored


_SENTINEL_SPLIT = re.compile(f"([{MARK_START}{MARK_END}{ELLIPSIS}])")


def render_snippet(marked: str) -> SafeString:
    """HTML for a snippet with markers: the text escaped, matches in <mark>."""
    parts, inside = [], False
    for piece in _SENTINEL_SPLIT.split(marked):
        if piece == MARK_START:
            if not inside:
                parts.append("<mark>")
                inside = True
        elif piece == MARK_END:
            if inside:
                parts.append("</mark>")
                inside = False
        elif piece == ELLIPSIS:
            parts.append("…")
        else:
            parts.append(escape(piece))
    if inside:
        parts.append("</mark>")
    return mark_safe("".join(parts))
