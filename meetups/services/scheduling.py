"""
Sessions from a series' cadence: its next dates, the next N sessions, and a
copy of a session in the next free slot.
"""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from meetups.models import Series, Session
from meetups.zones import combine


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
    *, series: Series, count: int, publish: bool = False, now: datetime | None = None
) -> list[Session]:
    """
    Create the next `count` sessions of `series` from its cadence: the series'
    weekday and wall-clock time in its own zone, whatever daylight saving does
    in between (19:00 in Berlin stays 19:00 in March and October). They are
    drafts unless `publish`: a number and a date are no news for the site yet.
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
