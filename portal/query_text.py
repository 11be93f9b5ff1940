"""
Text a visitor puts in a URL, checked before any query sees it: PostgreSQL
refuses NUL characters in text outright, so a crafted URL carrying one would
otherwise be a server error (SQLite takes them, so only PostgreSQL shows it).
"""

NUL = "\x00"


def holds_nul(text: str) -> bool:
    """Whether `text` holds a NUL character, which no database query may be given."""
    return NUL in text


def query_text(request, name: str, *, max_length: int) -> str:
    """`?<name>=` of `request`: NUL characters dropped, trimmed, at most `max_length` characters."""
    return request.GET.get(name, "").replace(NUL, "").strip()[:max_length]
