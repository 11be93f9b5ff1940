"""
The whole site in one archive: the database and the uploaded media, as a `.tar.gz`.

The database is copied by its own tools, not by `dumpdata`: SQLite's online
backup API (`sqlite3.Connection.backup`) copies the file page by page while the
site runs, and PostgreSQL's `pg_dump` / `pg_restore` move every table, sequence,
index and trigger. Nothing is re-read through the models, so every row comes back
with its primary key (taggit's natural keys, which `dumpdata --natural-foreign
--natural-primary` uses, lose most tag assignments), and the search index's own
tables and triggers come back too. The price: an archive restores onto the same
kind of database it came from.

The archive holds `manifest.json` (format, database kind, checksum, applied
migrations, rows per table), the database (`database.sqlite3` or `database.pgdump`)
and `media/` (a copy of MEDIA_ROOT).
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Rows that `migrate` writes by itself into a new database: they do not make it non-empty.
MIGRATE_TABLES = {"django_migrations", "django_content_type", "auth_permission"}

Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator why and what to do."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    tables: int
    rows: int
    media_files: int
    size: int


@dataclass(frozen=True)
class RestoreSummary:
    tables: int
    rows: int
    media_files: int
    migrations_missing: int


def default_backup_name(now=None) -> str:
    return f"portal-{(now or timezone.now()):%Y%m%d-%H%M%S}.tar.gz"


# --- backup ----------------------------------------------------------------------------------


def backup_create(*, path: Path, using: str = "default", progress: Progress = print):
    """Write the database and MEDIA_ROOT to a new archive at `path`; returns what it holds."""
    connection = connections[using]
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists: choose a new file name.")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a folder: create it first.")
    member = DATABASE_MEMBERS[connection.vendor]
    with tempfile.TemporaryDirectory(prefix="portal-backup-") as work:
        database_file = Path(work) / member
        progress(f"Database ({connection.vendor}): copying…")
        if connection.vendor == "sqlite":
            tables, migrations = _sqlite_copy(connection, database_file)
        else:
            tables, migrations = _postgres_dump(connection, database_file)
        rows = sum(tables.values())
        progress(
            f"Database: {len(tables)} tables, {rows} rows, {_size(database_file.stat().st_size)}."
        )
        media_files = _media_files()
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": {
                "vendor": connection.vendor,
                "member": member,
                "sha256": _sha256(database_file),
                "tables": tables,
            },
            "migrations": sorted(migrations),
            "media": {"files": len(media_files)},
        }
        (Path(work) / MANIFEST).write_text(json.dumps(manifest, indent=2))
        progress(f"Media: {len(media_files)} files from {settings.MEDIA_ROOT}…")
        partial = path.with_name(path.name + ".partial")
        try:
            # It holds every password hash and address: readable by its owner only.
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                tar.add(Path(work) / MANIFEST, arcname=MANIFEST)
                tar.add(database_file, arcname=member)
                for relative in media_files:
                    tar.add(
                        Path(settings.MEDIA_ROOT) / relative,
                        arcname=f"{MEDIA_DIR}/{relative.as_posix()}",
                        recursive=False,
                    )
            os.replace(partial, path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    size = path.stat().st_size
    progress(f"Archive: {path} ({_size(size)}).")
    return BackupSummary(
        path=path, tables=len(tables), rows=rows, media_files=len(media_files), size=size
    )


def _sqlite_copy(connection, target: Path) -> tuple[dict[str, int], list[str]]:
    """A consistent copy of the live SQLite database (the online backup API)."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        # A file that stands alone: no write-ahead log beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        tables = _sqlite_row_counts(copy)
        migrations = [
            f"{app}.{name}" for app, name in copy.execute("SELECT app, name FROM django_migrations")
        ]
    finally:
        copy.close()
    return tables, migrations


def _sqlite_row_counts(db: sqlite3.Connection) -> dict[str, int]:
    names = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


def _postgres_dump(connection, target: Path) -> tuple[dict[str, int], list[str]]:
    """
    `pg_dump` of one snapshot: the rows counted for the manifest are those of the
    dump, even while the site goes on writing.
    """
    pg_dump = _postgres_tool("pg_dump", connection)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ],
            connection=connection,
            what="pg_dump",
        )
        tables = {}
        for name in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            tables[name] = cursor.fetchone()[0]
        cursor.execute("SELECT app, name FROM django_migrations")
        migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    return tables, migrations


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(
        file.relative_to(root)
        for file in root.rglob("*")
        if file.is_file() and not file.is_symlink()
    )


