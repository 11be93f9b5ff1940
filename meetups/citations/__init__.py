"""
Citations read from text, offline: a DOI, an arXiv id, a link to a known
publisher or preprint server, a BibTeX entry, or a formatted reference (MLA,
APA, Chicago, Harvard, IEEE). `read_citation` reads one, `read_citations` a
paste of many. Nothing here touches the database or the network.
"""

from meetups.citations.model import Citation, CitationError
from meetups.citations.reader import MAX_PASTE_CHARACTERS, read_citation, read_citations

__all__ = ["MAX_PASTE_CHARACTERS", "Citation", "CitationError", "read_citation", "read_citations"]
