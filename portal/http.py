"""HTTP pieces the apps' views share."""

import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import get_callable
from django.views.decorators.csrf import csrf_exempt

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def same_origin_post(view):
    """
    CSRF protection without a token, for the public forms of cached pages (a token
    would differ for every visitor). A POST, PUT, PATCH or DELETE is refused with 403
    unless the browser says it comes from this site:

    - `Sec-Fetch-Site: same-origin` (or `none`: the user's own action) passes, any
      other value fails unless `Origin` is one of the trusted origins;
    - without it, an `Origin` must be this site (the request's own scheme and host,
      SITE_URL, or one of CSRF_TRUSTED_ORIGINS); `Origin: null` fails;
    - with neither header the request passes. Every browser sends `Origin` with a
      cross-site POST (and Sec-Fetch-Site since 2023), so such a request comes from
      a program, which a CSRF defence does not stop anyway.

    The same rules as Go's net/http CrossOriginProtection.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in SAFE_METHODS and not _from_this_site(request):
            failure_view = get_callable(settings.CSRF_FAILURE_VIEW)
            return failure_view(request, reason="The form was sent from another site.")
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)


def _from_this_site(request) -> bool:
    origin = request.META.get("HTTP_ORIGIN")
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none") or origin in _trusted_origins()
    if origin is None:
        return True
    return origin == f"{request.scheme}://{request.get_host()}" or origin in _trusted_origins()


def _trusted_origins() -> set[str]:
    site = urlsplit(settings.SITE_URL)
    return {f"{site.scheme}://{site.netloc}", *settings.CSRF_TRUSTED_ORIGINS}