# --- restore ---------------------------------------------------------------------------------


def backup_restore(
    *, path: Path, using: str = "default", force: bool = False, progress: Progress = print
) -> RestoreSummary:
    """
    Replace the database and MEDIA_ROOT with the archive's. Refuses (and changes
    nothing) when the archive is unreadable or made for another kind of database,
    or when the database or MEDIA_ROOT already hold data and `force` is not set.
    """
    connection = connections[using]
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as work:
        work = Path(work)
        progress(f"Archive: reading {path}…")
        manifest = _unpack(path, work)
        member = manifest["database"]["member"]
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise BackupError(
                f"This archive holds a {vendor} database and the portal uses {connection.vendor}: "
                f"restore it onto {vendor} (DATABASE_URL)."
            )
        if _sha256(work / member) != manifest["database"]["sha256"]:
            raise BackupError(f"{path} is damaged: the database copy does not match its checksum.")
        media = work / MEDIA_DIR
        media_files = sorted(p for p in media.rglob("*") if p.is_file()) if media.is_dir() else []
        if len(media_files) != manifest["media"]["files"]:
            raise BackupError(f"{path} is damaged: media files are missing.")
        unknown = sorted(set(manifest["migrations"]) - _known_migrations())
        if unknown:
            raise BackupError(
                f"This archive comes from a newer version of the portal ({len(unknown)} migrations "
                f"this code does not have, e.g. {unknown[0]}): update the code, then restore."
            )
        progress(
            f"Archive: made {manifest['created_at']}, {vendor}, {len(media_files)} media files."
        )
        if not force:
            _require_empty(connection)
        if connection.vendor == "postgresql":
            pg_restore = _postgres_tool("pg_restore", connection)
            psql = _postgres_tool("psql", connection)

        progress("Database: restoring…")
        if connection.vendor == "sqlite":
            _sqlite_restore(connection, work / member)
        else:
            _postgres_restore(connection, work / member, work, pg_restore=pg_restore, psql=psql)
        tables = manifest["database"]["tables"]
        _verify_rows(connection, tables)
        progress(f"Database: {len(tables)} tables, {sum(tables.values())} rows, as in the archive.")

        progress(f"Media: {len(media_files)} files to {settings.MEDIA_ROOT}…")
        _restore_media(media, media_files)

    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    progress("Cache: cleared (it held pages of the old content).")
    missing = len(_known_migrations() - set(manifest["migrations"]))
    return RestoreSummary(
        tables=len(tables),
        rows=sum(tables.values()),
        media_files=len(media_files),
        migrations_missing=missing,
    )


