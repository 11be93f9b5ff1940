"""
Hugo pages that are paper-club posts (“19th Distributed Systems Paper Club”),
saved as numbered sessions of one series, with the readings the post names
(meetups.hugo.readings) on the reading list and its other links in the write-up.
"""

from django.urls import reverse

from meetups.hugo.lookup import title_lookup
from meetups.hugo.readings import read_post
from meetups.hugo.references import Reference
from meetups.hugo.series import SeriesChoiceError, series_for_import
from meetups.models import Paper, Series, Session
from meetups.services.papers import paper_get_or_create, reading_list_set
from meetups.zones import combine
from portal.hugo.classify import Kind
from portal.hugo.pages import Page
from portal.hugo.plan import Planned
from portal.hugo.targets import (
    HugoImportError,
    ImportTarget,
    register,
    tag_names,
    tags_apply,
    values_apply,
)


def _paper_fields(reference: Reference) -> dict:
    return {
        "title": reference.title,
        "authors": "\n".join(reference.authors),
        "kind": reference.kind,
        "venue": reference.venue,
        "year": reference.year,
        "doi": reference.doi,
        "arxiv_id": reference.arxiv_id,
        "url": reference.url,
        "pdf_url": reference.pdf_url,
    }


@register
class SessionTarget(ImportTarget):
    kind = Kind.SESSION
    row = "sessions"
    extra_rows = (("papers", "papers “unchanged” were already in the library and are reused"),)
    save_order = 1

    series: Series
    series_is_new: bool

    def prepare(self, pages: list[Page]) -> None:
        try:
            self.series, self.series_is_new = series_for_import(
                choice=self.run.series_choice, pages=pages, zone_name=self.run.zone.key
            )
        except SeriesChoiceError as error:
            raise HugoImportError(str(error)) from error

    def start(self) -> str:
        series = self.series
        if not self.series_is_new:
            return (
                f"Paper-club posts go to the series “{series.name}” ({series.get_absolute_url()})."
            )
        series.full_clean()
        series.save()
        verb = "Would create" if self.run.dry_run else "Created"
        return (
            f"{verb} the series “{series.name}” ({series.get_absolute_url()}): "
            f"{series.cadence_text}. The weekday and rhythm come from the posts' dates, "
            "the time is a default: check them in the admin."
        )

    def page_path(self, planned: Planned) -> str:
        return reverse(
            "meetups:session_detail", kwargs={"series": self.series.slug, "number": planned.number}
        )

    def section_paths(self) -> tuple[str, str]:
        feed = reverse("meetups:series_feed_rss", kwargs={"series": self.series.slug})
        return self.series.get_absolute_url(), feed

    def _papers(self, planned: Planned, references: list[Reference]) -> list[Paper]:
        papers, seen = [], set()
        notes = planned.page.notes
        tally = self.run.report.tally("papers")
        for reference in references:
            if reference.title_guessed:
                notes.append(title_lookup(reference))
            for name in ("url", "pdf_url"):
                value = getattr(reference, name)
                if value:
                    setattr(reference, name, self.run.links.web_url(value, planned))
            paper, created, changed = paper_get_or_create(
                fields=_paper_fields(reference),
                title_is_guess=reference.title_guessed,
                notes=notes,
            )
            tally.count(created=created, changed=changed)
            if paper.pk not in seen:
                seen.add(paper.pk)
                papers.append(paper)
        return papers

    def save(self, planned: Planned) -> tuple[bool, bool]:
        page, series = planned.page, self.series
        session = Session.objects.filter(series=series, number=planned.number).first()
        created = session is None
        if created:
            session = Session(series=series, number=planned.number)
        reading = read_post(page.body)
        references, write_up = reading.readings, reading.write_up
        page.notes.extend(reading.notes)
        # The post gives the day; the hour is the series' usual one, unless the
        # organizer has set the session's own time on that same day since.
        if created or session.local_start.date() != page.day:
            starts_at = combine(page.day, series.cadence_time, series.zone)
            ends_at = starts_at + series.duration
        else:
            starts_at, ends_at = session.starts_at, session.ends_at
        changed = values_apply(
            session,
            {
                "title": planned.session_title.topic[:200],
                "starts_at": starts_at,
                "ends_at": ends_at,
                "description": page.summary,
                "write_up": self.run.links.markdown(write_up, planned),
                "published_at": None if page.draft else page.published,
            },
        )
        if changed:
            session.full_clean()
            session.save()
        papers = self._papers(planned, references)
        if not references:
            page.notes.append("no references found: the reading list is empty.")
        changed |= reading_list_set(session=session, papers=papers)
        changed |= tags_apply(session, tag_names(page), created=created)
        return created, changed
