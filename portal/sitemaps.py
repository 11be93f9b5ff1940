"""
sitemap.xml: every published page, with its last change, on the site's public
address (SITE_URL) whatever host the request came to.

Pages come from what apps already register: the documents of site search (each
published post, talk, session, paper and series), the list pages those sources
name, and a page per tag from the timeline. Drafts and scheduled items are not
published, so they are not listed.
"""

from datetime import date, datetime, time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import sitemaps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from taggit.models import Tag

from portal import search, timeline
from portal.models import SearchDocument


class SiteURLSitemap(sitemaps.Sitemap):
    """Absolute addresses on SITE_URL, not on the request's host."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        # Everything after "scheme://": location paths are appended, as absolute_url() does.
        return settings.SITE_URL.split("://", 1)[-1]


def _published_documents():
    return SearchDocument.objects.filter(published_at__lte=timezone.now())


class PageSitemap(SiteURLSitemap):
    """The home page, the tag index and each app's list page."""

    def items(self):
        latest = dict(
            _published_documents().order_by().values_list("kind").annotate(latest=Max("updated_at"))
        )
        newest = max(latest.values(), default=None)
        pages = {"home": newest, "tag_list": newest}
        for source in search.sources():
            name = source.listing_url_name
            if name and latest.get(source.kind):
                pages[name] = max(filter(None, [pages.get(name), latest[source.kind]]))
        items = []
        for name, lastmod in pages.items():
            try:
                items.append((reverse(name), lastmod))
            except NoReverseMatch:  # an app without a list page
                continue
        return items

    def location(self, item):
        return item[0]

    def lastmod(self, item):
        return item[1]


class DocumentSitemap(SiteURLSitemap):
    """Every published page site search knows."""

    def items(self):
        return (
            _published_documents()
            .filter(in_sitemap=True)
            .only("url", "updated_at")
            .order_by("kind", "object_id")
        )

    def location(self, document):
        return document.url

    def lastmod(self, document):
        return document.updated_at


class TagSitemap(SiteURLSitemap):
    """A page per tag with published items; it changes when one of them does."""

    def items(self):
        latest: dict[str, datetime] = {}
        for source in timeline.sources():
            if not isinstance(source, timeline.ModelTimelineSource):
                continue
            queryset = source.queryset()
            changed = _last_change_field(queryset.model, source.date_field)
            rows = (
                queryset.order_by()
                .filter(tags__isnull=False)
                .values_list("tags__slug")
                .annotate(latest=Max(changed))
            )
            for slug, when in rows:
                when = _as_datetime(when)
                if when and (slug not in latest or when > latest[slug]):
                    latest[slug] = when
        tags = list(Tag.objects.filter(slug__in=list(latest)).order_by("slug").only("slug"))
        for tag in tags:
            tag.last_change = latest[tag.slug]
        return tags

    def location(self, tag):
        return reverse("tag_detail", kwargs={"slug": tag.slug})

    def lastmod(self, tag):
        return tag.last_change


def _last_change_field(model, fallback: str) -> str:
    try:
        model._meta.get_field("updated_at")
    except FieldDoesNotExist:
        return fallback
    return "updated_at"


def _as_datetime(value) -> datetime | None:
    if isinstance(value, datetime) or value is None:
        return value
    if isinstance(value, date):
        return timezone.make_aware(datetime.combine(value, time.min))
    return None


SITEMAPS = {"pages": PageSitemap, "content": DocumentSitemap, "tags": TagSitemap}
