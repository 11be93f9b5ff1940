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


# The header's links that stand for a part of the site: any page under the address
# marks its link as the current one. Search and the feed index mark only themselves.
NAV_SECTIONS = ("/blog/", "/talks/", "/club/", "/tags/", "/papers/")
NAV_PAGES = ("/search/", "/feeds/")


def nav_current(path: str) -> str:
    """The header link that `path` belongs to, by its address ("" for none)."""
    if path in NAV_PAGES:
        return path
    return next((section for section in NAV_SECTIONS if path.startswith(section)), "")


def site(request):
    """Site identity and the page's canonical address, for the shared layout."""
    return {
        "nav_current": nav_current(request.path),
        "site_name": settings.SITE_NAME,
        "site_author": settings.SITE_AUTHOR,
        "site_description": settings.SITE_DESCRIPTION,
        "site_url": settings.SITE_URL,
        "canonical_url": canonical_url(request),
    }
