from urllib.parse import urlsplit

from django import template

from portal.links import absolute_url

register = template.Library()


@register.filter
def absolute(path: str) -> str:
    """A site path on the site's public address; full URLs pass through (for feeds)."""
    return absolute_url(path) if path else ""


@register.filter
def host(url: str) -> str:
    """The site a link leads to, for “(on example.org)” hints: 'https://www.example.org/x' → 'example.org'."""
    try:
        name = urlsplit(url or "").hostname or ""
    except ValueError:
        return ""
    return name.removeprefix("www.")
