"""
`manage.py backup` and `restore`, run as an operator runs them: the demo site is
backed up, restored onto a new empty database in another process, and every row
of every table (tags included) and every media file comes back the same.
"""

import hashlib
import io
import json
import os
import sqlite3
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.helpers.operator import child_env, database_url, manage


def table_rows(db: dict) -> dict[str, list[str]]:
    """Every row of every table of a database (a settings dict), sorted, as text."""
    if db["ENGINE"] == "django.db.backends.sqlite3":
        raw = sqlite3.connect(db["NAME"])
        tables = [
            name
            for (name,) in raw.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        rows = {t: sorted(map(repr, raw.execute(f'SELECT * FROM "{t}"'))) for t in tables}
        raw.close()
        return rows
    import psycopg

    with psycopg.connect(
        dbname=db["NAME"],
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
    ) as raw:
        tables = [
            name
            for (name,) in raw.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            )
        ]
        return {t: sorted(map(repr, raw.execute(f'SELECT * FROM "{t}"'))) for t in tables}


def media_files(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def demo_site(transactional_db, settings, tmp_path):
    """The demo content, committed (other processes read it), with an uploaded image too."""
    settings.VAR_DIR = tmp_path
    call_command("setup_site", stdout=io.StringIO())
    upload = Path(settings.MEDIA_ROOT) / "uploads" / "2026" / "figure.png"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def empty_database(tmp_path):
    """A new database of the same kind as the tests', for another process; dropped after."""
    original = connection.settings_dict
    if original["ENGINE"] == "django.db.backends.sqlite3":
        yield {**original, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    import psycopg

    name = f"{original['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    params = {
        "dbname": "postgres",
        "host": original["HOST"] or "127.0.0.1",
        "port": original["PORT"] or 5432,
        "user": original["USER"],
        "password": original["PASSWORD"] or None,
        "autocommit": True,
    }
    with psycopg.connect(**params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**original, "NAME": name}
    finally:
        with psycopg.connect(**params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_then_restore_onto_an_empty_database_gives_the_same_site(
    demo_site, empty_database, tmp_path
):
    archive = tmp_path / "site.tar.gz"
    backed_up = manage("backup", str(archive), env=child_env())
    assert backed_up.returncode == 0, backed_up.stderr
    print(backed_up.stdout)
    assert "Database (" in backed_up.stdout and "Media: " in backed_up.stdout
    assert archive.stat().st_mode & 0o077 == 0  # passwords and addresses: the owner's only
    original_rows = table_rows(connection.settings_dict)
    original_media = media_files(demo_site)
    assert len(original_rows["taggit_taggeditem"]) > 20, "the demo tags posts, talks, sessions"
    assert len(original_media) >= 2

    # An operator's new machine: a new database, migrated, and an empty media folder.
    restored_media = tmp_path / "restored-media"
    env = child_env(DATABASE_URL=database_url(empty_database), MEDIA_ROOT=str(restored_media))
    migrated = manage("migrate", "--noinput", env=env)
    assert migrated.returncode == 0, migrated.stderr
    restored = manage("restore", str(archive), env=env)
    assert restored.returncode == 0, restored.stderr
    print(restored.stdout)
    assert "as in the archive" in restored.stdout

    assert table_rows(empty_database) == original_rows
    assert media_files(restored_media) == original_media

    # Once restored, the database is no longer empty: a second restore needs --force.
    again = manage("restore", str(archive), env=env)
    assert again.returncode != 0
    assert "already holds data" in again.stderr and "--force" in again.stderr
    forced = manage("restore", "--force", str(archive), env=env)
    assert forced.returncode == 0, forced.stderr
    assert table_rows(empty_database) == original_rows


@pytest.fixture
def small_site(transactional_db, make_post, settings):
    """A little content, committed: two tagged posts and an uploaded file."""
    make_post(title="Consistent hashing", tags=["dht", "hashing"])
    make_post(title="Quorums", tags=["dht"])
    upload = Path(settings.MEDIA_ROOT) / "uploads" / "figure.png"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(500))
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def archive(small_site, tmp_path):
    path = tmp_path / "site.tar.gz"
    call_command("backup", str(path), stdout=io.StringIO())
    return path


def rewrite(archive: Path, target: Path, change) -> Path:
    """A copy of the archive with its members passed through `change(name, bytes)`."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None
            data = change(member.name, data)
            if data is None:
                continue
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return target


def _tamper_database(name, data):
    return data[:-10] + b"0123456789" if name.startswith("database.") else data


BAD_ARCHIVES = {
    "not an archive": (lambda tmp, good: tmp.joinpath("x.tar.gz").write_bytes(b"nonsense" * 99)),
    "truncated": (lambda tmp, good: tmp.joinpath("x.tar.gz").write_bytes(good.read_bytes()[:3000])),
    "no manifest": (
        lambda tmp, good: rewrite(good, tmp / "x.tar.gz", lambda n, d: None if n == "manifest.json" else d)
    ),
    "damaged database": (lambda tmp, good: rewrite(good, tmp / "x.tar.gz", _tamper_database)),
    "other format": (
        lambda tmp, good: rewrite(
            good,
            tmp / "x.tar.gz",
            lambda n, d: json.dumps({**json.loads(d), "format": 99}).encode()
            if n == "manifest.json"
            else d,
        )
    ),
}  # fmt: skip
MESSAGES = {
    "not an archive": "is not a readable portal backup",
    "truncated": "is not a readable portal backup",
    "no manifest": "is not a portal backup: it has no manifest.json",
    "damaged database": "is damaged: the database copy does not match its checksum",
    "other format": "has backup format 99",
}


@pytest.mark.parametrize("kind", list(BAD_ARCHIVES), ids=list(BAD_ARCHIVES))
def test_a_bad_archive_is_a_clear_error_and_changes_nothing_even_when_forced(
    kind, archive, tmp_path, small_site
):
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    BAD_ARCHIVES[kind](bad_dir, archive)
    before = table_rows(connection.settings_dict), media_files(small_site)

    with pytest.raises(CommandError, match=MESSAGES[kind]):
        call_command("restore", str(bad_dir / "x.tar.gz"), force=True, stdout=io.StringIO())

    assert (table_rows(connection.settings_dict), media_files(small_site)) == before


def test_an_archive_with_a_path_out_of_its_folder_is_refused(archive, tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(evil, "w:gz") as copy:
        for member in source.getmembers():
            copy.addfile(member, source.extractfile(member) if member.isfile() else None)
        intruder = tarfile.TarInfo("media/../../escaped.txt")
        intruder.size = 3
        copy.addfile(intruder, io.BytesIO(b"bad"))

    with pytest.raises(CommandError, match="is not a readable portal backup"):
        call_command("restore", str(evil), force=True, stdout=io.StringIO())
    assert not list(tmp_path.rglob("escaped.txt"))


def test_restore_refuses_a_database_that_holds_data(archive):
    before = table_rows(connection.settings_dict)
    with pytest.raises(CommandError, match=r"already holds data \(.*--force"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert table_rows(connection.settings_dict) == before


def test_backup_writes_one_progress_line_per_step_and_refuses_to_overwrite(small_site, tmp_path):
    out = io.StringIO()
    call_command("backup", str(tmp_path), stdout=out)

    steps = ["Database (", "Database: ", "Media: ", "Archive: ", "Backed up "]
    lines = out.getvalue().splitlines()
    assert len(lines) == len(steps)
    assert all(line.startswith(step) for line, step in zip(lines, steps, strict=True)), lines
    written = next(tmp_path.glob("portal-*.tar.gz"))
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(written), stdout=io.StringIO())


def test_a_missing_pg_dump_is_a_clear_error(small_site, tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump is used only on PostgreSQL (this run uses SQLite)")
    monkeypatch.setenv("PATH", str(tmp_path))  # a folder without pg_dump
    with pytest.raises(CommandError, match="pg_dump is not installed"):
        call_command("backup", str(tmp_path / "site.tar.gz"), stdout=io.StringIO())
    assert not list(tmp_path.glob("*.tar.gz*"))
