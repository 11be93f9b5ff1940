"""
SQLite: an FTS5 table (porter stemming), ranked by bm25 with column weights,
snippets by snippet().
"""

from datetime import datetime

from django.db import connection

from portal.models import SearchDocument
from portal.search.text import ELLIPSIS, MARK_END, MARK_START, SNIPPET_WORDS

FTS_TABLE = "portal_searchdocument_fts"
FTS_WEIGHTS = (10.0, 4.0, 1.0)  # title, tags, body


class SQLiteEngine:
    """FTS5 over the folded columns; triggers keep it in step with the documents."""

    STRUCTURES = [
        f"""
        CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
            index_title, index_tags, index_body,
            content='portal_searchdocument', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2'
        )
        """,
        f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert
        AFTER INSERT ON portal_searchdocument BEGIN
            INSERT INTO {FTS_TABLE}(rowid, index_title, index_tags, index_body)
            VALUES (new.id, new.index_title, new.index_tags, new.index_body);
        END
        """,
        f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete
        AFTER DELETE ON portal_searchdocument BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, index_title, index_tags, index_body)
            VALUES ('delete', old.id, old.index_title, old.index_tags, old.index_body);
        END
        """,
        f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update
        AFTER UPDATE OF index_title, index_tags, index_body ON portal_searchdocument BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, index_title, index_tags, index_body)
            VALUES ('delete', old.id, old.index_title, old.index_tags, old.index_body);
            INSERT INTO {FTS_TABLE}(rowid, index_title, index_tags, index_body)
            VALUES (new.id, new.index_title, new.index_tags, new.index_body);
        END
        """,
    ]
    TRIGGERS = {f"{FTS_TABLE}_insert", f"{FTS_TABLE}_delete", f"{FTS_TABLE}_update"}

    def ensure_structures(self) -> None:
        """
        Re-create the triggers if a table rebuild dropped them (SQLite migrations
        that alter a table copy it to a new one, without its triggers), then
        re-read the documents into the FTS table.
        """
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [SearchDocument._meta.db_table],
            )
            if {row[0] for row in cursor.fetchall()} >= self.TRIGGERS:
                return
            for statement in self.STRUCTURES:
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")

    def prepare(self, documents: list[SearchDocument]) -> None:
        pass  # the triggers copy the folded columns into the FTS table

    @staticmethod
    def match_expression(terms: list[str]) -> str:
        """Every term as a quoted FTS5 phrase, all required: no user syntax gets through."""
        return " ".join(f'"{term}"' for term in terms)

    def _where(self, terms, now, kind):
        sql = (
            f"FROM {FTS_TABLE} JOIN portal_searchdocument document "
            f"ON document.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s AND document.published_at <= %s"
        )
        params = [self.match_expression(terms), connection.ops.adapt_datetimefield_value(now)]
        if kind:
            sql += " AND document.kind = %s"
            params.append(kind)
        return sql, params

    def counts(self, terms: list[str], *, now: datetime) -> dict[str, int]:
        where, params = self._where(terms, now, None)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT document.kind, COUNT(*) {where} GROUP BY document.kind", params)
            return dict(cursor.fetchall())

    def page(self, terms, *, now, kind, offset, limit) -> list[SearchDocument]:
        where, params = self._where(terms, now, kind)
        weights = ", ".join(str(weight) for weight in FTS_WEIGHTS)
        sql = (
            "SELECT document.id, document.kind, document.title, document.url, document.date, "
            f"document.body, snippet({FTS_TABLE}, 2, %s, %s, %s, {SNIPPET_WORDS}) "
            "AS marked_snippet "
            f"{where} ORDER BY bm25({FTS_TABLE}, {weights}), document.date DESC, document.id DESC "
            "LIMIT %s OFFSET %s"
        )
        params = [MARK_START, MARK_END, ELLIPSIS, *params, limit, offset]
        return list(SearchDocument.objects.raw(sql, params))
