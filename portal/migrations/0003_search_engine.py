"""
The search engine's own structures, each created only on its database:

- SQLite: an FTS5 table over the folded columns of portal_searchdocument (external
  content, so the text is not stored twice), kept in step by triggers.
- PostgreSQL: a GIN index on the stored search vector. Without fastupdate: a save
  updates the index at once (writes are rare here) instead of piling entries in a
  pending list that every search then has to read through.

The statements are copied here (not imported) so the migration keeps doing what it
did when it was written; portal.search re-creates the SQLite triggers if a later
table rebuild dropped them.
"""

from django.db import migrations

SQLITE_CREATE = [
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS portal_searchdocument_fts USING fts5(
        index_title, index_tags, index_body,
        content='portal_searchdocument', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER IF NOT EXISTS portal_searchdocument_fts_insert
    AFTER INSERT ON portal_searchdocument BEGIN
        INSERT INTO portal_searchdocument_fts(rowid, index_title, index_tags, index_body)
        VALUES (new.id, new.index_title, new.index_tags, new.index_body);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS portal_searchdocument_fts_delete
    AFTER DELETE ON portal_searchdocument BEGIN
        INSERT INTO portal_searchdocument_fts(
            portal_searchdocument_fts, rowid, index_title, index_tags, index_body
        ) VALUES ('delete', old.id, old.index_title, old.index_tags, old.index_body);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS portal_searchdocument_fts_update
    AFTER UPDATE OF index_title, index_tags, index_body ON portal_searchdocument BEGIN
        INSERT INTO portal_searchdocument_fts(
            portal_searchdocument_fts, rowid, index_title, index_tags, index_body
        ) VALUES ('delete', old.id, old.index_title, old.index_tags, old.index_body);
        INSERT INTO portal_searchdocument_fts(rowid, index_title, index_tags, index_body)
        VALUES (new.id, new.index_title, new.index_tags, new.index_body);
    END
    """,
    "INSERT INTO portal_searchdocument_fts(portal_searchdocument_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS portal_searchdocument_fts_insert",
    "DROP TRIGGER IF EXISTS portal_searchdocument_fts_delete",
    "DROP TRIGGER IF EXISTS portal_searchdocument_fts_update",
    "DROP TABLE IF EXISTS portal_searchdocument_fts",
]
POSTGRESQL_CREATE = [
    "CREATE INDEX IF NOT EXISTS portal_searchdocument_vector_gin "
    "ON portal_searchdocument USING gin (search_vector) WITH (fastupdate = off)",
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS portal_searchdocument_vector_gin"]


def _run(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def create(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE})


def drop(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_searchdocument")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
