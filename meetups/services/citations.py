"""
Pasted citations into the library: BibTeX, DOIs, arXiv ids, links and
formatted references, one or many, read by meetups.citations and completed by
the metadata lookup when it is reachable.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from meetups.citations import Citation, CitationError, read_citations
from meetups.models import Paper, ReadingListEntry, Session
from meetups.services.papers import paper_get_or_create, reading_list_add


@dataclass
class CitationsImportResult:
    """What a paste gave: papers new in the library, papers already there, what was not read."""

    created: list[Paper] = field(default_factory=list)
    reused: list[Paper] = field(default_factory=list)
    added: list[ReadingListEntry] = field(default_factory=list)  # to the session's list
    already_listed: list[Paper] = field(default_factory=list)  # on the list before the paste
    not_understood: list[CitationError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lookup_unavailable: str = ""  # why the lookup could not be asked, when it could not

    @property
    def failed_text(self) -> str:
        """The citations that were not read, to correct and paste again."""
        return "\n\n".join(
            error.understood.source.strip()
            for error in self.not_understood
            if error.understood.source.strip()
        )


def _lookup_functions():
    """(metadata_lookup, LookupUnavailable, NotFound), or None when the lookup is not installed."""
    try:
        from meetups.lookup import LookupUnavailable, NotFound, metadata_lookup
    except ImportError:
        return None
    return metadata_lookup, LookupUnavailable, NotFound


def _validation_message(error: ValidationError) -> str:
    labels = {"doi": "DOI", "arxiv_id": "arXiv id", "url": "URL", "pdf_url": "PDF link"}
    if hasattr(error, "error_dict"):
        return " ".join(
            f"{labels.get(name, name.replace('_', ' '))}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        )
    return " ".join(error.messages)


def _complete(citation: Citation) -> bool:
    """Whether the text gave everything the lookup could add."""
    return bool(
        citation.title
        and citation.authors
        and citation.year
        and (citation.doi or citation.arxiv_id)
    )


def papers_import_citations(
    *, text: str, session: Session | None = None, lookup: bool = True
) -> CitationsImportResult:
    """
    Add every paper `text` cites to the library and, given a session, to the end
    of its reading list. A paper already in the library (paper_find_existing) is
    reused, never stored twice. With `lookup`, what the text leaves out is asked
    of the metadata services; when they cannot be reached, the text alone is
    used and `lookup_unavailable` says why. A citation that cannot be read, or
    whose title only the lookup could give, is in `not_understood` with what
    was understood, and nothing is saved for it. Raises CitationError for a
    paste too long to read.
    """
    result = CitationsImportResult()
    functions = _lookup_functions() if lookup else None
    if lookup and functions is None:
        result.lookup_unavailable = "The paper lookup is not installed."
    for item in read_citations(text):
        if isinstance(item, CitationError):
            result.not_understood.append(item)
            continue
        citation = item
        if functions is not None and not result.lookup_unavailable and not _complete(citation):
            metadata_lookup, lookup_unavailable, not_found = functions
            try:
                citation = metadata_lookup(citation)
            except lookup_unavailable as error:
                # One failure is enough: the rest of the paste is read from the text.
                result.lookup_unavailable = str(error)
            except not_found as error:
                if citation.needs_lookup:
                    result.not_understood.append(CitationError(str(error), citation))
                    continue
                result.notes.append(f"“{citation.title}”: {error}")
        if citation.needs_lookup:
            reason = (
                "the lookup was not available"
                if result.lookup_unavailable or not lookup
                else "the lookup found nothing"
            )
            result.not_understood.append(
                CitationError(
                    f"Only its identifier or link is known and {reason}: "
                    "paste the whole reference (or BibTeX) to add it.",
                    citation,
                )
            )
            continue
        _save(citation=citation, session=session, result=result)
    return result


def _save(*, citation: Citation, session: Session | None, result: CitationsImportResult):
    notes: list[str] = []
    try:
        with transaction.atomic():
            paper, created, _changed = paper_get_or_create(
                fields=citation.paper_fields(), notes=notes
            )
            entry = None
            if session is not None:
                if session.reading_list.filter(paper=paper).exists():
                    result.already_listed.append(paper)
                else:
                    entry = reading_list_add(session=session, paper=paper)
    except ValidationError as error:
        result.not_understood.append(CitationError(_validation_message(error), citation))
        return
    except IntegrityError:
        result.not_understood.append(
            CitationError(
                "It clashed with a paper saved at the same moment; paste it again.", citation
            )
        )
        return
    (result.created if created else result.reused).append(paper)
    if entry is not None:
        result.added.append(entry)
    result.notes.extend(notes)
    result.notes.extend(f"“{paper.title}”: {note}" for note in citation.notes)
