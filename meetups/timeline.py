from functools import partial

from django.db.models import Max
from django.template.loader import render_to_string

from meetups.models import Session
from portal.timeline import ModelTimelineSource, TimelineEntry, register


class SessionTimelineSource(ModelTimelineSource):
    """Published sessions, dated by their publication; the next ones also as “Coming up”."""

    kind = "session"
    kind_label = "Session"
    # The series names and places the session; without a description, the excerpt
    # names the papers, whose edits do not touch the session.
    version_fields = ("updated_at", "series__updated_at", "papers_updated_at")

    def queryset(self):
        return Session.objects.published().for_display()

    def key_queryset(self, tag):
        return (
            super()
            .key_queryset(tag)
            .annotate(papers_updated_at=Max("reading_list__paper__updated_at"))
        )

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

    upcoming_date_field = "starts_at"
    upcoming_version_fields = ("updated_at", "series__updated_at")

    def upcoming_queryset(self):
        return self.queryset().upcoming().order_by("starts_at", "pk")

    def upcoming_entry(self, session):
        return self.to_entry(session, upcoming=True)


register(SessionTimelineSource())
