"""
The page cache: anonymous visitors get public pages from the shared cache at about
the cost of a static file, and a cached page is never older than the content.

- `middleware.PageCacheMiddleware` answers from the cache and fills it.
- `changes`: what makes pages stale. Each app registers a `PageChanges` in its own
  `<app>/pagecache.py` (the models whose changes show on pages, and when its pages
  change by time alone); any such change moves the content generation, and a
  stored page is served only in the generation it was rendered in.
- `store`: where the generation lives (the shared cache, or a file beside a
  process-local one).

Changes made behind Django's back (raw SQL, `QuerySet.update()`, `bulk_create`) are
not seen: `manage.py invalidate_page_cache` makes every page stale.
"""

from datetime import datetime

from django.utils import timezone

from portal.pagecache.changes import PageChanges, content_changed, register

__all__ = ["PageChanges", "content_changed", "register"]


def next_new_year(now: datetime) -> datetime:
    """The footer's year: every page changes at the turn of the year, in the site's zone."""
    local = timezone.localtime(now)
    return timezone.make_aware(datetime(local.year + 1, 1, 1))


# The portal's own pages and the parts of every page: tags, redirects, the profile, the footer.
register(
    PageChanges(
        name="portal",
        models=(
            "taggit.Tag",
            "taggit.TaggedItem",
            "portal.Redirect",
            "portal.Profile",
            "portal.ProfileLink",
        ),
        next_change=next_new_year,
    )
)
