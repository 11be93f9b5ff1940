"""Writes with side effects for the paper club: scheduling, duplicating, importing papers."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from meetups.bibtex import BibtexProblem, ParsedPaper, parse_bibtex
from meetups.models import Paper, ReadingListEntry, Series, Session
from meetups.zones import combine

# --- scheduling -----------------------------------------------------------------------


def _first_cadence_day(series: Series, *, on_or_after: date) -> date:
    days_ahead = (series.cadence_weekday - on_or_after.weekday()) % 7
    return on_or_after + timedelta(days=days_ahead)


def next_cadence_dates(series: Series, *, count: int, now: datetime | None = None) -> list[date]:
    """
    The local dates of the series' next `count` slots after its latest session
    (keeping the rhythm, every N weeks) and after `now`; without sessions, from
    the first cadence weekday that is still ahead.
    """
    now = now or timezone.now()
    zone = series.zone
    today = now.astimezone(zone).date()
    step = timedelta(weeks=series.cadence_weeks)
    latest = series.sessions.order_by("-starts_at").first()
    if latest is None:
        candidate = _first_cadence_day(series, on_or_after=today)
    else:
        latest_day = latest.starts_at.astimezone(zone).date()
        # A session moved to another weekday does not move the rhythm.
        candidate = _first_cadence_day(series, on_or_after=latest_day - timedelta(days=6))
        while candidate <= latest_day:
            candidate += step
    while combine(candidate, series.cadence_time, zone) <= now:
        candidate += step
    return [candidate + index * step for index in range(count)]


def _lock(series: Series) -> Series:
    return Series.objects.select_for_update().get(pk=series.pk)


@transaction.atomic
def session_schedule_next(
    *, series: Series, count: int, publish: bool = True, now: datetime | None = None
) -> list[Session]:
    """
    Create the next `count` sessions of `series` from its cadence: the series'
    weekday and wall-clock time in its own zone, whatever daylight saving does
    in between (19:00 in Berlin stays 19:00 in March and October).
    """
    if count < 1:
        return []
    series = _lock(series)
    now = now or timezone.now()
    number = series.next_session_number()
    created = []
    for offset, day in enumerate(next_cadence_dates(series, count=count, now=now)):
        starts_at = combine(day, series.cadence_time, series.zone)
        session = Session(
            series=series,
            number=number + offset,
            starts_at=starts_at,
            ends_at=starts_at + series.duration,
            published_at=now if publish else None,
        )
        session.full_clean()
        session.save()
        created.append(session)
    return created


@transaction.atomic
def session_duplicate_as_next(*, session: Session, now: datetime | None = None) -> Session:
    """
    A new draft session after the series' latest one, in the next cadence slot,
    at the local time of day and with the length, topic, description, place and
    tags of `session`. The reading list and write-up start empty.
    """
    series = _lock(session.series)
    (day,) = next_cadence_dates(series, count=1, now=now)
    starts_at = combine(day, session.local_start.time(), series.zone)
    copy = Session(
        series=series,
        number=series.next_session_number(),
        title=session.title,
        starts_at=starts_at,
        ends_at=starts_at + (session.ends_at - session.starts_at),
        venue_name=session.venue_name,
        venue_address=session.venue_address,
        venue_map_url=session.venue_map_url,
        online_url=session.online_url,
        description=session.description,
    )
    copy.full_clean()
    copy.save()
    copy.tags.set(list(session.tags.all()))
    return copy


# --- reading lists --------------------------------------------------------------------


@transaction.atomic
def reading_list_add(
    *, session: Session, paper: Paper, presenter: str = "", note: str = ""
) -> ReadingListEntry:
    """Put `paper` at the end of `session`'s reading list."""
    Session.objects.select_for_update().filter(pk=session.pk).first()
    highest = session.reading_list.aggregate(highest=Max("position"))["highest"] or 0
    entry = ReadingListEntry(
        session=session, paper=paper, position=highest + 1, presenter=presenter, note=note
    )
    entry.full_clean()
    entry.save()
    return entry


@dataclass
class BibtexImportResult:
    added: list[ReadingListEntry] = field(default_factory=list)  # to the reading list
    created: list[Paper] = field(default_factory=list)  # new in the library
    reused: list[Paper] = field(default_factory=list)  # already in the library
    problems: list[BibtexProblem] = field(default_factory=list)

    @property
    def failed_text(self) -> str:
        """The BibTeX of the entries that failed, to correct and paste again."""
        return "\n\n".join(problem.raw.strip() for problem in self.problems if problem.raw)


def _existing_paper(fields: dict) -> Paper | None:
    """The library's copy of a paper: same DOI, same arXiv id, or same title and year."""
    match = Q()
    if fields["doi"]:
        match |= Q(doi__iexact=fields["doi"])
    if fields["arxiv_id"]:
        match |= Q(arxiv_id=fields["arxiv_id"])
    if not match:
        match = Q(title__iexact=fields["title"], year=fields["year"])
    return Paper.objects.filter(match).order_by("pk").first()


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        parts = []
        for name, errors in error.message_dict.items():
            label = {"doi": "DOI", "arxiv_id": "arXiv id", "url": "URL", "pdf_url": "PDF URL"}.get(
                name, name.replace("_", " ")
            )
            parts.extend(f"{label}: {message}" for message in errors)
        return " ".join(parts)
    return " ".join(error.messages)


def _import_one(*, parsed: ParsedPaper, session: Session | None, result: BibtexImportResult):
    paper = _existing_paper(parsed.fields)
    is_new = paper is None
    if is_new:
        paper = Paper(**parsed.fields)
        paper.full_clean()
        paper.save()
    entry = None
    if session is not None:
        if session.reading_list.filter(paper=paper).exists():
            raise ValueError(f"“{paper.title}” is already on this reading list.")
        entry = reading_list_add(session=session, paper=paper)
    (result.created if is_new else result.reused).append(paper)
    if entry is not None:
        result.added.append(entry)


def reading_list_import_bibtex(*, text: str, session: Session | None = None) -> BibtexImportResult:
    """
    Add the papers of pasted BibTeX to the library and, given a session, to the
    end of its reading list. A paper already in the library (same DOI or arXiv
    id) is reused, never stored twice. Each entry is saved on its own: a bad one
    is reported by its key and changes nothing, the good ones are kept.
    """
    parsed_entries, problems = parse_bibtex(text)
    result = BibtexImportResult(problems=problems)
    for parsed in parsed_entries:
        try:
            with transaction.atomic():
                _import_one(parsed=parsed, session=session, result=result)
        except ValidationError as error:
            result.problems.append(
                BibtexProblem(parsed.key, _validation_message(error), parsed.raw)
            )
        except ValueError as error:
            result.problems.append(BibtexProblem(parsed.key, str(error), parsed.raw))
        except IntegrityError:
            # Someone saved the same paper in the meantime; pasting again reuses it.
            result.problems.append(
                BibtexProblem(
                    parsed.key, "it clashed with a paper saved at the same moment; paste it again.",
                    parsed.raw,
                )
            )
    return result
