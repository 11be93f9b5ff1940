"""
The page cache: anonymous GET and HEAD requests answered from the shared cache,
before sessions, authentication or any view run.

"Anonymous" means no session cookie: anyone signed in (the organizer previewing a
draft) neither gets nor fills a cached page, and gets `private, no-store`. A page is
stored only when nothing in it belongs to one visitor: no cookie set, no CSRF token
used, no CSP nonce drawn, no message shown, and nothing that asked not to be cached
(the pages behind signed links say `private, no-store`). Stored pages answer
conditional requests with 304 and tell proxies how long they may keep them.
"""

import functools
import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    has_vary_header,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe

from portal.metrics import record_page_cache
from portal.pagecache.changes import clock
from portal.pagecache.store import KEY_PREFIX, generation_store

logger = logging.getLogger(__name__)

# Answered by the app for signed-in staff only; never worth a lookup.
NEVER_CACHED_PREFIXES = ("/admin/", "/admin-tools/")
# A page larger than this (a huge sitemap) is rendered each time rather than stored.
MAX_PAGE_BYTES = 2 * 1024 * 1024
# Says whether a response came from the page cache ("hit") or was just stored ("miss").
STATE_HEADER = "X-Page-Cache"
# The settings every page shows: app servers that differ in them keep apart.
SITE_SETTINGS = ("SITE_URL", "SITE_NAME", "SITE_AUTHOR", "SITE_DESCRIPTION", "TIME_ZONE")


class PageCacheMiddleware:
    """Goes right after SecurityMiddleware and WhiteNoise, before the session middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
            # Someone signed in: their pages may hold drafts, and are theirs alone.
            response = self.get_response(request)
            add_never_cache_headers(response)
            return response
        seconds = settings.PAGE_CACHE_SECONDS
        if (
            seconds <= 0
            or request.method not in ("GET", "HEAD")
            or request.path.startswith((*NEVER_CACHED_PREFIXES, settings.MEDIA_URL))
        ):
            return self.get_response(request)
        now = time.time()
        key = page_key(request)
        try:
            generation, page = generation_store().current_and(key)
        except Exception:  # a cache that is down costs speed, never a page
            logger.warning("The page cache is unavailable; rendering the page", exc_info=True)
            return self.get_response(request)
        if isinstance(page, CachedPage) and page.generation == generation and page.expires_at > now:
            record_page_cache(hit=True)
            return _answer(request, page.response(), page, now=now, state="hit")
        record_page_cache(hit=False)
        try:
            page_clock = clock(generation, now=now)
        except Exception:
            logger.warning(
                "The page cache's clock is unavailable; rendering the page", exc_info=True
            )
            return self.get_response(request)

        response = self.get_response(request)
        if not _storable(request, response):
            return response
        page = CachedPage.of(
            response, page_clock, generation=generation, started=now, seconds=seconds
        )
        timeout = page.expires_at - time.time()
        if timeout >= 1:
            try:
                cache.set(key, page, timeout=timeout)
            except Exception:
                logger.warning("The page cache is unavailable; page not stored", exc_info=True)
        return _answer(request, response, page, now=now, state="miss")


@dataclass(frozen=True, slots=True)
class CachedPage:
    """A stored response with what its answers need: validators, and when it goes stale."""

    generation: str  # the content generation it was rendered in; any other: stale
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    etag: str
    # The earliest If-Modified-Since (Unix time, whole seconds) that the page matches.
    not_modified_from: int
    next_change: float | None  # the clock's next moment
    expires_at: float

    @classmethod
    def of(
        cls, response, page_clock, *, generation: str, started: float, seconds: int
    ) -> "CachedPage":
        """Store `response`, adding an ETag and Last-Modified when the view gave none."""
        patch_vary_headers(response, ("Cookie",))
        if not response.has_header("ETag"):
            set_response_etag(response)
        expires_at = min(started + seconds, page_clock.next_or_never)
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        if last_modified is not None:
            # The view dates the content itself (a feed, a calendar): it would answer
            # 304 from that date on, and so does the cached page.
            not_modified_from = last_modified
        else:
            last_modified = math.floor(started)
            response["Last-Modified"] = http_date(last_modified)
            # The date of rendering has one-second steps: a page rendered in the second
            # the content last changed (`since`) has the date of the page from before.
            # Such a date does not match (the ETag still does).
            not_modified_from = max(last_modified, math.ceil(page_clock.since))
        return cls(
            generation=generation,
            status=response.status_code,
            headers=tuple(response.items()),
            content=response.content,
            etag=response["ETag"],
            not_modified_from=not_modified_from,
            next_change=page_clock.next,
            expires_at=expires_at,
        )

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, status=self.status)
        for header, value in self.headers:
            response.headers[header] = value
        return response


def page_key(request) -> str:
    """
    One key per address, whatever the generation: the stored page says which one it
    belongs to, so that a single round trip fetches both the generation and the page.
    """
    url = f"{request.scheme}://{request.get_host()}{request.path}?{request.META.get('QUERY_STRING', '')}"
    digest = hashlib.blake2b(
        f"{_site_digest()}|{url}".encode(errors="backslashreplace"), digest_size=16
    )
    return f"{KEY_PREFIX}:page:{digest.hexdigest()}"


@functools.cache
def _site_digest() -> str:
    values = "|".join(str(getattr(settings, name, "")) for name in SITE_SETTINGS)
    return hashlib.blake2b(values.encode(), digest_size=8).hexdigest()


setting_changed.connect(
    lambda **kwargs: _site_digest.cache_clear(), weak=False, dispatch_uid="portal.pagecache.site"
)


def _storable(request, response) -> bool:
    """Whether `response` is the same for every anonymous visitor, and worth storing."""
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    directives = response.get("Cache-Control", "").lower()
    if any(word in directives for word in ("private", "no-store", "no-cache")):
        return False
    if response.has_header("Vary") and any(
        header.strip().lower() != "cookie" for header in response["Vary"].split(",")
    ):
        return False  # the key knows nothing of other request headers
    if "CSRF_COOKIE_NEEDS_UPDATE" in request.META:  # a CSRF token is in the page
        return False
    if get_nonce(request):  # a CSP nonce was drawn: it is in the page and the header
        return False
    messages = getattr(request, "_messages", None)
    if messages is not None and len(messages):
        return False
    return len(response.content) <= MAX_PAGE_BYTES


def _answer(request, response, page: CachedPage, *, now: float, state: str):
    """`response` (the page) with its caching headers, or 304 when the client has it."""
    proxy_seconds = max(0, min(settings.PAGE_CACHE_PROXY_SECONDS, _seconds_until(page, now)))
    patch_cache_control(response, public=True, max_age=0, s_maxage=proxy_seconds)
    if not has_vary_header(response, "Cookie"):
        patch_vary_headers(response, ("Cookie",))
    response = get_conditional_response(
        request, etag=page.etag, last_modified=page.not_modified_from, response=response
    )
    response[STATE_HEADER] = state
    return response


def _seconds_until(page: CachedPage, now: float) -> int:
    if page.next_change is None:
        return settings.PAGE_CACHE_PROXY_SECONDS
    return math.floor(page.next_change - now)
