"""
Where the page cache keeps what every app process must agree on: the content
generation, which every stored page is checked against, and the clock of each
generation.

The generation lives in the shared cache (`CACHE_URL`, e.g. Redis), so that a save
on one app server makes every page stale on all of them. A process-local cache (the
default local memory) cannot share it with the other processes of the machine
(gunicorn workers, the task worker, management commands): the generation then lives
in a small file they all see, `PAGE_CACHE_GENERATION_FILE`.
"""

import math
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache

KEY_PREFIX = "pagecache"
GENERATION_KEY = f"{KEY_PREFIX}:generation"
# A clock is tiny; one per generation, kept long after its pages have expired.
CLOCK_TIMEOUT = 24 * 60 * 60
# The generation file gains a byte per change; past this size a fresh file replaces it.
GENERATION_FILE_MAX_BYTES = 64 * 1024


class CacheGeneration:
    """The generation as a number in the shared cache; incr() is atomic there."""

    def current(self) -> str:
        return self.current_and(None)[0]

    def current_and(self, key: str | None) -> tuple[str, object]:
        """The generation, and what the cache holds under `key`: one round trip for both."""
        found = cache.get_many([GENERATION_KEY, key] if key else [GENERATION_KEY])
        value = found.get(GENERATION_KEY)
        if value is None:
            # A random start: a generation key lost to eviction or a flush never
            # comes back as a number whose pages may still be stored.
            cache.add(GENERATION_KEY, secrets.randbits(48), timeout=None)
            value = cache.get(GENERATION_KEY)
        return str(value), found.get(key)

    def bump(self) -> str:
        try:
            value = cache.incr(GENERATION_KEY)
        except ValueError:  # missing: any fresh start makes every stored page stale
            cache.add(GENERATION_KEY, secrets.randbits(48), timeout=None)
            value = cache.incr(GENERATION_KEY)
        cache.set(_changed_key(str(value)), time.time(), timeout=CLOCK_TIMEOUT)
        return str(value)

    def changed_at(self, generation: str) -> float | None:
        return cache.get(_changed_key(generation))


class FileGeneration:
    """
    The generation as the state of one file: every change appends a byte (an
    O_APPEND write of one byte is atomic), so its size grows with each change, and
    its modification time says when the last one happened.
    """

    def __init__(self, path: Path):
        self.path = Path(path)

    def current(self) -> str:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return self.bump()
        return f"{stat.st_ino}.{stat.st_size}.{stat.st_mtime_ns}"

    def current_and(self, key: str | None) -> tuple[str, object]:
        """The generation, and what the (process-local) cache holds under `key`."""
        return self.current(), cache.get(key) if key else None

    def bump(self) -> str:
        try:
            file = open(self.path, "ab")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            file = open(self.path, "ab")  # noqa: SIM115
        with file:
            file.write(b".")
            size = file.tell()
        if size > GENERATION_FILE_MAX_BYTES:
            fresh = self.path.with_name(f"{self.path.name}.{os.getpid()}.new")
            fresh.write_bytes(b".")
            os.replace(fresh, self.path)  # a new inode: no earlier state comes back
        return self.current()

    def changed_at(self, generation: str) -> float | None:
        return int(generation.rsplit(".", 1)[1]) / 1e9


def generation_store() -> CacheGeneration | FileGeneration:
    """Where this process finds the generation: in the cache if it is shared, else the file."""
    if isinstance(caches["default"], (LocMemCache, DummyCache)):
        return FileGeneration(settings.PAGE_CACHE_GENERATION_FILE)
    return CacheGeneration()


def _changed_key(generation: str) -> str:
    return f"{KEY_PREFIX}:changed:{generation}"


@dataclass(frozen=True)
class Clock:
    """
    What time does to the pages of one generation: `since`, when they last changed
    (a save, or a moment like a scheduled publication that has passed), and `next`,
    the next such moment (None: nothing is due). Both are Unix times.
    """

    since: float
    next: float | None

    def is_due(self, now: float) -> bool:
        return self.next is not None and self.next <= now

    @property
    def next_or_never(self) -> float:
        return math.inf if self.next is None else self.next
