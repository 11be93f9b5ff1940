from django.conf import settings

from portal.links import absolute_url


def site(request):
    """Site identity and the page's canonical address, for the shared layout."""
    return {
        "site_name": settings.SITE_NAME,
        "site_author": settings.SITE_AUTHOR,
        "site_description": settings.SITE_DESCRIPTION,
        "site_url": settings.SITE_URL,
        "canonical_url": absolute_url(request.path),
    }
