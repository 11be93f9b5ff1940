"""What a citation says about a paper, before the paper is in the library."""

from dataclasses import dataclass, field

from meetups.enums import PaperKind


@dataclass
class Citation:
    """
    A paper as one citation describes it. Authors are in order and in “First
    Last” form; empty strings and None mean “not said”. `notes` lists what was
    guessed or could not be read, in words an organizer can check.
    """

    title: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    venue: str = ""
    kind: PaperKind = PaperKind.MISC
    doi: str = ""
    arxiv_id: str = ""
    url: str = ""
    pdf_url: str = ""
    source: str = ""
    notes: list[str] = field(default_factory=list)
    abstract: str = ""

    @property
    def needs_lookup(self) -> bool:
        """Whether only an identifier or a link is known, not the paper's title."""
        return not self.title and bool(self.doi or self.arxiv_id or self.url or self.pdf_url)

    @property
    def has_identifier(self) -> bool:
        return bool(self.doi or self.arxiv_id or self.url or self.pdf_url)

    def paper_fields(self) -> dict:
        """The Paper model's fields, cut to the lengths the model keeps."""
        return {
            "title": self.title[:500],
            "authors": "\n".join(self.authors),
            "kind": self.kind,
            "venue": self.venue[:300],
            "year": self.year,
            "doi": self.doi,
            "arxiv_id": self.arxiv_id,
            "url": self.url,
            "pdf_url": self.pdf_url,
            "abstract": self.abstract,
        }

    def summary(self) -> str:
        """One line saying what was understood: “Paxos made simple — L. Lamport, 2001”."""
        parts = [f"“{self.title}”" if self.title else "no title"]
        if self.authors:
            parts.append(", ".join(self.authors))
        if self.venue:
            parts.append(self.venue)
        if self.year:
            parts.append(str(self.year))
        for label, value in [
            ("DOI", self.doi),
            ("arXiv", self.arxiv_id),
            ("URL", self.url),
            ("PDF", self.pdf_url),
        ]:
            if value:
                parts.append(f"{label} {value}")
        return " — ".join(parts)


class CitationError(ValueError):
    """Nothing useful could be read; `understood` holds what was."""

    def __init__(self, message: str, understood: Citation | None = None):
        super().__init__(message)
        self.message = message
        self.understood = understood if understood is not None else Citation()

    def __str__(self):
        return self.message
