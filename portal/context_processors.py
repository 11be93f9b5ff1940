from django.conf import settings

from portal.links import absolute_url
from portal.pagination import page_number


def canonical_url(request) -> str:
    """The page's address on SITE_URL: its path, and its page number past the first."""
    url = absolute_url(request.path)
    page = page_number(request.GET.get("page"))
    if page is not None and page > 1:
        url += f"?page={page}"
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
