from dataclasses import replace
from datetime import datetime, time
from functools import lru_cache, partial

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as format_date

from portal.timeline import ModelTimelineSource, TimelineEntry, register
from talks.models import Talk


@lru_cache(maxsize=1)
def _local_date(now: datetime, zone):
    # Every row of one query is read at the same `now`: the date is worked out once.
    return timezone.localdate(now, zone)


class TalkTimelineSource(ModelTimelineSource):
    """
    Published talks, placed on the timeline by the day they are given, or by the
    day they were announced when that came first: an upcoming talk shows up as
    news when it is published, not pinned above everything until it happens.
    """

    kind = "talk"
    kind_label = "Talk"
    date_field = "timeline_at"
    version_fields = ("updated_at", "date")

    def timeline_items(self):
        return Talk.objects.all()

    def for_entries(self, queryset):
        return queryset.for_display()

    def row_version(self, row, *, now):
        # “To be given on …” until the day has come.
        return (*row, row[-1] >= _local_date(now, timezone.get_current_timezone()))

    def to_entry(self, talk):
        excerpt = f"{talk.event_name}, {talk.place}."
        if talk.excerpt:
            excerpt = f"{excerpt} {talk.excerpt}"
        return TimelineEntry(
            kind=self.kind,
            kind_label=self.kind_label,
            title=talk.title,
            url=talk.get_absolute_url(),
            date=getattr(talk, "timeline_at", None) or talk.starts_at,
            updated=talk.updated_at,
            author=talk.speaker_names,
            excerpt=excerpt,
            content=partial(render_to_string, "talks/talk_feed_content.html", {"talk": talk}),
            tags=tuple(talk.tags.all()),
            shown_date=talk.date,
            date_label="To be given on" if talk.is_upcoming() else "Given on",
            date_text=format_date(talk.date, "j F Y"),
            extra={
                "when": format_date(talk.date, "j F Y"),
                "place": talk.place,
                "event": talk.event_name,
            },
        )

    # In "Coming up" a talk is dated by its day, like sessions by their start.
    upcoming_date_field = "date"

    def upcoming_items(self):
        return Talk.objects.all()

    def upcoming_of(self, queryset, *, now, today):
        return queryset.published(now=now).upcoming(today=today)

    def upcoming_entry(self, talk):
        return replace(self.to_entry(talk), date=talk.starts_at)

    def upcoming_date(self, value):
        return timezone.make_aware(datetime.combine(value, time.min))


register(TalkTimelineSource())
