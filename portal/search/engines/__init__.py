"""The engine follows the database in use, behind one interface."""

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from portal.search.engines.postgresql import PostgreSQLEngine
from portal.search.engines.sqlite import SQLiteEngine

_ENGINES = {"sqlite": SQLiteEngine, "postgresql": PostgreSQLEngine}


def current_engine() -> SQLiteEngine | PostgreSQLEngine:
    """The engine for the database in use."""
    try:
        return _ENGINES[connection.vendor]()
    except KeyError:
        raise ImproperlyConfigured(
            f"Site search runs on PostgreSQL or SQLite, not on {connection.vendor}."
        ) from None


def ensure_engine_structures() -> None:
    """Re-create the FTS5 triggers or the GIN index if something dropped them."""
    current_engine().ensure_structures()
