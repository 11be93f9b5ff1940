"""
The paper club's side of an import: the series the posts belong to, and the
library's copy of each paper they cite. Both could serve other imports too
(and move to meetups/services.py).
"""

from collections import Counter
from datetime import time
from statistics import median

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import slugify

from meetups.models import Paper, Series
from portal.hugo.classify import club_name
from portal.hugo.pages import Page
from portal.hugo.references import Reference

# Hugo posts carry a day, not the hour the club met: sessions start at this local time.
SESSION_TIME = time(19, 0)


class SeriesChoiceError(Exception):
    """Which series the sessions belong to cannot be decided without --series."""


def _new_series(*, name: str, slug: str, pages: list[Page], zone_name: str) -> Series:
    """A series whose weekday and rhythm are read off the posts' dates."""
    days = sorted({page.day for page in pages if page.day})
    weekday = Counter(day.weekday() for day in days).most_common(1)[0][0] if days else 1
    weeks = 2
    gaps = [(later - earlier).days for earlier, later in zip(days, days[1:], strict=False)]
    if gaps:
        weeks = min(52, max(1, round(median(gaps) / 7)))
    return Series(
        name=name[:200],
        slug=slug[:100],
        time_zone=zone_name,
        cadence_weekday=weekday,
        cadence_weeks=weeks,
        cadence_time=SESSION_TIME,
    )


def series_for_import(*, choice: str, pages: list[Page], zone_name: str) -> tuple[Series, bool]:
    """
    The series the paper-club posts belong to, and whether it is new (unsaved):
    the one named by slug or name, else the only one there is, else a new one
    named after the club the posts mention.
    """
    choice = choice.strip()
    if choice:
        found = Series.objects.filter(Q(slug=choice) | Q(name__iexact=choice)).first()
        if found is not None:
            return found, False
        if slugify(choice) == choice:
            name, slug = club_name(pages), choice
        else:
            name, slug = choice, slugify(choice)
        return _new_series(name=name, slug=slug, pages=pages, zone_name=zone_name), True
    existing = list(Series.objects.order_by("slug")[:3])
    if len(existing) == 1:
        return existing[0], False
    if existing:
        names = ", ".join(series.slug for series in existing)
        raise SeriesChoiceError(
            f"The site has paper-club posts and there are several series ({names}…): "
            "name theirs with --series."
        )
    name = club_name(pages)
    return _new_series(name=name, slug=slugify(name), pages=pages, zone_name=zone_name), True


# --- papers ---------------------------------------------------------------------------------

_PAPER_FILLABLE = ("authors", "venue", "year", "doi", "arxiv_id", "url", "pdf_url")


def _paper_values(reference: Reference) -> dict:
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


def paper_find(reference: Reference) -> Paper | None:
    """The library's copy of a reference: same DOI, else arXiv id, else link, else title."""
    lookups = []
    if reference.doi:
        lookups.append(Q(doi__iexact=reference.doi))
    if reference.arxiv_id:
        lookups.append(Q(arxiv_id=reference.arxiv_id))
    for url in filter(None, [reference.url, reference.pdf_url]):
        lookups.append(Q(url=url) | Q(pdf_url=url))
    if not reference.title_guessed:
        same_title = Q(title__iexact=reference.title)
        if reference.year:
            same_title &= Q(year=reference.year) | Q(year__isnull=True)
        lookups.append(same_title)
    for lookup in lookups:
        paper = Paper.objects.filter(lookup).order_by("pk").first()
        if paper is not None:
            return paper
    return None


def paper_find_or_create(*, reference: Reference, notes: list[str]) -> tuple[Paper, bool, bool]:
    """
    (paper, created, changed) for a reference. A paper already in the library is
    reused and only its empty fields are filled in: what an organizer corrected
    by hand stays. A field that does not validate (a malformed DOI) is left
    empty with a note rather than losing the paper.
    """
    values = _paper_values(reference)
    paper = paper_find(reference)
    created = paper is None
    if created:
        paper = Paper(**values)
        changed = True
    else:
        changed = False
        for name in _PAPER_FILLABLE:
            if values[name] and not getattr(paper, name):
                setattr(paper, name, values[name])
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
                    f"“{reference.title}”: {name.replace('_', ' ')} “{getattr(paper, name)}” "
                    f"left out ({' '.join(error.message_dict[name])})"
                )
                setattr(paper, name, "" if name != "year" else None)
            paper.full_clean()
        paper.save()
    return paper, created, changed and not created
