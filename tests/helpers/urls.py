"""Addresses of the site's URL patterns (walked by portal.routes) with real values."""

from portal.routes import fill, public_patterns, url_patterns

__all__ = ["demo_address", "fill", "public_patterns", "url_patterns"]


def demo_address(demo_site: dict, name: str, format_string: str, params, **values) -> str:
    """
    The address of pattern `name` with the real values of `demo_site` (the fixture
    of tests/portal), or with the `values` given instead.
    """
    return fill(format_string, params, {**demo_site["*"], **demo_site.get(name, {}), **values})
