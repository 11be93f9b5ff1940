"""
Importing a Hugo site: `hugo_site_import` reads every content file, plans each
page's new address, then has the app that owns each kind of page save it (see
`portal.hugo.targets`), page by page, each in its own transaction, and leaves a
redirect at every address the Hugo site gave it.
"""

import time as clock
import zoneinfo
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse

from portal.hugo.classify import Kind, classify, parse_session_title, parse_talk_title
from portal.hugo.config import SiteConfig, SiteError, read_config
from portal.hugo.files import MediaCopier
from portal.hugo.pages import Page, PageError, content_files, is_list_page, read_page
from portal.hugo.plan import Planned, page_slug
from portal.hugo.report import ImportReport, Tally
from portal.hugo.resolver import LinkResolver
from portal.hugo.targets import HugoImportError, ImportRun, ImportTarget, import_targets
from portal.hugo.urls import normalize_path, page_paths, urlize
from portal.models import Redirect

__all__ = ["HugoImportError", "ImportReport", "hugo_site_config", "hugo_site_import"]

Progress = Callable[[int, int, str], None]


def _zone(config: SiteConfig) -> zoneinfo.ZoneInfo:
    known = zoneinfo.available_timezones()
    name = config.time_zone if config.time_zone in known else settings.TIME_ZONE
    return zoneinfo.ZoneInfo(name)


def _validation_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(
            f"{name.replace('_', ' ')}: {message}" if name != "__all__" else message
            for name, messages in error.message_dict.items()
            for message in messages
        )
    return " ".join(error.messages)


