"""
The merged lists built from every registered source: a page of the timeline,
its rendered entries, what is coming up, and the tags in use.
"""

import heapq
from collections import Counter

from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from portal import fragments
from portal.timeline.sources import EntryKey, TimelineEntry, TimelineSource, sources


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

    def keys(self, key: slice) -> list[EntryKey]:
        """The keys of the slice `key` of the merged list: one light query per source."""
        start, stop = key.start or 0, key.stop
        if stop is None:
            stop = self.count()
        per_source = [source.keys(limit=stop, tag=self.tag) for source in self.sources]
        return _merged(per_source)[start:stop]

    def counted_keys(self, start: int, stop: int) -> tuple[list[EntryKey], int]:
        """The keys of [start:stop] of the merged list, and the length of the whole list."""
        counted = [source.counted_keys(limit=stop, tag=self.tag) for source in self.sources]
        merged = _merged([keys for keys, _ in counted])
        return merged[start:stop], sum(total for _, total in counted)

    def __getitem__(self, key):
        if not isinstance(key, slice):
            raise TypeError("Timeline supports slices only")
        start, stop = key.start or 0, key.stop
        if stop is None:
            stop = self.count()
        per_source = [source.entries(limit=stop, tag=self.tag) for source in self.sources]
        merged = heapq.merge(*per_source, key=lambda entry: entry.date, reverse=True)
        return list(merged)[start:stop]


def _merged(per_source: list[list[EntryKey]]) -> list[EntryKey]:
    """The sources' keys (each newest first) as one newest-first list."""
    return list(heapq.merge(*per_source, key=lambda entry_key: entry_key.date, reverse=True))


class RenderedTimeline(Timeline):
    """
    The timeline for pages that show its entries with `template` (the home page,
    tag pages): a slice is a list of rendered entries, each read from the cache
    by its key, and only the items whose entry is not there yet are loaded.
    """

    def __init__(self, *, template: str, **kwargs):
        super().__init__(**kwargs)
        self.template = template

    def __getitem__(self, key):
        if not isinstance(key, slice):
            raise TypeError("Timeline supports slices only")
        return render_entries(self.keys(key), template=self.template)

    def counted_slice(self, start: int, stop: int) -> tuple[list[SafeString], int]:
        """The rendered entries of [start:stop], and the length of the whole list."""
        keys, total = self.counted_keys(start, stop)
        return render_entries(keys, template=self.template), total

    def slice_and_more(self, start: int, stop: int) -> tuple[list[SafeString], bool]:
        """
        The rendered entries of [start:stop], and whether any come after them:
        what a page that does not count the whole list needs.
        """
        keys = self.keys(slice(start, stop + 1))
        shown = keys[: stop - start]
        return render_entries(shown, template=self.template), len(keys) > len(shown)


def _load(keys: list[EntryKey]) -> dict[tuple, TimelineEntry]:
    """The entries of `keys` by (source, pk): one query (and its prefetches) per source."""
    by_source: dict[TimelineSource, list[EntryKey]] = {}
    for key in keys:
        by_source.setdefault(key.source, []).append(key)
    return {
        (source, pk): entry
        for source, source_keys in by_source.items()
        for pk, entry in source.entries_for(source_keys).items()
    }


def render_entries(keys: list[EntryKey], *, template: str) -> list[SafeString]:
    """
    The entries of `keys` rendered with `template` (as `entry`): the whole list
    from the cache while every one of them stays as it is (one read), else each
    from the cache when its version is there, the others loaded and rendered together.
    """
    html = fragments.remembered(
        f"{template}:list",
        version=tuple(key.version for key in keys),
        compute=lambda: [str(fragment) for fragment in _render_each(keys, template=template)],
    )
    return [mark_safe(fragment) for fragment in html]


def _render_each(keys: list[EntryKey], *, template: str) -> list[SafeString]:
    # A version needs no tags of its own: a tag added, removed or renamed moves the
    # item's `updated_at` (portal.tagging).
    cache_keys = {
        (key.source, key.pk): fragments.fragment_key(template, key.version) for key in keys
    }
    found = fragments.cache_get_many(list(cache_keys.values()))
    missing = [key for key in keys if cache_keys[key.source, key.pk] not in found]
    if missing:
        compiled = get_template(template)
        rendered = {
            cache_keys[identity]: compiled.render({"entry": entry})
            for identity, entry in _load(missing).items()
        }
        fragments.cache_set_many(rendered)
        found.update(rendered)
    # An item unpublished since its key was read has no entry: it is left out.
    html = (found.get(cache_keys[key.source, key.pk]) for key in keys)
    return [mark_safe(fragment) for fragment in html if fragment is not None]


def render_upcoming(*, limit: int, template: str) -> SafeString:
    """
    `template` with `upcoming`, the next `limit` items across every source, soonest
    first: read from the cache while those items stay as they are.
    """
    keys = _every_kind_has_a_place(
        [source.upcoming_keys(limit=limit) for source in sources()], limit=limit
    )

    def context():
        by_source: dict[TimelineSource, list[EntryKey]] = {}
        for key in keys:
            by_source.setdefault(key.source, []).append(key)
        found = {
            (source, pk): entry
            for source, source_keys in by_source.items()
            for pk, entry in source.upcoming_entries_for(source_keys).items()
        }
        entries = [found.get((key.source, key.pk)) for key in keys]
        return {"upcoming": [entry for entry in entries if entry is not None]}

    version = tuple(key.version for key in keys)
    return fragments.render_once(template, version=version, context=context)


def _every_kind_has_a_place(per_source: list[list], *, limit: int) -> list:
    """
    The soonest `limit` of the sources' upcoming items (each list soonest first),
    with the soonest of every source among them while there is room: three
    sessions ahead must not push the next talk out of “Coming up”.
    """
    firsts = sorted((items[0] for items in per_source if items), key=lambda i: i.date)[:limit]
    rest = sorted((item for items in per_source for item in items[1:]), key=lambda i: i.date)
    return sorted(firsts + rest[: limit - len(firsts)], key=lambda item: item.date)


def upcoming(*, limit: int = 3) -> list[TimelineEntry]:
    """The next items still to come across every source, soonest first (see above)."""
    return _every_kind_has_a_place(
        [source.upcoming(limit=limit) for source in sources()], limit=limit
    )


def tag_counts() -> Counter:
    """Published items per tag slug, summed over every kind."""
    total = Counter()
    for source in sources():
        total.update(source.tag_counts())
    return total
