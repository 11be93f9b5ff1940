"""
The club's library and reading lists: recognising a paper already in the
library, adding papers (one, pasted BibTeX, or a whole imported reading list)
and keeping each session's list in order.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from meetups.bibtex import BibtexProblem, ParsedPaper, parse_bibtex
from meetups.citations import Citation, CitationError, read_citation
from meetups.identifiers import normalize_arxiv_id, normalize_doi
from meetups.lookup import LookupUnavailable, NotFound, metadata_lookup
from meetups.models import Paper, ReadingListEntry, Session
from meetups.models.paper import next_reading_list_position

# --- the library --------------------------------------------------------------------------


def paper_find_existing(
    *,
    doi: str = "",
    arxiv_id: str = "",
    urls: Iterable[str] = (),
    title: str = "",
    year: int | None = None,
) -> Paper | None:
    """
    The library's copy of a paper, or None when the paper is new. The same
    paper is the one with the same DOI, else the same arXiv id, else one of
    `urls` as its page or PDF, else the same title (ignoring case) from the same
    year or of no known year, unless its own DOI or arXiv id says it is another.
    Leave `title` empty when it is only a guess made from a link.
    """
    doi, arxiv_id = normalize_doi(doi), normalize_arxiv_id(arxiv_id)
    lookups = []
    if doi:
        lookups.append(Q(doi__iexact=doi))
    if arxiv_id:
        lookups.append(Q(arxiv_id=arxiv_id))
    for url in dict.fromkeys(filter(None, urls)):
        lookups.append(Q(url=url) | Q(pdf_url=url))
    if title:
        same_title = Q(title__iexact=title)
        if year:
            same_title &= Q(year=year) | Q(year__isnull=True)
        # A paper with another DOI or arXiv id is another paper of the same name.
        if doi:
            same_title &= Q(doi="")
        if arxiv_id:
            same_title &= Q(arxiv_id="")
        lookups.append(same_title)
    for lookup in lookups:
        paper = Paper.objects.filter(lookup).order_by("pk").first()
        if paper is not None:
            return paper
    return None


def _existing_paper(fields: dict, *, title_is_guess: bool = False) -> Paper | None:
    """The library's copy of the paper that Paper `fields` describe (see paper_find_existing)."""
    return paper_find_existing(
        doi=fields["doi"],
        arxiv_id=fields["arxiv_id"],
        urls=[fields["url"], fields["pdf_url"]],
        title="" if title_is_guess else fields["title"],
        year=fields["year"],
    )


_FILLABLE = ("authors", "venue", "year", "doi", "arxiv_id", "url", "pdf_url")


def paper_get_or_create(
    *, fields: dict, title_is_guess: bool = False, notes: list[str]
) -> tuple[Paper, bool, bool]:
    """
    (paper, created, changed) for the Paper `fields` of a reference read from
    text. A paper already in the library is reused and only its empty fields
    are filled in: what an organizer corrected by hand stays. A field that does
    not validate (a malformed DOI) is left empty with a line in `notes` rather
    than losing the paper; an invalid title raises ValidationError.
    """
    paper = _existing_paper(fields, title_is_guess=title_is_guess)
    created = paper is None
    if created:
        paper = Paper(**fields)
        changed = True
    else:
        changed = False
        for name in _FILLABLE:
            if fields[name] and not getattr(paper, name):
                setattr(paper, name, fields[name])
                changed = True
    if changed:
        try:
            paper.full_clean()
        except ValidationError as error:
            bad = set(error.message_dict) - {"title", "__all__"}
            if not bad or "title" in error.message_dict:
                raise
            for name in bad:
                notes.append(
                    f"“{fields['title']}”: {name.replace('_', ' ')} “{getattr(paper, name)}” "
                    f"left out ({' '.join(error.message_dict[name])})"
                )
                setattr(paper, name, "" if name != "year" else None)
            paper.full_clean()
        paper.save()
    return paper, created, changed and not created


# --- reading lists ------------------------------------------------------------------------


