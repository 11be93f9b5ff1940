from django.conf import settings


def absolute_url(path: str) -> str:
    """Return `path` on the site's public address (SITE_URL); absolute URLs pass through."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path
