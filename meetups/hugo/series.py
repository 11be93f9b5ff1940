"""The series an imported site's paper-club posts belong to."""

from collections import Counter
from datetime import time
from statistics import median

from django.db.models import Q
from django.utils.text import slugify

from meetups.models import Series
from portal.hugo.classify import club_name
from portal.hugo.pages import Page

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
