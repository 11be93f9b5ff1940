"""
The abuse limits every public form of the club shares (subscribing, voting,
offering to present): counted in the shared cache, so that every app server
and worker agrees, and keyed by digests, so that the cache holds no addresses.
"""

import hashlib
from datetime import timedelta

from django.core.cache import cache

from meetups.identifiers import normalize_email


def within_limit(key: str, *, limit: int, window: timedelta) -> bool:
    """
    Count one more use of `key` in the shared cache; False once more than `limit`
    uses fall in the window. add() starts a window only if none is running and
    incr() is atomic, so app servers sharing the cache count together.
    """
    seconds = int(window.total_seconds())
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:
        # The window ran out between add() and incr(): this use opens a new one.
        cache.add(key, 1, timeout=seconds)
        count = 1
    return count <= limit


def mailbox_key(kind: str, email: str) -> str:
    """
    The key counting what one mailbox was sent of `kind`, however it is spelled:
    case-folded (“Ada@x.org” and “ada@x.org” count together, though each is
    stored as given). A digest is enough to count them.
    """
    mailbox = normalize_email(email).casefold()
    return f"meetups:{kind}:" + hashlib.sha256(mailbox.encode()).hexdigest()
