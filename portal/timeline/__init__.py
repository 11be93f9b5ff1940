"""
The unified timeline: posts, talks and sessions in one reverse-chronological
list, for the home page, tag pages and the combined feeds.

Each app registers a `TimelineSource` in its own `timeline.py`, which
`portal.plugins.discover()` imports; the home view, tag pages and feeds only
know `TimelineEntry`, never an app's fields. Every source answers with a
fixed number of queries, so a page of the merged list costs the same whatever
the amount of data.
"""

from portal.timeline.lists import (
    RenderedTimeline,
    Timeline,
    render_entries,
    render_upcoming,
    tag_counts,
    upcoming,
)
from portal.timeline.sources import (
    EntryKey,
    ModelTimelineSource,
    TimelineEntry,
    TimelineSource,
    register,
    sources,
)

__all__ = [
    "EntryKey",
    "ModelTimelineSource",
    "RenderedTimeline",
    "Timeline",
    "TimelineEntry",
    "TimelineSource",
    "register",
    "render_entries",
    "render_upcoming",
    "sources",
    "tag_counts",
    "upcoming",
]
