"""Scheduling from the cadence keeps the series' wall-clock time across daylight saving."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from meetups.models import Session
from meetups.services import next_cadence_dates, session_duplicate_as_next, session_schedule_next
from meetups.zones import NonexistentLocalTime, localize

BERLIN = ZoneInfo("Europe/Berlin")


def test_biweekly_berlin_series_stays_at_1900_local_across_both_changes(series):
    # From February to December 2026: Berlin moves to CEST on 29 March and back on 25 October.
    now = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
    created = session_schedule_next(series=series, count=24, now=now)

    local_starts = [session.starts_at.astimezone(BERLIN) for session in created]
    assert {start.strftime("%A %H:%M") for start in local_starts} == {"Tuesday 19:00"}
    assert all(
        b.date() - a.date() == timedelta(days=14)
        for a, b in zip(local_starts, local_starts[1:], strict=False)
    )
    # In UTC the sessions move by an hour with the clocks: 18:00 in winter, 17:00 in summer.
    utc_hours = {start.date().isoformat(): start.astimezone(UTC).hour for start in local_starts}
    assert utc_hours["2026-03-17"] == 18  # last before the March change
    assert utc_hours["2026-03-31"] == 17  # first after it
    assert utc_hours["2026-10-13"] == 17  # last before the October change
    assert utc_hours["2026-10-27"] == 18  # first after it
    # So one interval is an hour short of 14 days and another an hour long.
    instants = [session.starts_at.astimezone(UTC) for session in created]
    gaps = {b - a for a, b in zip(instants, instants[1:], strict=False)}
    assert gaps == {timedelta(days=14), timedelta(days=14, hours=-1), timedelta(days=14, hours=1)}
    assert [s.number for s in created] == list(range(1, 25))
    assert all(s.ends_at - s.starts_at == timedelta(hours=2) for s in created)


def test_scheduling_continues_after_the_latest_session_and_its_number(series, make_session):
    latest = make_session(
        number=20,
        starts_at=localize(datetime(2026, 3, 17, 19, 0), BERLIN),
        ends_at=localize(datetime(2026, 3, 17, 21, 0), BERLIN),
    )
    created = session_schedule_next(series=series, count=2, now=datetime(2026, 3, 1, tzinfo=UTC))
    assert [s.number for s in created] == [21, 22]
    assert [s.local_start.isoformat() for s in created] == [
        "2026-03-31T19:00:00+02:00",
        "2026-04-14T19:00:00+02:00",
    ]
    assert latest.pk not in [s.pk for s in created]


def test_a_long_pause_keeps_the_rhythm_and_never_schedules_in_the_past(series, make_session):
    make_session(
        number=5,
        starts_at=localize(datetime(2025, 1, 7, 19, 0), BERLIN),
        ends_at=localize(datetime(2025, 1, 7, 21, 0), BERLIN),
    )
    now = datetime(2026, 2, 4, 12, 0, tzinfo=UTC)  # a Wednesday
    (day,) = next_cadence_dates(series, count=1, now=now)
    assert day.weekday() == 1
    assert (day - datetime(2025, 1, 7).date()).days % 14 == 0
    assert now.date() < day <= now.date() + timedelta(days=14)


def test_first_session_of_a_new_series_is_the_next_cadence_day(make_series):
    weekly = make_series(cadence_weeks=1, cadence_weekday=3, cadence_time=time(18, 30))
    # Thursday 8 January 2026 at 20:00 Berlin: 18:30 has passed, so the next Thursday.
    now = localize(datetime(2026, 1, 8, 20, 0), BERLIN)
    (session,) = session_schedule_next(series=weekly, count=1, now=now)
    assert session.local_start.isoformat() == "2026-01-15T18:30:00+01:00"
    assert weekly.cadence_text == "every Thursday, 18:30 Europe/Berlin"


@pytest.mark.parametrize(
    ("weeks", "expected"),
    [
        (1, "every Tuesday, 19:00 Europe/Berlin"),
        (2, "every other Tuesday, 19:00 Europe/Berlin"),
        (3, "every 3 weeks on Tuesday, 19:00 Europe/Berlin"),
    ],
    ids=["weekly", "biweekly", "three-weekly"],
)
def test_cadence_in_words(make_series, weeks, expected):
    assert make_series(cadence_weeks=weeks).cadence_text == expected


def test_a_time_skipped_by_the_clocks_is_refused_by_localize():
    with pytest.raises(NonexistentLocalTime):
        localize(datetime(2026, 3, 29, 2, 30), BERLIN)
    # 02:30 on the night clocks go back exists twice: the first one is meant.
    assert localize(datetime(2026, 10, 25, 2, 30), BERLIN).utcoffset() == timedelta(hours=2)


def test_scheduled_sessions_are_drafts_unless_published_on_purpose(series):
    now = datetime(2026, 2, 1, tzinfo=UTC)
    drafts = session_schedule_next(series=series, count=1, now=now)
    published = session_schedule_next(series=series, count=1, publish=True, now=now)
    assert drafts[0].published_at is None and not drafts[0].is_published()
    assert published[0].published_at == now
    assert published[0].number == 2


def test_duplicate_as_next_copies_the_plan_but_not_the_papers(series, make_session):
    original = make_session(
        number=7,
        title="Raft",
        description="Figure 8.",
        papers=2,
        tags=["raft"],
        starts_at=localize(datetime(2026, 5, 5, 18, 0), BERLIN),
        ends_at=localize(datetime(2026, 5, 5, 20, 30), BERLIN),
        write_up="Done.",
    )
    copy = session_duplicate_as_next(session=original, now=datetime(2026, 5, 1, tzinfo=UTC))
    assert copy.number == 8
    assert copy.title == "Raft" and copy.description == "Figure 8."
    assert copy.local_start.isoformat() == "2026-05-19T18:00:00+02:00"
    assert copy.ends_at - copy.starts_at == timedelta(hours=2, minutes=30)
    assert copy.published_at is None
    assert copy.write_up == ""
    assert copy.reading_list.count() == 0
    assert [tag.name for tag in copy.tags.all()] == ["raft"]
    assert Session.objects.filter(series=series).count() == 2
