"""
The one way the lookup talks to the outside: a GET to a service whose base URL is a
setting, with a timeout in seconds, a User-Agent naming the site and a contact (as
Crossref asks of polite clients), and every failure turned into LookupUnavailable
or NotFound with a message an organizer can read.
"""

import functools
import http.client
import json
import ssl
import time
from email.utils import parsedate_to_datetime
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import HTTPRedirectHandler, HTTPSHandler, Request, build_opener

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from meetups.lookup.errors import LookupUnavailable, NotFound

# No metadata record comes near this; a larger answer is not what was asked for.
MAX_ANSWER_BYTES = 2 * 1024 * 1024
# After a 429 without Retry-After, and the longest pause honoured.
DEFAULT_PAUSE_SECONDS = 60
MAX_PAUSE_SECONDS = 3600


class Service:
    """A public API the lookup asks: its name for messages and the setting of its base URL."""

    def __init__(self, name: str, setting: str):
        self.name = name
        self.setting = setting

    @property
    def base_url(self) -> str:
        return getattr(settings, self.setting).rstrip("/")

    def __repr__(self):
        return f"Service({self.name!r})"


CROSSREF = Service("Crossref", "CROSSREF_API_URL")
DATACITE = Service("DataCite", "DATACITE_API_URL")
ARXIV = Service("arXiv", "ARXIV_API_URL")
OPENALEX = Service("OpenAlex", "OPENALEX_API_URL")


def user_agent() -> str:
    """“Talks, Posts & Papers (https://example.org; mailto:club@example.org)”."""
    return f"{settings.SITE_NAME} ({settings.SITE_URL}; mailto:{settings.PAPER_LOOKUP_CONTACT})"


class _StayOnService(HTTPRedirectHandler):
    """Follows a redirect only within the service's own origin: the lookup asks nobody else."""

    def __init__(self, service: Service):
        self.service = service

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if _origin(newurl) != _origin(self.service.base_url):
            raise LookupUnavailable(
                f"{self.service.name} sent the request elsewhere ({_origin(newurl)}); not followed."
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # Made once: loading the system's certificates costs more than a whole lookup.
    return ssl.create_default_context()


def _opener(service: Service):
    return build_opener(HTTPSHandler(context=_tls_context()), _StayOnService(service))


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _pause_key(service: Service) -> str:
    return f"paper-lookup:pause:{service.setting}"


def _retry_after_seconds(value: str | None) -> int:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return DEFAULT_PAUSE_SECONDS
    value = value.strip()
    if value.isdigit():
        seconds = int(value)
    else:
        try:
            seconds = int((parsedate_to_datetime(value) - timezone.now()).total_seconds())
        except (TypeError, ValueError, IndexError, OverflowError):
            return DEFAULT_PAUSE_SECONDS
    return min(max(seconds, 1), MAX_PAUSE_SECONDS)


def _wait_text(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{round(seconds / 60)} minutes"


def fetch(service: Service, path: str, params: dict | None = None, *, accept: str) -> bytes:
    """
    The body of GET `path` (already quoted) under `service`'s base URL. Raises NotFound
    for a 404 (or 410), LookupUnavailable for anything else that is not a 200: no
    network, a timeout, a 5xx, a 429 (after which the service is left alone for as
    long as its Retry-After asks), an answer too large.
    """
    base = service.base_url
    if urlsplit(base).scheme not in ("http", "https"):
        raise LookupUnavailable(f"{service.setting} is not an http(s) address.")
    paused = cache.get(_pause_key(service))
    if paused is not None:
        left = max(int(paused - time.time()), 1)
        raise LookupUnavailable(
            f"{service.name} asked us to slow down; it is asked again in {_wait_text(left)}."
        )
    url = f"{base}/{path.lstrip('/')}"
    if params:
        url = f"{url}?{urlencode(params)}"
    request = Request(url, headers={"User-Agent": user_agent(), "Accept": accept})
    timeout = float(settings.PAPER_LOOKUP_TIMEOUT)
    deadline = time.monotonic() + timeout
    try:
        with _opener(service).open(request, timeout=timeout) as response:
            chunks, size = [], 0
            while chunk := response.read(64 * 1024):
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    raise LookupUnavailable(f"{service.name} answered with far too much data.")
                if time.monotonic() > deadline:
                    raise TimeoutError
            return b"".join(chunks)
    except HTTPError as error:
        try:
            _http_error(service, error)
        finally:
            error.close()
    except (TimeoutError, http.client.IncompleteRead) as error:
        if isinstance(error, http.client.IncompleteRead):
            raise LookupUnavailable(f"{service.name}'s answer was cut short.") from error
        raise LookupUnavailable(
            f"{service.name} did not answer within {timeout:g} seconds."
        ) from error
    except (URLError, OSError, http.client.HTTPException, ValueError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            raise LookupUnavailable(
                f"{service.name} did not answer within {timeout:g} seconds."
            ) from error
        raise LookupUnavailable(f"{service.name} could not be reached ({reason}).") from error


def _http_error(service: Service, error: HTTPError) -> None:
    if error.code in (404, 410):
        raise NotFound(f"{service.name} has no such record.")
    if error.code == 429:
        seconds = _retry_after_seconds(error.headers.get("Retry-After"))
        cache.set(_pause_key(service), time.time() + seconds, timeout=seconds)
        raise LookupUnavailable(
            f"{service.name} asked us to slow down (too many requests); "
            f"it is asked again in {_wait_text(seconds)}."
        )
    if error.code >= 500:
        raise LookupUnavailable(f"{service.name} is not working right now (error {error.code}).")
    raise LookupUnavailable(f"{service.name} refused the request (error {error.code}).")


def fetch_json(service: Service, path: str, params: dict | None = None) -> dict:
    """The JSON object at `path`; a body that is not one raises LookupUnavailable."""
    body = fetch(service, path, params, accept="application/json")
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LookupUnavailable(
            f"{service.name} answered with something that is not JSON."
        ) from error
    if not isinstance(data, dict):
        raise LookupUnavailable(f"{service.name} answered with unexpected JSON.")
    return data