@transaction.atomic
def reading_list_add(
    *, session: Session, paper: Paper, presenter: str = "", note: str = ""
) -> ReadingListEntry:
    """Put `paper` at the end of `session`'s reading list; returns its entry."""
    Session.objects.select_for_update().filter(pk=session.pk).first()
    entry = ReadingListEntry(
        session=session,
        paper=paper,
        position=next_reading_list_position(session_id=session.pk),
        presenter=presenter,
        note=note,
    )
    entry.full_clean()
    entry.save()
    return entry


def reading_list_set(*, session: Session, papers: list[Paper]) -> bool:
    """
    Make `session`'s reading list exactly `papers`, in that order, numbered from
    1; returns whether it changed. Entries kept keep their presenter and note.
    """
    entries = {entry.paper_id: entry for entry in session.reading_list.all()}
    wanted = [paper.pk for paper in papers]
    current = [
        entry.paper_id for entry in sorted(entries.values(), key=lambda e: (e.position, e.pk))
    ]
    if current == wanted:
        return False
    session.reading_list.exclude(paper_id__in=wanted).delete()
    for position, paper in enumerate(papers, start=1):
        entry = entries.get(paper.pk)
        if entry is None:
            ReadingListEntry.objects.create(session=session, paper=paper, position=position)
        elif entry.position != position:
            entry.position = position
            entry.save(update_fields=["position", "updated_at"])
    return True


# --- pasted BibTeX ------------------------------------------------------------------------


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
    end of its reading list. A paper already in the library (paper_find_existing)
    is reused, never stored twice. Each entry is saved on its own: a bad one
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


# --- one paper from a citation ------------------------------------------------------------


@dataclass
class PaperDraft:
    """A paper read from one citation (and looked up), for an organizer to check before saving."""

    citation: Citation  # what was understood: from the text, then from the lookup
    problem: str = ""  # why the text could not be read as a citation; nothing to save then
    lookup: str = ""  # "found", "not_found", "unavailable" or "" (not asked)
    lookup_message: str = ""
    existing: Paper | None = None  # the library's copy, which saving reuses


def _comparable_title(title: str) -> str:
    """A title as paper_find_existing should compare it: one space, no closing full stop."""
    return " ".join(title.split()).rstrip(".").strip()


def _complete(citation: Citation) -> bool:
    return bool(citation.title and citation.authors and citation.year and citation.venue)


def paper_from_citation(*, text: str, lookup: bool = True) -> PaperDraft:
    """
    What one pasted citation (DOI, arXiv id, link or reference) says of a paper,
    filled in by the metadata lookup when `lookup` and online, and the library's
    copy of that paper if it has one. Saves nothing; an unreadable citation comes
    back with `problem` and what was understood.
    """
    try:
        citation = read_citation(text)
    except CitationError as error:
        return PaperDraft(citation=error.understood, problem=error.message)
    draft = PaperDraft(citation=citation)
    if lookup and not (_complete(citation) and citation.doi):
        try:
            draft.citation = metadata_lookup(citation)
            draft.lookup = "found"
        except NotFound as error:
            draft.lookup, draft.lookup_message = "not_found", error.message
        except LookupUnavailable as error:
            draft.lookup, draft.lookup_message = "unavailable", error.message
    found = draft.citation
    draft.existing = paper_find_existing(
        doi=found.doi,
        arxiv_id=found.arxiv_id,
        urls=[found.url, found.pdf_url],
        title=_comparable_title(found.title),
        year=found.year,
    )
    return draft


def paper_add(*, fields: dict) -> tuple[Paper, bool]:
    """
    (paper, created) for a paper an organizer checked: the library's copy when it
    has one (paper_find_existing: same DOI, arXiv id, link or title), with only its
    empty fields filled in; else a new paper. Raises ValidationError for bad fields.
    """
    fields = {**fields, "title": _comparable_title(fields["title"])}
    notes: list[str] = []
    try:
        with transaction.atomic():
            paper, created, _changed = paper_get_or_create(fields=fields, notes=notes)
    except IntegrityError:
        # The same paper was saved at the same moment: that copy is the one.
        paper = _existing_paper(fields)
        if paper is None:
            raise
        created = False
    return paper, created
