"""
Time zones of the club: a series lives in one IANA zone, its sessions are
entered and shown as wall-clock times there, and stored in UTC.
"""

import functools
import zoneinfo
from datetime import UTC, date, datetime, time

from django.core.exceptions import ValidationError


@functools.cache
def available_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(available_time_zones())]


def validate_time_zone(value: str) -> None:
    if value not in available_time_zones():
        raise ValidationError(
            "“%(value)s” is not an IANA time zone; use a name such as Europe/Berlin "
            "or America/New_York.",
            code="invalid_time_zone",
            params={"value": value},
        )


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped for daylight saving (e.g. 02:30 on a spring-forward night)."""


def localize(naive: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    """
    Return the aware datetime for wall-clock time `naive` in `zone`. A time the
    clocks skip raises NonexistentLocalTime; a time they pass twice (autumn)
    means the first of the two.
    """
    aware = naive.replace(tzinfo=zone, fold=0)
    round_trip = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != naive.replace(fold=0):
        raise NonexistentLocalTime(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {zone.key}: "
            "the clocks skip it for daylight saving."
        )
    return aware


def localize_forward(naive: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    """Like localize(), but a skipped wall-clock time moves to the same instant after the jump."""
    try:
        return localize(naive, zone)
    except NonexistentLocalTime:
        return naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def combine(day: date, wall_clock: time, zone: zoneinfo.ZoneInfo) -> datetime:
    """The aware datetime of `wall_clock` on `day` in `zone` (DST-safe)."""
    return localize_forward(datetime.combine(day, wall_clock), zone)


def zone_abbreviation(moment: datetime) -> str:
    """“CET”, “CEST”, “EST”; numeric names (“+03”) become “UTC+03”."""
    name = moment.tzname() or ""
    if name[:1] in "+-":
        return f"UTC{name}"
    return name


def zone_label(moment: datetime) -> str:
    """The label shown beside a local time: “CET (Europe/Berlin)”, or just “UTC”."""
    key = getattr(moment.tzinfo, "key", None) or ""
    abbreviation = zone_abbreviation(moment)
    if not key or abbreviation == key:
        return abbreviation or key
    return f"{abbreviation} ({key})"
