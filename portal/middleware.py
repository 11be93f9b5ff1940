from django.http import HttpResponsePermanentRedirect

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
