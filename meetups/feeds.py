from django.shortcuts import get_object_or_404

from meetups.models import Series
from meetups.timeline import SessionTimelineSource
from portal.feeds import FEED_LENGTH, TimelineFeed
from portal.links import absolute_url


class SessionsFeed(TimelineFeed):
    kinds = {"session"}
    title_suffix = ": paper club"
    page_path = "/club/"


class SeriesSessionsFeed(TimelineFeed):
    """The sessions of one series."""

    kinds = {"session"}

    def get_object(self, request, series):
        return get_object_or_404(Series, slug=series)

    def title(self, obj=None):
        return obj.name

    def description(self, obj=None):
        return obj.excerpt or obj.cadence_text

    def subtitle(self, obj=None):
        return self.description(obj)

    def link(self, obj=None):
        return absolute_url(obj.get_absolute_url())

    def items(self, obj=None):
        source = SessionTimelineSource()
        sessions = source.queryset().filter(series=obj).order_by("-published_at", "-pk")
        return [source.to_entry(session) for session in sessions[:FEED_LENGTH]]
