"""The site's URL patterns as the resolver knows them: for tests and benchmarks that visit them all."""

from django.urls import URLResolver, get_resolver
from django.utils.regex_helper import normalize

# Behind a login: the organizer's pages are not the public's.
STAFF_PREFIXES = ("admin/", "admin-tools/")


def url_patterns(patterns=None, prefix=""):
    """(name, format string, parameter names) of every URL pattern, with its prefixes."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        regex = pattern.pattern.regex.pattern
        if prefix:
            regex = regex.removeprefix("^")
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, prefix + regex)
            continue
        format_string, params = normalize(prefix + regex)[0]
        yield pattern.name or format_string, format_string, params


def public_patterns() -> list[tuple[str, str, list[str]]]:
    """The patterns of every public address: all but the organizer's."""
    return [pattern for pattern in url_patterns() if not pattern[1].startswith(STAFF_PREFIXES)]


def fill(format_string: str, params, values: dict[str, str]) -> str:
    """The address `format_string` names with `values` (already percent-encoded) put in."""
    return "/" + format_string % {param: values[param] for param in params}
