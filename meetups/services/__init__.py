"""
Writes with side effects for the paper club, one module per area; the public
names are re-exported here, so callers say `services.subscription_request(...)`.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q

from meetups.bibtex import BibtexProblem, ParsedPaper, parse_bibtex
from meetups.models import Paper, ReadingListEntry, Session
from meetups.services.announcements import (
    NothingToAnnounce,
    announcement_create,
    announcement_preview,
    announcement_resume,
    announcement_send_test,
    reminders_send_due,
)
from meetups.services.scheduling import (
    next_cadence_dates,
    session_duplicate_as_next,
    session_schedule_next,
)
from meetups.services.subscriptions import (
    ConfirmOutcome,
    SubscribeOutcome,
    subscription_confirm,
    subscription_request,
    subscription_resubscribe,
    subscription_send_confirmation,
    subscription_unsubscribe,
)

__all__ = [
    "ConfirmOutcome",
    "NothingToAnnounce",
    "SubscribeOutcome",
    "announcement_create",
    "announcement_preview",
    "announcement_resume",
    "announcement_send_test",
    "next_cadence_dates",
    "reminders_send_due",
    "session_duplicate_as_next",
    "session_schedule_next",
    "subscription_confirm",
    "subscription_request",
    "subscription_resubscribe",
    "subscription_send_confirmation",
    "subscription_unsubscribe",
]


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
                    parsed.key,
                    "it clashed with a paper saved at the same moment; paste it again.",
                    parsed.raw,
                )
            )
    return result
