"""
RSS and Atom feeds over the timeline. Every feed of the portal (all together,
per kind, per tag) is a `TimelineFeed` with full content, and exists in both
formats: `SomeFeed()` is RSS, `SomeFeed.atom()` is Atom.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from taggit.models import Tag

from portal.links import absolute_url
from portal.timeline import Timeline

FEED_LENGTH = 30


class FullContentRssFeed(Rss201rev2Feed):
    """RSS 2.0 with each item's whole HTML in <content:encoded>."""

    def rss_attributes(self):
        attrs = super().rss_attributes()
        attrs["xmlns:content"] = "http://purl.org/rss/1.0/modules/content/"
        return attrs

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])


class FullContentAtomFeed(Atom1Feed):
    """Atom with each item's whole HTML in <content type="html">."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


class TimelineFeed(Feed):
    feed_type = FullContentRssFeed
    kinds: set[str] | None = None  # None: every kind
    title_suffix = ""
    page_path = "/"

    @classmethod
    def atom(cls):
        return type(f"{cls.__name__}Atom", (cls,), {"feed_type": FullContentAtomFeed})()

    def tag_slug(self, obj) -> str | None:
        return None

    def title(self, obj=None):
        return f"{settings.SITE_NAME}{self.title_suffix}"

    def description(self, obj=None):
        return settings.SITE_DESCRIPTION

    def subtitle(self, obj=None):
        return settings.SITE_DESCRIPTION

    def link(self, obj=None):
        return absolute_url(self.page_path)

    def author_name(self):
        return settings.SITE_AUTHOR

    def items(self, obj=None):
        return Timeline(tag=self.tag_slug(obj), kinds=self.kinds)[:FEED_LENGTH]

    def item_title(self, entry):
        if self.kinds is None or len(self.kinds) > 1:
            return f"{entry.kind_label}: {entry.title}"
        return entry.title

    def item_description(self, entry):
        return entry.excerpt

    def item_link(self, entry):
        return absolute_url(entry.url)

    def item_guid(self, entry):
        return absolute_url(entry.url)

    def item_pubdate(self, entry):
        return entry.date

    def item_updateddate(self, entry):
        return entry.updated or entry.date

    def item_author_name(self, entry):
        return entry.author or None

    def item_categories(self, entry):
        return [tag.name for tag in entry.tags]

    def item_extra_kwargs(self, entry):
        return {"content_html": entry.content_html or entry.excerpt}


class AllFeed(TimelineFeed):
    page_path = "/"


class TagFeed(TimelineFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def tag_slug(self, obj):
        return obj.slug

    def title(self, obj=None):
        return f"{settings.SITE_NAME}: tagged “{obj.name}”"

    def link(self, obj=None):
        return absolute_url(f"/tags/{obj.slug}/")
