"""
Where imported pages are saved. The importer reads and plans a Hugo site on
its own; saving a page is the business of the app that owns its kind. Each app
registers an `ImportTarget` subclass in its `<app>/hugo.py`:

    @register
    class PostTarget(ImportTarget):
        kind = Kind.POST
        row = "posts"
        ...

The importer makes one instance of every target per run and hands it the
run's shared pieces (`ImportRun`): the author, the link resolver, the media
copier and the report.
"""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from portal.hugo.classify import Kind
from portal.hugo.config import SiteConfig
from portal.hugo.files import MediaCopier
from portal.hugo.pages import Page
from portal.hugo.plan import Planned
from portal.hugo.report import ImportReport
from portal.hugo.resolver import LinkResolver
from portal.plugins import Registry


class HugoImportError(Exception):
    """The import cannot start: the message is one line for the organizer."""


@dataclass
class ImportRun:
    """What every target of one import shares."""

    config: SiteConfig
    author: object  # the user new posts belong to
    series_choice: str  # --series: the club series sessions go to, by slug or name; "" to guess
    dry_run: bool
    zone: ZoneInfo  # the site's time zone
    copier: MediaCopier
    links: LinkResolver
    report: ImportReport


class ImportTarget:
    """Saves one kind of page. Subclass in `<app>/hugo.py` and `register` the class."""

    kind: Kind
    row: str  # the summary table's row for these pages: "posts"
    # Further rows for what is saved along with the pages: (row, what “unchanged” means there).
    extra_rows: tuple[tuple[str, str], ...] = ()
    # Lower saves first: talks link to the posts that write them up.
    save_order: int = 0

    def __init__(self, run: ImportRun):
        self.run = run

    def prepare(self, pages: list[Page]) -> None:
        """
        Decide what this run's pages of the kind share (the series sessions go
        to) before their addresses are planned; raises HugoImportError when
        that cannot be decided.
        """

    def start(self) -> str:
        """Save what the pages share, before the first of them; returns a line for the report, or ""."""
        return ""

    def page_path(self, planned: Planned) -> str:
        """The page's new path in the portal."""
        raise NotImplementedError

    def section_paths(self) -> tuple[str, str]:
        """(list page, RSS feed) where a Hugo section holding only this kind now lives."""
        raise NotImplementedError

    def save(self, planned: Planned) -> tuple[bool, bool]:
        """
        Save the page inside the transaction the importer opened for it; returns
        (created, changed). Notes for the organizer go to `planned.page.notes`;
        a ValidationError, DatabaseError, OSError or ValueError skips the page
        and undoes all of it.
        """
        raise NotImplementedError


_targets = Registry[type[ImportTarget]]("hugo", key=lambda target: target.kind)


def register(target: type[ImportTarget]) -> type[ImportTarget]:
    """Have `target` save its kind of page (a class decorator); one app per kind."""
    return _targets.register(target)


def import_targets() -> dict[Kind, type[ImportTarget]]:
    """Every registered target by the kind of page it saves, in the order kinds are listed."""
    return {kind: target for kind in Kind if (target := _targets.get(kind)) is not None}


# --- helpers for targets ---------------------------------------------------------------------


def values_apply(instance, values: dict) -> bool:
    """Set the fields in `values` on `instance`; returns whether any of them changed."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def tags_apply(instance, names: list[str], *, created: bool) -> bool:
    """Give a saved `instance` exactly the tags `names`; returns whether its tags changed."""
    if not created:
        current = {tag.name.lower() for tag in instance.tags.all()}
        if current == {name.lower() for name in names}:
            return False
    if names or not created:
        instance.tags.set(names)
    return bool(names) or not created


def tag_names(page: Page) -> list[str]:
    """The page's tags and categories, each once whatever its case, cut to the tag length."""
    seen, names = set(), []
    for tag in page.tags:
        name = tag[:100]
        if name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names
