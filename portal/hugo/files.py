"""Files of the Hugo site (static/ and page bundles) copied into the portal's media storage."""

import hashlib
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.core.files.storage import Storage, default_storage

from portal.hugo.config import SiteConfig

MEDIA_PREFIX = "imported"


def _digest(handle) -> str:
    sha = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        sha.update(chunk)
    return sha.hexdigest()


def same_content(storage: Storage, name: str, source: Path) -> bool:
    """Whether `name` in `storage` holds exactly the bytes of `source`."""
    try:
        if storage.size(name) != source.stat().st_size:
            return False
        with storage.open(name, "rb") as stored, source.open("rb") as original:
            return _digest(stored) == _digest(original)
    except OSError:
        return False


class MediaCopier:
    """
    Copies the site's files into media storage under imported/, once per run, and
    only when the stored copy differs. With `dry_run` it copies nothing but names
    the URLs the files would get. Files written for a page whose import fails
    are removed again (`discard`), so a failed page leaves nothing behind.
    """

    def __init__(self, *, config: SiteConfig, dry_run: bool, storage: Storage | None = None):
        self.config = config
        self.dry_run = dry_run
        self.storage = storage or default_storage
        self.copied: list[str] = []  # storage names written (or, in a dry run, to be written)
        self.unchanged: list[str] = []
        self._done: dict[Path, str] = {}
        self._pending: list[str] = []  # written for the page being imported
        self._obsolete: list[str] = []  # replaced by the page being imported

    def find_static(self, path: str) -> Path | None:
        """The file behind a site path like /static/x.pdf or /images/a.png, or None."""
        relative = PurePosixPath(path.lstrip("/"))
        if not relative.parts or ".." in relative.parts:
            return None
        # Hugo serves static/x.pdf at /x.pdf; many sites still write /static/x.pdf.
        candidates = [relative]
        if relative.parts[0] == "static" and len(relative.parts) > 1:
            candidates.append(PurePosixPath(*relative.parts[1:]))
        for folder in self.config.static_dirs:
            for candidate in candidates:
                file = folder / candidate
                if file.is_file():
                    return file
        return None

    def storage_name(self, source: Path) -> str:
        """imported/<path inside static/ or content/>, each part made safe for storage."""
        for folder in [*self.config.static_dirs, self.config.content_dir]:
            if source.is_relative_to(folder):
                relative = source.relative_to(folder)
                break
        else:
            relative = Path(source.name)
        parts = [self.storage.get_valid_name(part) for part in relative.parts]
        return "/".join([MEDIA_PREFIX, *parts])

    def copy(self, source: Path) -> str:
        """The storage name of `source`, copied there if it was not already."""
        if source in self._done:
            return self._done[source]
        name = self.storage_name(source)
        if self.storage.exists(name) and same_content(self.storage, name, source):
            self.unchanged.append(name)
        elif self.dry_run:
            self.copied.append(name)
        else:
            if self.storage.exists(name):
                self.storage.delete(name)
            with source.open("rb") as handle:
                name = self.storage.save(name, File(handle, name=source.name))
            self.copied.append(name)
            self._pending.append(name)
        self._done[source] = name
        return name

    def url(self, name: str) -> str:
        return self.storage.url(name)

    def written(self, name: str) -> None:
        """`name` was stored for the page being imported (by a model's file field)."""
        self.copied.append(name)
        self._pending.append(name)

    def replaced(self, name: str) -> None:
        """`name` is no longer needed once the page being imported is saved."""
        self._obsolete.append(name)

    def keep(self) -> None:
        """The page that needed the files was saved: keep them, drop what they replaced."""
        for name in self._obsolete:
            self.storage.delete(name)
        self._pending.clear()
        self._obsolete.clear()

    def discard(self) -> None:
        """The page that needed the files failed: remove what was written for it."""
        for name in self._pending:
            self.storage.delete(name)
            self.copied.remove(name)
            self._done = {source: kept for source, kept in self._done.items() if kept != name}
        self._pending.clear()
        self._obsolete.clear()
