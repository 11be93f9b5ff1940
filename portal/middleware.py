from django.conf import settings
from django.http import HttpResponseNotAllowed, HttpResponsePermanentRedirect
from django.shortcuts import render

from portal.models import Redirect
from portal.query_text import holds_nul


class RedirectFallbackMiddleware:
    """
    Answers a 404 with a permanent redirect when the path is a known old
    address. Live pages always win: the table is read only after a 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        path = request.path
        if holds_nul(path):  # no old address holds one, and the query would fail
            return response
        candidates = {path, path.rstrip("/") or "/", path if path.endswith("/") else path + "/"}
        redirect = Redirect.objects.filter(old_path__in=candidates).first()
        if redirect is None:
            return response
        target = redirect.new_path
        if request.META.get("QUERY_STRING"):
            target = f"{target}?{request.META['QUERY_STRING']}"
        return HttpResponsePermanentRedirect(target)


class SecurityHeadersMiddleware:
    """
    Adds the headers Django's SecurityMiddleware does not set to every response,
    static files included: PERMISSIONS_POLICY (browser features no page uses are
    off, for the page and every frame in it) and CROSS_ORIGIN_RESOURCE_POLICY.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {}
        if settings.PERMISSIONS_POLICY:
            self.headers["Permissions-Policy"] = permissions_policy(settings.PERMISSIONS_POLICY)
        if settings.CROSS_ORIGIN_RESOURCE_POLICY:
            self.headers["Cross-Origin-Resource-Policy"] = settings.CROSS_ORIGIN_RESOURCE_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        for header, value in self.headers.items():
            response.headers.setdefault(header, value)
        return response


def permissions_policy(features: dict[str, list[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self", "https://x.org"]}` as the header says it."""
    return ", ".join(
        f"{feature}=({' '.join(_allowlist_entry(origin) for origin in origins)})"
        for feature, origins in features.items()
    )


def _allowlist_entry(origin: str) -> str:
    return origin if origin in ("self", "*") else f'"{origin}"'


class KnownMethodsMiddleware:
    """
    The site speaks GET, HEAD and POST; any other method (PUT, DELETE, OPTIONS,
    TRACE, WebDAV's, …) is answered 405 before a view sees it, feeds included.
    """

    METHODS = ("GET", "HEAD", "POST")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.METHODS:
            return HttpResponseNotAllowed(self.METHODS)
        return self.get_response(request)


class RequestSizeLimitMiddleware:
    """
    Refuses a request body larger than the sender may send, from its Content-Length
    and before a byte of it is read: PUBLIC_REQUEST_MAX_BYTES for visitors (the
    public forms take a few fields), STAFF_REQUEST_MAX_BYTES for signed-in staff
    (slides are PDFs of tens of megabytes). Goes after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        size = _content_length(request)
        if size > settings.PUBLIC_REQUEST_MAX_BYTES:
            user = request.user
            limit = (
                settings.STAFF_REQUEST_MAX_BYTES
                if user.is_active and user.is_staff
                else settings.PUBLIC_REQUEST_MAX_BYTES
            )
            if size > limit:
                return render(request, "413.html", {"size": size, "limit": limit}, status=413)
        return self.get_response(request)


def _content_length(request) -> int:
    # As Django reads it: a missing or malformed length is a body of nothing.
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0
