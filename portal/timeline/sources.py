"""
What an app plugs into the timeline: a `TimelineSource` for its model, which
answers the keys, counts and entries of its items, registered with `register`.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from django.db.models import Count, QuerySet, Window
from django.utils import timezone

from portal.plugins import Registry
from portal.queries import PreparedQuery


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
    # The one date a visitor reads on the entry, when it is not `date` (which places
    # the entry on the timeline): a session's own day, a talk's. With a word before
    # it ("Met", "Given") and how it reads ("Tuesday, 9 February 2027").
    shown_date: Any = None
    date_label: str = ""
    date_text: str = ""

    @property
    def content_html(self) -> str:
        return self.content() if callable(self.content) else self.content

    @property
    def display_date(self):
        return self.shown_date or self.date


@dataclass(frozen=True)
class EntryKey:
    """
    One item's place on the timeline and the version of its entry: enough to
    merge the sources and to find the item's rendered entry in the cache,
    without loading the item itself.
    """

    source: "TimelineSource"
    pk: Any
    date: datetime
    version: tuple  # everything the entry shows that can change, tags aside


class TimelineSource:
    """One app's contribution to the timeline. Subclass and register() an instance."""

    kind = ""
    kind_label = ""

    def entries(self, *, limit: int, tag: str | None = None) -> list[TimelineEntry]:
        raise NotImplementedError

    def count(self, *, tag: str | None = None) -> int:
        raise NotImplementedError

    def counted_keys(self, *, limit: int, tag: str | None = None) -> tuple[list["EntryKey"], int]:
        """`keys()`, and how many items there are in all (`count()`)."""
        return self.keys(limit=limit, tag=tag), self.count(tag=tag)

    def tag_counts(self) -> Counter:
        """Published items per tag slug."""
        return Counter()

    def upcoming(self, *, limit: int) -> list[TimelineEntry]:
        """Items still to come, soonest first (the home page shows them on top)."""
        return []

    # A source backed by something other than a model: the entry is its own key.

    def keys(self, *, limit: int, tag: str | None = None) -> list[EntryKey]:
        """The newest `limit` items as keys, newest first."""
        return [
            EntryKey(self, entry.url, entry.date, (entry,))
            for entry in self.entries(limit=limit, tag=tag)
        ]

    def entries_for(self, keys: list[EntryKey]) -> dict[Any, TimelineEntry]:
        """The entries of `keys` (of this source), by their key's pk."""
        return {key.pk: key.version[0] for key in keys}

    def tagged_model(self):
        """The model whose tags the entries show (None: tags are in the version)."""
        return None

    def upcoming_keys(self, *, limit: int) -> list[EntryKey]:
        """The items still to come as keys, soonest first."""
        return [
            EntryKey(self, entry.url, entry.date, (entry,)) for entry in self.upcoming(limit=limit)
        ]

    def upcoming_entries_for(self, keys: list[EntryKey]) -> dict[Any, TimelineEntry]:
        """The “Coming up” entries of `keys` (of this source), by their key's pk."""
        return {key.pk: key.version[0] for key in keys}