class _SiteImport:
    def __init__(
        self,
        *,
        config: SiteConfig,
        author,
        series_choice: str,
        dry_run: bool,
        progress: Progress | None,
    ):
        self.config = config
        self.dry_run = dry_run
        self.progress = progress or (lambda done, total, name: None)
        self.report = ImportReport(site=config.root, dry_run=dry_run)
        self.copier = MediaCopier(config=config, dry_run=dry_run)
        self.links = LinkResolver(config=config, copier=self.copier)
        run = ImportRun(
            config=config,
            author=author,
            series_choice=series_choice,
            dry_run=dry_run,
            zone=_zone(config),
            copier=self.copier,
            links=self.links,
            report=self.report,
        )
        self.targets: dict[Kind, ImportTarget] = {
            kind: target_class(run) for kind, target_class in import_targets().items()
        }
        for target in self.targets.values():
            self.report.page_rows.append(target.row)
            self.report.tally(target.row)
            for row, unchanged_means in target.extra_rows:
                self.report.tally(row).unchanged_means = unchanged_means
        self.report.tally("redirects")
        self.zone = run.zone
        self.started: list[ImportTarget] = []
        self.planned: list[Planned] = []
        self.new_paths: set[str] = set()
        self.done = 0

    # --- reading and planning (nothing is written) ---

    def _tick(self, name: str) -> None:
        self.done += 1
        self.progress(self.done, self.report.files, name)

    def _skip(self, page: Page, reason: str) -> None:
        self.report.skipped.append((page.name, reason))
        self._tick(page.name)

    def read(self) -> list[Page]:
        files = content_files(self.config.content_dir)
        self.report.files = len(files)
        pages = []
        for path in files:
            name = path.relative_to(self.config.root).as_posix()
            if is_list_page(path):
                self.report.notes.append(
                    (name, "a section's list page: Hugo builds it, nothing to import.")
                )
                self._tick(name)
                continue
            try:
                pages.append(
                    read_page(
                        path,
                        site_root=self.config.root,
                        content_dir=self.config.content_dir,
                        zone=self.zone,
                    )
                )
            except PageError as error:
                self.report.skipped.append((name, str(error)))
                self._tick(name)
        return pages

    def plan(self, pages: list[Page]) -> None:
        kinds = {id(page): classify(page) for page in pages}
        for kind, target in self.targets.items():
            of_kind = [page for page in pages if kinds[id(page)] is kind]
            if of_kind:
                target.prepare(of_kind)
                self.started.append(target)
        slugs = {Kind.POST: set(), Kind.TALK: set()}
        numbers: dict[int, Planned] = {}
        for page in pages:
            kind = kinds[id(page)]
            target = self.targets.get(kind)
            if target is None:
                self._skip(page, f"no installed app imports {kind.value} pages.")
                continue
            planned = Planned(page=page, kind=kind, old_paths=page_paths(page, self.config))
            if kind is Kind.SESSION:
                planned.session_title = parse_session_title(page.title)
                planned.number = planned.session_title.number
                if planned.number in numbers:
                    first = numbers[planned.number].page.name
                    self._skip(
                        page, f"session number {planned.number} is already taken by {first}."
                    )
                    continue
                numbers[planned.number] = planned
            else:
                if kind is Kind.TALK:
                    planned.talk_title = parse_talk_title(page.title)
                planned.slug = page_slug(page, kind=kind, taken=slugs[kind])
                slugs[kind].add(planned.slug)
            planned.new_path = target.page_path(planned)
            self.planned.append(planned)
        self.new_paths = {planned.new_path for planned in self.planned}
        self.links.index(self.planned)

    # --- saving ---

    def _record_redirects(self, moves: dict[str, str]) -> None:
        tally = self.report.tally("redirects")
        moves = {old: new for old, new in moves.items() if old != new and old not in self.new_paths}
        known = dict(
            Redirect.objects.filter(old_path__in=list(moves)).values_list("old_path", "new_path")
        )
        for old_path, new_path in moves.items():
            if known.get(old_path) == new_path:
                tally.unchanged += 1
                continue
            Redirect.record_move(old_path=old_path, new_path=new_path)
            if old_path in known:
                tally.updated += 1
            else:
                tally.created += 1

    def _save_section_redirects(self) -> None:
        """The site's feed, each section's list page and feed (/post/, /post/index.xml) lead on."""
        if not self.planned:
            return
        moves = {normalize_path(f"{self.config.base_path}/index.xml"): reverse("all_feed_rss")}
        kinds_by_section: dict[str, Counter] = {}
        for planned in self.planned:
            if planned.page.sections:
                kinds_by_section.setdefault(planned.page.section, Counter())[planned.kind] += 1
        for section, kinds in sorted(kinds_by_section.items()):
            if len(kinds) == 1:
                pages, feed = self.targets[next(iter(kinds))].section_paths()
            else:
                # A section of posts, talks and sessions together: the home page's timeline.
                pages, feed = reverse("home"), reverse("all_feed_rss")
            folder = normalize_path(
                f"{self.config.base_path}/{urlize(section, lowercase=self.config.lowercase_paths)}/"
            )
            moves[folder] = pages
            moves[f"{folder}index.xml"] = feed
        with transaction.atomic():
            self._record_redirects(moves)

    def _import(self, planned: Planned) -> None:
        target = self.targets[planned.kind]
        tallies: list[Tally] = list(self.report.tallies.values())
        before = [tally.counts() for tally in tallies]
        notes_before = len(planned.page.notes)
        try:
            with transaction.atomic():
                created, changed = target.save(planned)
                self.report.tally(target.row).count(created=created, changed=changed)
                self._record_redirects(dict.fromkeys(planned.old_paths, planned.new_path))
        except (ValidationError, DatabaseError, PageError, OSError, ValueError) as error:
            # Nothing of this page was kept: take back its counts and its files.
            for tally, counts in zip(tallies, before, strict=True):
                tally.restore(counts)
            del planned.page.notes[notes_before:]
            self.copier.discard()
            reason = _validation_text(error) if isinstance(error, ValidationError) else str(error)
            self.report.skipped.append(
                (planned.page.name, " ".join(reason.split()) or type(error).__name__)
            )
        else:
            self.copier.keep()
            outcome = "new" if created else "updated" if changed else "unchanged"
            self.report.pages.append(
                (planned.page.name, planned.kind.value, planned.new_path, outcome)
            )

    def run(self) -> ImportReport:
        started = clock.perf_counter()
        pages = self.read()
        outer = transaction.atomic() if self.dry_run else nullcontext()
        with outer:
            self.plan(pages)
            for target in self.started:
                if message := target.start():
                    self.report.messages.append(message)
            for planned in sorted(
                self.planned, key=lambda item: self.targets[item.kind].save_order
            ):
                self._import(planned)
                self._tick(planned.page.name)
            self._save_section_redirects()
            if self.dry_run:
                transaction.set_rollback(True)
        for planned in self.planned:
            self.report.notes.extend(
                (planned.page.name, note) for note in dict.fromkeys(planned.page.notes)
            )
        for page in pages:
            if not any(planned.page is page for planned in self.planned):
                self.report.notes.extend((page.name, note) for note in page.notes)
        self.report.notes.sort(key=lambda item: item[0])
        self.report.files_copied = len(self.copier.copied)
        self.report.files_unchanged = len(set(self.copier.unchanged))
        self.report.seconds = clock.perf_counter() - started
        return self.report


def hugo_site_config(*, site_dir: Path) -> SiteConfig:
    """The Hugo site's configuration; HugoImportError when `site_dir` is no usable site."""
    try:
        return read_config(Path(site_dir))
    except SiteError as error:
        raise HugoImportError(str(error)) from error


def hugo_site_import(
    *,
    site_dir: Path,
    author,
    series: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """
    Import the Hugo site in `site_dir`: posts, talks and paper-club sessions (into
    `series`, by slug or name), their files and a redirect from every old address.
    Each page is saved in its own transaction; a page that cannot be imported is
    reported in `skipped` and changes nothing. With `dry_run` nothing is written.
    Raises HugoImportError when the import cannot start (an unreadable site, an
    unclear series).
    """
    importer = _SiteImport(
        config=hugo_site_config(site_dir=site_dir),
        author=author,
        series_choice=series,
        dry_run=dry_run,
        progress=progress,
    )
    return importer.run()
