from functools import partial

from django.template.loader import render_to_string

from meetups.models import Session
from portal.timeline import ModelTimelineSource, TimelineEntry, register


class SessionTimelineSource(ModelTimelineSource):
    """Published sessions, dated by their publication; the next ones also as “Coming up”."""

    kind = "session"
    kind_label = "Session"

    def queryset(self):
        return Session.objects.published().for_display()

    def to_entry(self, session, *, upcoming=False):
        title = session.display_title
        if session.is_cancelled:
            title = f"Cancelled: {title}"
        excerpt = session.when_text
        if session.excerpt:
            excerpt = f"{excerpt}. {session.excerpt}"
        return TimelineEntry(
            kind=self.kind,
            kind_label=self.kind_label,
            title=title,
            url=session.get_absolute_url(),
            # In “Coming up” an entry is dated by when it happens, elsewhere by its announcement.
            date=session.starts_at if upcoming else session.published_at,
            updated=max(session.updated_at, session.published_at),
            excerpt=excerpt,
            content=partial(render_to_string, "meetups/session_content.html", {"session": session}),
            tags=tuple(session.tags.all()),
            extra={
                "when": session.when_text,
                "series": session.series.name,
                "cancelled": session.is_cancelled,
            },
        )

    def upcoming(self, *, limit):
        sessions = self.queryset().upcoming().order_by("starts_at", "pk")[:limit]
        return [self.to_entry(session, upcoming=True) for session in sessions]


register(SessionTimelineSource())
