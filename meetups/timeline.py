from functools import partial

from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string

from meetups.models import ReadingListEntry, Session
from portal.timeline import ModelTimelineSource, TimelineEntry, register


class SessionTimelineSource(ModelTimelineSource):
    """
    Published sessions, placed on the timeline by the day they meet, or by the day
    they were published when that came first (an upcoming session is news when it
    is announced, as talks are); the next ones also as “Coming up”. A session with
    neither a title nor a reading list is only a date: the series page and “Coming
    up” show it, the timeline waits until there is something to read about.
    """

    kind = "session"
    kind_label = "Session"
    date_field = "timeline_at"
    # The series names and places the session (a paper's edit, which the excerpt may
    # show, moves the session's `updated_at`). Its end decides between "Meets" and "Met".
    version_fields = ("updated_at", "series__updated_at", "ends_at")

    def timeline_items(self):
        has_papers = Exists(ReadingListEntry.objects.filter(session=OuterRef("pk")))
        return Session.objects.filter(~Q(title="") | Q(has_papers))

    def for_entries(self, queryset):
        return queryset.for_display()

    def row_version(self, row, *, now):
        return (*row, row[-1] > now)

    def to_entry(self, session, *, upcoming=False):
        title = session.display_title
        if session.is_cancelled:
            title = f"Cancelled: {title}"
            label = "Was to meet on"
        else:
            label = "Meets on" if session.is_upcoming() else "Met on"
        return TimelineEntry(
            kind=self.kind,
            kind_label=self.kind_label,
            title=title,
            url=session.get_absolute_url(),
            # In “Coming up” an entry is dated by when it happens.
            date=session.starts_at
            if upcoming
            else getattr(session, "timeline_at", None) or session.starts_at,
            updated=max(session.updated_at, session.published_at),
            excerpt=session.excerpt,
            content=partial(render_to_string, "meetups/session_content.html", {"session": session}),
            tags=tuple(session.tags.all()),
            shown_date=session.local_start,
            date_label=label,
            date_text=session.date_text,
            extra={
                "when": session.when_text,
                "series": session.series.name,
                "cancelled": session.is_cancelled,
            },
        )

    upcoming_date_field = "starts_at"
    upcoming_version_fields = ("updated_at", "series__updated_at")

    def upcoming_items(self):
        return Session.objects.all()

    def upcoming_of(self, queryset, *, now, today):
        return queryset.published(now=now).upcoming(now=now).order_by("starts_at", "pk")

    def upcoming_entry(self, session):
        return self.to_entry(session, upcoming=True)


register(SessionTimelineSource())
