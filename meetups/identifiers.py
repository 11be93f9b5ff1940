"""
How a paper and an attendee are recognised: DOIs, arXiv ids and email addresses,
brought to one spelling so that the same paper or address is never stored twice.
"""

import re

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_ARXIV_PREFIX = re.compile(
    r"^(?:arxiv:\s*|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)", re.IGNORECASE
)
_ARXIV_NEW = re.compile(r"^\d{4}\.\d{4,5}$")
_ARXIV_OLD = re.compile(r"^[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}$")
_ARXIV_VERSION = re.compile(r"v\d+$")


def normalize_doi(value: str) -> str:
    """“https://doi.org/10.1145/ABC” or “doi:10.1145/ABC” → “10.1145/ABC”."""
    return _DOI_PREFIX.sub("", (value or "").strip()).strip()


def normalize_arxiv_id(value: str) -> str:
    """“arXiv:1608.06696v2” or its abs/pdf URL → “1608.06696” (every version is the same paper)."""
    value = _ARXIV_PREFIX.sub("", (value or "").strip()).strip()
    value = value.removesuffix(".pdf")
    return _ARXIV_VERSION.sub("", value)


def is_doi(value: str) -> bool:
    """Whether a normalized `value` has the shape of a DOI: “10.1145/359545.359563”."""
    return bool(_DOI.match(value))


def is_arxiv_id(value: str) -> bool:
    """Whether a normalized `value` is a new-style (“1608.06696”) or old-style (“cs/0112017”) arXiv id."""
    return bool(_ARXIV_NEW.match(value) or _ARXIV_OLD.match(value))


def normalize_email(value: str) -> str:
    """
    “ Ada@Example.ORG ” → “Ada@example.org”: surrounding spaces go and the domain is
    lower-cased (domains ignore case; the part before @ belongs to the mailbox's owner).
    """
    value = (value or "").strip()
    local, at, domain = value.rpartition("@")
    if not at:
        return value
    return f"{local}@{domain.lower()}"


def voter_address(value: str) -> str:
    """
    One spelling per mailbox for votes and offers to present, so that “Ada@X.org”
    and “ada@x.org” vote once: a vote is an identity, not a mailbox to keep as typed.
    """
    return normalize_email(value).lower()


# The random keys of RSVP and suggestion links (`secrets.token_urlsafe`): URL-safe
# base64, never longer than their column.
_LINK_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_link_key(value: str) -> bool:
    """Whether `value` could be a link's random key (anything else is no key of ours)."""
    return _LINK_KEY.fullmatch(value) is not None