class ModelTimelineSource(TimelineSource):
    """
    A source backed by one model with taggit `tags` and a date field. Its
    entries are rendered once per version: `version_fields` names every field
    (related ones with "__") that an entry shows besides the date, the tags and
    what `updated_at` already covers, and `row_version` adds what moves with time.
    """

    date_field = "published_at"
    version_fields: tuple[str, ...] = ("updated_at",)

    def row_version(self, row: tuple, *, now: datetime) -> tuple:
        """The version of an entry from its row of (pk, date, *version_fields), read at `now`."""
        return row

    def timeline_items(self) -> QuerySet:
        """
        Every item the timeline lists once it is published, with the annotation
        `date_field` names and nothing joined. It holds no moment (`listed()` adds
        the publication time), so it is built once per source: its subqueries and
        annotations cost more to build than the query costs to run.
        """
        raise NotImplementedError

    def keyed(self, queryset: QuerySet) -> QuerySet:
        """`queryset` with any annotation `version_fields` names."""
        return queryset

    def for_entries(self, queryset: QuerySet) -> QuerySet:
        """`queryset` with everything `to_entry` needs joined or prefetched."""
        return queryset

    @cached_property
    def _timeline_items(self) -> QuerySet:
        return self.timeline_items()

    @cached_property
    def _key_rows(self) -> QuerySet:
        return (
            self.keyed(self._timeline_items)
            .order_by(f"-{self.date_field}", "-pk")
            .values_list("pk", self.date_field, *self.version_fields)
        )

    @cached_property
    def _published_key_rows(self) -> PreparedQuery:
        return PreparedQuery(lambda now, today: self._key_rows.published(now=now))

    def listed(self) -> QuerySet:
        """The published items on the timeline: what keys and counts are read from."""
        return self._timeline_items.published()

    def queryset(self) -> QuerySet:
        """Published items with everything `to_entry` needs already joined."""
        return self.for_entries(self.listed())

    def to_entry(self, obj) -> TimelineEntry:
        raise NotImplementedError

    @staticmethod
    def _tagged(queryset: QuerySet, tag: str | None) -> QuerySet:
        return queryset if tag is None else queryset.filter(tags__slug=tag)

    def entries(self, *, limit: int, tag: str | None = None) -> list[TimelineEntry]:
        if limit <= 0:
            return []
        queryset = self._tagged(self.queryset(), tag).order_by(f"-{self.date_field}", "-pk")
        return [self.to_entry(obj) for obj in queryset[:limit]]

    def count(self, *, tag: str | None = None) -> int:
        return self._tagged(self.listed(), tag).count()

    def keys(self, *, limit: int, tag: str | None = None) -> list[EntryKey]:
        if limit <= 0:
            return []
        now = timezone.now()
        if tag is None:
            rows = self._published_key_rows.rows(limit=limit, now=now)
        else:
            rows = self._key_rows.published(now=now).filter(tags__slug=tag)[:limit]
        return [
            EntryKey(self, row[0], row[1], (self.kind, *self.row_version(row, now=now)))
            for row in rows
        ]

    def counted_keys(self, *, limit: int, tag: str | None = None) -> tuple[list[EntryKey], int]:
        # The count rides along as a window over every matching row: a tag's items
        # are all read to be sorted anyway, so this costs far less than a second
        # query. (The whole timeline of posts is read in index order and stops at
        # the limit; a window there would read every post: it is not counted.)
        rows = list(
            self._tagged(self._key_rows.published(), tag).annotate(total=Window(Count("pk")))[
                : max(limit, 1)
            ]
        )
        now = timezone.now()
        keys = [
            EntryKey(self, row[0], row[1], (self.kind, *self.row_version(row[:-1], now=now)))
            for row in rows[:limit]
        ]
        return keys, rows[0][-1] if rows else 0

    def entries_for(self, keys: list[EntryKey]) -> dict[Any, TimelineEntry]:
        objects = self.queryset().filter(pk__in=[key.pk for key in keys])
        return {obj.pk: self.to_entry(obj) for obj in objects}

    def tagged_model(self):
        # Building the queryset costs more than a small query: the model is asked once.
        if "_tagged_model" not in self.__dict__:
            self.__dict__["_tagged_model"] = self._timeline_items.model
        return self.__dict__["_tagged_model"]

    # “Coming up”: a source with items still to come names them and how they show.
    upcoming_date_field = ""  # the field that dates an item in “Coming up”
    upcoming_version_fields: tuple[str, ...] = ("updated_at",)

    def upcoming_items(self) -> QuerySet | None:
        """
        Every item that can come up, nothing joined and no moment in it (built once,
        as `timeline_items`); None when the source has none.
        """
        return None

    def upcoming_of(self, queryset: QuerySet, *, now: datetime, today: date) -> QuerySet:
        """`queryset` narrowed to the items still to come at `now`, soonest first."""
        raise NotImplementedError

    @cached_property
    def _upcoming_items(self) -> QuerySet | None:
        return self.upcoming_items()

    @cached_property
    def _upcoming_rows(self) -> PreparedQuery:
        rows = self._upcoming_items.values_list(
            "pk", self.upcoming_date_field, *self.upcoming_version_fields
        )
        return PreparedQuery(lambda now, today: self.upcoming_of(rows, now=now, today=today))

    def upcoming_queryset(self) -> QuerySet | None:
        """The items still to come, soonest first, nothing joined; None when the source has none."""
        items = self._upcoming_items
        if items is None:
            return None
        now = timezone.now()
        return self.upcoming_of(items, now=now, today=timezone.localdate(now))

    def upcoming_entry(self, obj) -> TimelineEntry:
        return self.to_entry(obj)

    def upcoming_date(self, value) -> datetime:
        """The `upcoming_date_field` value as the moment the entry is dated by."""
        return value

    def upcoming(self, *, limit: int) -> list[TimelineEntry]:
        queryset = self.upcoming_queryset()
        if queryset is None or limit <= 0:
            return []
        return [self.upcoming_entry(obj) for obj in self.for_entries(queryset)[:limit]]

    def upcoming_keys(self, *, limit: int) -> list[EntryKey]:
        if self._upcoming_items is None or limit <= 0:
            return []
        rows = self._upcoming_rows.rows(limit=limit)
        return [
            EntryKey(self, row[0], self.upcoming_date(row[1]), ("upcoming", self.kind, *row))
            for row in rows
        ]

    def upcoming_entries_for(self, keys: list[EntryKey]) -> dict[Any, TimelineEntry]:
        objects = self.for_entries(self.upcoming_queryset()).filter(pk__in=[key.pk for key in keys])
        return {obj.pk: self.upcoming_entry(obj) for obj in objects}

    def tag_counts(self) -> Counter:
        rows = (
            self.listed()
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
