"""
Every public HTML page of the site, from its URL patterns (portal.routes), so that a
page added to any app is checked without being listed here; plus a search with
results and the "not found" page.
"""

from django.conf import settings

from tests.helpers.urls import demo_address, public_patterns

# Addresses that answer something other than an HTML page: feeds, calendars, BibTeX,
# the sitemap, robots.txt, the icon, the health checks, uploads.
NOT_PAGES_SUFFIXES = (".rss", ".atom", ".ics", ".bib", ".xml", ".txt", ".ico")
NOT_PAGES_PREFIXES = ("healthz", settings.MEDIA_URL.strip("/"))

EXTRA_PAGES = {"search_results": "/search/?q=raft", "not_found": "/no-such-page/"}


def page_patterns() -> dict[str, tuple[str, list[str]]]:
    """name → (format string, parameter names) of each public HTML page."""
    patterns = {}
    for name, format_string, params in public_patterns():
        if format_string.endswith(NOT_PAGES_SUFFIXES) or format_string.startswith(
            NOT_PAGES_PREFIXES
        ):
            continue
        patterns[name] = (format_string, params)
    return patterns


PAGE_NAMES = [*page_patterns(), *EXTRA_PAGES]


def page_paths(values: dict) -> dict[str, str]:
    """name → path of each page, with the real values of `demo_values()`."""
    paths = {}
    for name, (format_string, params) in page_patterns().items():
        missing = [p for p in params if p not in {**values["*"], **values.get(name, {})}]
        if missing:
            raise AssertionError(
                f"The page {name!r} (/{format_string}) needs a value for {missing}: "
                "add one to demo_values() in tests/helpers/urls.py"
            )
        paths[name] = demo_address(values, name, format_string, params)
    return {**paths, **EXTRA_PAGES}
