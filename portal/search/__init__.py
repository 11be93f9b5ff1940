"""
Site search over everything the apps register: posts, talks, sessions, papers.

Each app contributes a `SearchSource` in its own `<app>/search.py`, imported when
Django starts. Every indexed object has one `SearchDocument`, kept current by
signals as objects (and their tags and related objects) are saved and deleted;
`manage.py rebuild_search_index` rebuilds them all.

The engine follows the database in use, behind one interface (`search()`):

- PostgreSQL: a stored tsvector (title A, tags B, body C) with a GIN index, ranked
  by ts_rank, snippets by ts_headline;
- SQLite: an FTS5 table (porter stemming), ranked by bm25 with column weights,
  snippets by snippet().

Both index the same text with accents folded in Python (`fold`), and see the same
words of a query (`query_terms`), so they find the same things. Documents keep
`published_at`, compared with the time of the search: drafts never match, and a
scheduled item starts matching when its time comes, without re-indexing.

The modules, each using only those listed before it: `text` (folding, query
words), `sources` (what apps register), `engines` (SQLite and PostgreSQL),
`indexing` (documents kept current), `results` (searching).
"""

from portal.search.engines import current_engine, ensure_engine_structures
from portal.search.engines.postgresql import PostgreSQLEngine
from portal.search.engines.sqlite import FTS_TABLE, SQLiteEngine
from portal.search.indexing import follow, index_rebuild, index_remove, index_update
from portal.search.results import SearchResult, SearchResults, render_snippet, search
from portal.search.sources import Document, SearchSource, get_source, registry, sources
from portal.search.text import (
    ELLIPSIS,
    FOLD_TABLE,
    MARK_END,
    MARK_START,
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    SNIPPET_WORDS,
    STOP_WORDS,
    fold,
    query_terms,
    text_from_html,
)

__all__ = [
    "ELLIPSIS",
    "FOLD_TABLE",
    "FTS_TABLE",
    "MARK_END",
    "MARK_START",
    "MAX_QUERY_LENGTH",
    "MAX_TERMS",
    "SNIPPET_WORDS",
    "STOP_WORDS",
    "Document",
    "PostgreSQLEngine",
    "SQLiteEngine",
    "SearchResult",
    "SearchResults",
    "SearchSource",
    "current_engine",
    "ensure_engine_structures",
    "fold",
    "get_source",
    "index_rebuild",
    "index_remove",
    "index_update",
    "query_terms",
    "register",
    "render_snippet",
    "search",
    "sources",
    "text_from_html",
]


def register(source: SearchSource) -> SearchSource:
    """Make `source`'s objects searchable and keep their documents current; returns it."""
    registry.register(source)
    follow(source)
    return source
