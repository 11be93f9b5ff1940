"""
A paper the post names only by its link gets its title from the metadata
lookup when it is on and reachable; otherwise the summary says to check it.
"""

from meetups.enums import PaperKind
from meetups.hugo.references import Reference


def _citation_of(reference: Reference):
    from meetups.citations import Citation

    return Citation(
        doi=reference.doi,
        arxiv_id=reference.arxiv_id,
        url=reference.url,
        pdf_url=reference.pdf_url,
        source=reference.pdf_url or reference.url or reference.doi or reference.arxiv_id,
    )


def title_lookup(reference: Reference) -> str:
    """
    Fill in `reference`, known only by its link, from the metadata lookup;
    returns the line for the import summary saying what happened.
    """
    guess = reference.title
    if not (reference.doi or reference.arxiv_id) and all(
        not link or link.startswith("/") for link in (reference.url, reference.pdf_url)
    ):
        # A file of the old site: no service knows it.
        return f"a paper known only by its file: titled “{guess}”, the title needs checking."
    try:
        # The importer works without the lookup: offline, or where it is not installed.
        from meetups.lookup import LookupProblem, metadata_lookup
    except ImportError:
        return f"a paper known only by its link: titled “{guess}”, the title needs checking."
    try:
        found = metadata_lookup(_citation_of(reference))
    except LookupProblem as problem:
        return (
            f"a paper known only by its link: titled “{guess}”, the title needs checking "
            f"(looked up: {problem.message.rstrip('.')})."
        )
    if not found.title:
        return f"a paper known only by its link: titled “{guess}”, the title needs checking."
    reference.title = found.title[:500]
    reference.title_guessed = False
    reference.authors = reference.authors or list(found.authors)
    reference.year = reference.year or found.year
    reference.venue = reference.venue or found.venue[:300]
    for name in ("doi", "arxiv_id", "url", "pdf_url"):
        if not getattr(reference, name) and getattr(found, name):
            setattr(reference, name, getattr(found, name))
    if found.kind and reference.kind == PaperKind.MISC:
        reference.kind = found.kind
    return f"a paper known only by its link ({guess}): titled “{reference.title}” from the lookup."
