from django.template.loader import render_to_string
from django.utils.dateformat import format as format_date

from portal.timeline import ModelTimelineSource, TimelineEntry
from talks.models import Talk


class TalkTimelineSource(ModelTimelineSource):
    """Published talks, placed on the timeline by the day they are given."""

    kind = "talk"
    kind_label = "Talk"
    date_field = "date"

    def queryset(self):
        return Talk.objects.published().for_display()

    def to_entry(self, talk):
        excerpt = f"{talk.event_name}, {talk.place}."
        if talk.excerpt:
            excerpt = f"{excerpt} {talk.excerpt}"
        return TimelineEntry(
            kind=self.kind,
            kind_label=self.kind_label,
            title=talk.title,
            url=talk.get_absolute_url(),
            date=talk.starts_at,
            updated=talk.updated_at,
            author=talk.speaker_names,
            excerpt=excerpt,
            content_html=render_to_string("talks/talk_feed_content.html", {"talk": talk}),
            tags=tuple(talk.tags.all()),
            extra={
                "when": format_date(talk.date, "j F Y"),
                "place": talk.place,
                "event": talk.event_name,
            },
        )

    def upcoming(self, *, limit: int) -> list[TimelineEntry]:
        talks = self.queryset().upcoming()[:limit]
        return [self.to_entry(talk) for talk in talks]
