"""
PostgreSQL: a stored tsvector (title A, tags B, body C) with a GIN index, ranked
by ts_rank, snippets by ts_headline.
"""

from datetime import datetime

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Count, F, Value
from django.db.models.functions import Left

from portal.models import SearchDocument
from portal.search.text import MARK_END, MARK_START, SNIPPET_WORDS

# ts_headline re-reads the whole text of each result shown: cutting snippets from
# the first 10,000 characters bounds a page of long posts to a few milliseconds.
# A match further in still finds the post; its snippet is then its beginning.
POSTGRES_SNIPPET_SOURCE = 10_000
POSTGRES_CONFIG = "english"
POSTGRES_WEIGHTS = (0.05, 0.2, 0.4, 1.0)  # D, C (body), B (tags), A (title)


class PostgreSQLEngine:
    """A stored tsvector with a GIN index; ts_rank orders, ts_headline cuts snippets."""

    def ensure_structures(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS portal_searchdocument_vector_gin "
                "ON portal_searchdocument USING gin (search_vector) WITH (fastupdate = off)"
            )

    def prepare(self, documents: list[SearchDocument]) -> None:
        """The stored vector, written by the same INSERT … ON CONFLICT as the row."""
        for document in documents:
            document.search_vector = (
                SearchVector(Value(document.index_title), weight="A", config=POSTGRES_CONFIG)
                + SearchVector(Value(document.index_tags), weight="B", config=POSTGRES_CONFIG)
                + SearchVector(Value(document.index_body), weight="C", config=POSTGRES_CONFIG)
            )

    @staticmethod
    def query(terms: list[str]) -> SearchQuery:
        # plainto_tsquery: every word required, no operator of the user's is read.
        return SearchQuery(" ".join(terms), config=POSTGRES_CONFIG, search_type="plain")

    def _matching(self, terms, now):
        return SearchDocument.objects.filter(search_vector=self.query(terms), published_at__lte=now)

    def counts(self, terms: list[str], *, now: datetime) -> dict[str, int]:
        rows = self._matching(terms, now).order_by().values("kind").annotate(count=Count("pk"))
        return {row["kind"]: row["count"] for row in rows}

    def page(self, terms, *, now, kind, offset, limit) -> list[SearchDocument]:
        query = self.query(terms)
        documents = self._matching(terms, now)
        if kind:
            documents = documents.filter(kind=kind)
        documents = (
            documents.annotate(
                rank=SearchRank(F("search_vector"), query, weights=list(POSTGRES_WEIGHTS)),
                marked_snippet=SearchHeadline(
                    Left("index_body", POSTGRES_SNIPPET_SOURCE),
                    query,
                    config=POSTGRES_CONFIG,
                    start_sel=MARK_START,
                    stop_sel=MARK_END,
                    max_words=SNIPPET_WORDS,
                    min_words=SNIPPET_WORDS // 2,
                ),
            )
            .only("kind", "title", "url", "date", "body")
            .order_by("-rank", "-date", "-pk")
        )
        return list(documents[offset : offset + limit])
