from django.conf import settings

from portal.links import absolute_url


def canonical_url(request) -> str:
    """The page's address on SITE_URL: its path, and its page number past the first."""
    url = absolute_url(request.path)
    page = request.GET.get("page", "")
    if page.isdecimal() and int(page) > 1:
        url += f"?page={int(page)}"
    return url


def site(request):
    """Site identity and the page's canonical address, for the shared layout."""
    return {
        "site_name": settings.SITE_NAME,
        "site_author": settings.SITE_AUTHOR,
        "site_description": settings.SITE_DESCRIPTION,
        "site_url": settings.SITE_URL,
        "canonical_url": canonical_url(request),
    }
