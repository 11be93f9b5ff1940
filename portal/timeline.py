"""
The unified timeline: posts, talks and sessions in one reverse-chronological
list, for the home page, tag pages and the combined feeds.

Each app registers a `TimelineSource` in its own `timeline.py`, which
`portal.plugins.discover()` imports; the home view, tag pages and feeds only
know `TimelineEntry`, never an app's fields. Every source answers with a
fixed number of queries, so a page of the merged list costs the same whatever
the amount of data.
"""

import heapq
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet

from portal.plugins import Registry


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # "post", "talk", "session": a CSS hook and a filter value
    kind_label: str  # what a visitor reads: "Post", "Talk", "Session"
    title: str
    url: str
    date: datetime
    excerpt: str = ""
    author: str = ""
    # The full HTML, for feeds only: a string, or a function that renders it, so
    # pages that show excerpts (home, tag pages) never render it.
    content: str | Callable[[], str] = ""
    tags: tuple[Any, ...] = ()  # taggit Tag objects
    updated: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def content_html(self) -> str:
        return self.content() if callable(self.content) else self.content


class TimelineSource:
    """One app's contribution to the timeline. Subclass and register() an instance."""

    kind = ""
    kind_label = ""

    def entries(self, *, limit: int, tag: str | None = None) -> list[TimelineEntry]:
        raise NotImplementedError

    def count(self, *, tag: str | None = None) -> int:
        raise NotImplementedError

    def tag_counts(self) -> Counter:
        """Published items per tag slug."""
        return Counter()

    def upcoming(self, *, limit: int) -> list[TimelineEntry]:
        """Items still to come, soonest first (the home page shows them on top)."""
        return []


class ModelTimelineSource(TimelineSource):
    """A source backed by one model with taggit `tags` and a date field."""

    date_field = "published_at"

    def queryset(self) -> QuerySet:
        """Published items with everything `to_entry` needs already joined."""
        raise NotImplementedError

    def to_entry(self, obj) -> TimelineEntry:
        raise NotImplementedError

    def _filtered(self, tag: str | None) -> QuerySet:
        queryset = self.queryset()
        if tag is not None:
            queryset = queryset.filter(tags__slug=tag)
        return queryset

    def entries(self, *, limit: int, tag: str | None = None) -> list[TimelineEntry]:
        if limit <= 0:
            return []
        queryset = self._filtered(tag).order_by(f"-{self.date_field}", "-pk")
        return [self.to_entry(obj) for obj in queryset[:limit]]

    def count(self, *, tag: str | None = None) -> int:
        return self._filtered(tag).count()

    def tag_counts(self) -> Counter:
        rows = (
            self.queryset()
            .order_by()
            .filter(tags__isnull=False)
            .values("tags__slug")
            .annotate(items=Count("pk", distinct=True))
        )
        return Counter({row["tags__slug"]: row["items"] for row in rows})


_sources = Registry[TimelineSource]("timeline")


def register(source: TimelineSource) -> TimelineSource:
    """Add `source` to the timeline, once per source class; returns it."""
    return _sources.register(source)


def sources(kinds: set[str] | None = None) -> list[TimelineSource]:
    """The registered sources (of the given kinds), in the order of INSTALLED_APPS."""
    return [source for source in _sources if kinds is None or source.kind in kinds]


class Timeline:
    """
    The merged, newest-first list, lazy enough for Django's Paginator: it asks
    each source for at most `stop` entries and merges them.
    """

    def __init__(self, *, tag: str | None = None, kinds: set[str] | None = None):
        self.tag = tag
        self.sources = sources(kinds)

    def count(self) -> int:
        return sum(source.count(tag=self.tag) for source in self.sources)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            raise TypeError("Timeline supports slices only")
        start, stop = key.start or 0, key.stop
        if stop is None:
            stop = self.count()
        per_source = [source.entries(limit=stop, tag=self.tag) for source in self.sources]
        merged = heapq.merge(*per_source, key=lambda entry: entry.date, reverse=True)
        return list(merged)[start:stop]


def upcoming(*, limit: int = 3) -> list[TimelineEntry]:
    """The next items still to come across every source, soonest first."""
    entries = [entry for source in _sources for entry in source.upcoming(limit=limit)]
    return sorted(entries, key=lambda entry: entry.date)[:limit]


def tag_counts() -> Counter:
    """Published items per tag slug, summed over every kind."""
    total = Counter()
    for source in _sources:
        total.update(source.tag_counts())
    return total