def _unpack(path: Path, work: Path) -> dict:
    """The archive's manifest, after extracting every member into `work`."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    try:
        with tarfile.open(path, "r:gz") as tar:
            names = set(tar.getnames())
            if MANIFEST not in names:
                raise BackupError(f"{path} is not a portal backup: it has no {MANIFEST}.")
            # The "data" filter refuses absolute paths, "..", links out of the folder, devices.
            tar.extractall(work, filter="data")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(f"{path} is not a readable portal backup ({error}).") from error
    try:
        manifest = json.loads((work / MANIFEST).read_text())
        vendor = manifest["database"]["vendor"]
        member = manifest["database"]["member"]
        manifest["database"]["sha256"], manifest["database"]["tables"]
        manifest["migrations"], manifest["media"]["files"]
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{path} is not a portal backup: its {MANIFEST} is not valid.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"{path} has backup format {manifest.get('format')!r}; this portal reads format {FORMAT}."
        )
    if DATABASE_MEMBERS.get(vendor) != member or not (work / member).is_file():
        raise BackupError(f"{path} is damaged: its database copy is missing.")
    return manifest


def _known_migrations() -> set[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def _require_empty(connection) -> None:
    existing = set(connection.introspection.table_names())
    held = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.django_table_names(only_existing=True)):
            if table in MIGRATE_TABLES or table not in existing:
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            if count := cursor.fetchone()[0]:
                held.append(f"{table}: {count}")
    if held:
        shown = ", ".join(held[:5]) + (f" and {len(held) - 5} more tables" if len(held) > 5 else "")
        raise BackupError(
            f"The database already holds data ({shown}). Restore onto an empty database "
            "(new, or just migrated), or pass --force to replace everything in it."
        )
    root = Path(settings.MEDIA_ROOT)
    if root.is_dir() and any(p.is_file() for p in root.rglob("*")):
        raise BackupError(
            f"MEDIA_ROOT ({root}) already holds files. Restore into an empty folder, "
            "or pass --force to overwrite them."
        )


def _sqlite_restore(connection, source: Path) -> None:
    connection.ensure_connection()
    copy = sqlite3.connect(source)
    try:
        # Page by page over the whole database, in one step: others see before or after.
        copy.backup(connection.connection)
    finally:
        copy.close()
    connection.close()


def _postgres_restore(connection, dump: Path, work: Path, *, pg_restore: str, psql: str) -> None:
    """
    The dump, replayed in ONE transaction after dropping the portal's tables:
    when anything fails, the database is as it was.
    """
    script = work / "restore.sql"
    _run(
        [pg_restore, "--no-owner", "--no-privileges", f"--file={script}", str(dump)],
        connection=connection,
        what="pg_restore",
        database=False,
    )
    in_dump = set(
        re.findall(
            r'^CREATE TABLE (?:\w+|"[^"]+")\.(\w+|"[^"]+") \(',
            script.read_text(errors="replace"),
            re.M,
        )
    )
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    # The portal's tables and those the dump brings; another application's stay.
    ours = (
        set(connection.introspection.django_table_names())
        | MIGRATE_TABLES
        | {name.strip('"') for name in in_dump}
    )
    drops = work / "drop.sql"
    drops.write_text(
        "".join(
            f"DROP TABLE IF EXISTS {connection.ops.quote_name(name)} CASCADE;\n"
            for name in sorted(ours & existing)
        )
    )
    connection.close()  # the restore must not wait for our own open transaction
    _run(
        [
            psql,
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            f"--file={drops}",
            f"--file={script}",
        ],
        connection=connection,
        what="the restore (psql)",
    )


def _verify_rows(connection, tables: dict[str, int]) -> None:
    wrong = []
    with connection.cursor() as cursor:
        for table, expected in tables.items():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            if (found := cursor.fetchone()[0]) != expected:
                wrong.append(f"{table}: {found} rows, the archive had {expected}")
    if wrong:
        raise BackupError("The restored database differs from the archive: " + "; ".join(wrong))


def _restore_media(source: Path, files: list[Path]) -> None:
    root = Path(settings.MEDIA_ROOT)
    for file in files:
        target = root / file.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, target)


# --- PostgreSQL's tools ------------------------------------------------------------------------


def _postgres_tool(name: str, connection) -> str:
    """The path of pg_dump, pg_restore or psql, checked against the server's major version."""
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(
            f"{name} is not installed. Install PostgreSQL's client tools of the server's major "
            f"version or newer (e.g. `apt install postgresql-client`), or put {name} on PATH."
        )
    output = subprocess.run([tool, "--version"], capture_output=True, text=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    connection.ensure_connection()
    server = connection.pg_version // 10000
    if name == "pg_dump" and match and int(match.group(1)) < server:
        raise BackupError(
            f"{name} {match.group(1)} cannot dump a PostgreSQL {server} server: install the "
            f"client tools of version {server} or newer (e.g. postgresql-client-{server})."
        )
    return tool


def _run(command: list[str], *, connection, what: str, database: bool = True) -> None:
    env = {**os.environ, **(_libpq_env(connection.settings_dict) if database else {})}
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        detail = "\n  ".join(lines[-5:]) or f"exit status {result.returncode}"
        raise BackupError(f"{what} failed; nothing was changed:\n  {detail}")


def _libpq_env(db: dict) -> dict[str, str]:
    """The connection settings as libpq's variables: no password on a command line."""
    options = db.get("OPTIONS", {})
    env = {
        "PGDATABASE": db["NAME"],
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
    }
    for option, variable in {
        "sslmode": "PGSSLMODE",
        "sslrootcert": "PGSSLROOTCERT",
        "sslcert": "PGSSLCERT",
        "sslkey": "PGSSLKEY",
        "service": "PGSERVICE",
        "passfile": "PGPASSFILE",
    }.items():
        if options.get(option):
            env[variable] = str(options[option])
    return {key: value for key, value in env.items() if value}


# --- small helpers ----------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"
