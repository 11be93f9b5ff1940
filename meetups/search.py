"""
Sessions, papers and series in site search.

A paper is found from the moment a published session reads it, like the paper
library shows it: its document's `published_at` is the earliest publication time
among the sessions reading it, so a paper read only by a scheduled session turns
up when that session is published, and one read by no published session never.
"""

from django.db.models import Prefetch

from meetups.models import Paper, ReadingListEntry, Series, Session
from portal import search


class SessionSearchSource(search.SearchSource):
    model = Session
    kind = "session"
    kind_label = "Session"
    kind_label_plural = "Sessions"
    listing_url_name = "meetups:series_list"

    def queryset(self):
        return Session.objects.for_display()

    def to_document(self, session):
        reading_list = " ".join(
            f"{entry.paper.title}. {entry.paper.authors_text}."
            for entry in session.reading_list.all()
        )
        parts = [
            f"Cancelled. {session.cancellation_reason}" if session.is_cancelled else "",
            search.text_from_html(session.description_html),
            reading_list,
            search.text_from_html(session.write_up_html),
            session.place_venue_name,
        ]
        return search.Document(
            title=session.display_title,
            url=session.get_absolute_url(),
            date=session.starts_at,
            published_at=session.published_at,
            body=" ".join(part for part in parts if part),
            tags=[tag.name for tag in session.tags.all()],
            updated_at=session.updated_at,
        )

    def depends_on(self):
        return {
            Series: lambda series: series.sessions.values_list("pk", flat=True),
            ReadingListEntry: lambda entry: [entry.session_id],
            Paper: lambda paper: paper.readings.values_list("session_id", flat=True),
        }


class PaperSearchSource(search.SearchSource):
    model = Paper
    kind = "paper"
    kind_label = "Paper"
    kind_label_plural = "Papers"
    listing_url_name = "papers:paper_list"

    def queryset(self):
        readings = ReadingListEntry.objects.select_related("session__series").order_by(
            "session__starts_at"
        )
        return Paper.objects.prefetch_related(Prefetch("readings", queryset=readings))

    def to_document(self, paper):
        sessions = [entry.session for entry in paper.readings.all()]
        published = [session for session in sessions if session.published_at is not None]
        first = min(published, key=lambda session: session.published_at, default=None)
        year = str(paper.year or "")
        parts = [paper.venue, "" if year in paper.venue else year, paper.abstract]
        return search.Document(
            title=paper.title,
            url=paper.get_absolute_url(),
            date=first.starts_at if first else paper.created_at,
            published_at=first.published_at if first else None,
            body=" ".join(part for part in parts if part),
            tags=paper.author_list,  # authors rank like tags: “Lamport” finds his papers first
            updated_at=paper.updated_at,
        )

    def depends_on(self):
        return {
            ReadingListEntry: lambda entry: [entry.paper_id],
            Session: lambda session: ReadingListEntry.objects.filter(
                session_id=session.pk
            ).values_list("paper_id", flat=True),
        }


class SeriesSearchSource(search.SearchSource):
    model = Series
    kind = "series"
    kind_label = "Club"
    kind_label_plural = "Clubs"
    listing_url_name = "meetups:series_list"

    def to_document(self, series):
        # A series has no publication state: its page is public from the start.
        return search.Document(
            title=series.name,
            url=series.get_absolute_url(),
            date=series.created_at,
            published_at=series.created_at,
            body=f"{search.text_from_html(series.description_html)} {series.venue_name} "
            f"{series.cadence_text}",
            updated_at=series.updated_at,
        )


search.register(SessionSearchSource())
search.register(PaperSearchSource())
search.register(SeriesSearchSource())
