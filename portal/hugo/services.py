"""
Importing a Hugo site: `hugo_site_import` reads every content file, plans each
page's new address, then saves pages one by one, each in its own transaction,
and leaves a redirect at every address the Hugo site gave it.
"""

import posixpath
import re
import time as clock
import zoneinfo
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils.text import slugify

from blog.models import Post
from meetups.models import Paper, ReadingListEntry, Series, Session
from meetups.zones import available_time_zones, combine
from portal.hugo.classify import (
    Kind,
    SessionTitle,
    TalkTitle,
    classify,
    parse_session_title,
    parse_talk_title,
)
from portal.hugo.club import SeriesChoiceError, paper_find_or_create, series_for_import
from portal.hugo.config import SiteConfig, SiteError, read_config
from portal.hugo.files import MediaCopier, same_content
from portal.hugo.links import Material, convert_shortcodes, rewrite_links, split_talk_materials
from portal.hugo.pages import Page, PageError, content_files, is_list_page, read_page
from portal.hugo.references import Reference, find_references
from portal.hugo.urls import normalize_path, page_paths, urlize
from portal.links import absolute_url
from portal.models import Redirect
from talks.models import Talk, TalkLink

UNKNOWN_EVENT = "Unknown event"
UNKNOWN_CITY = "Unknown"
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}[-_]")
_PDF_MAGIC = b"%PDF-"

Progress = Callable[[int, int, str], None]


class HugoImportError(Exception):
    """The import cannot start: the message is one line for the organizer."""


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def count(self, *, created: bool, changed: bool) -> None:
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1


@dataclass
class ImportReport:
    site: Path
    dry_run: bool
    files: int = 0
    posts: Tally = field(default_factory=Tally)
    talks: Tally = field(default_factory=Tally)
    sessions: Tally = field(default_factory=Tally)
    papers: Tally = field(default_factory=Tally)  # unchanged: already in the library, reused
    redirects: Tally = field(default_factory=Tally)
    files_copied: int = 0
    files_unchanged: int = 0
    pages: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # (file, kind, path, outcome)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (file, what was guessed)
    series_message: str = ""
    seconds: float = 0.0

    @property
    def imported(self) -> int:
        return self.posts.total + self.talks.total + self.sessions.total


@dataclass
class Planned:
    """A page with its place in the portal, decided before anything is saved."""

    page: Page
    kind: Kind
    old_paths: list[str]
    slug: str = ""  # posts and talks
    number: int = 0  # sessions
    talk_title: TalkTitle | None = None
    session_title: SessionTitle | None = None
    new_path: str = ""


@dataclass
class _Target:
    """What a link in a page points at."""

    planned: Planned | None = None
    file: Path | None = None
    suffix: str = ""  # ?query#fragment


def _unique_slug(candidates: list[str], taken: set[str]) -> str:
    for candidate in candidates:
        if candidate and candidate not in taken:
            return candidate
    base, number = candidates[-1], 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _slug(text: str, *, fallback_prefix: str) -> str:
    slug = slugify(text)[:200].strip("-")
    if slug.isdigit():
        # /blog/2019/ is the yearly archive: a slug of digits only would clash with it.
        slug = f"{fallback_prefix}-{slug}"
    return slug


def _tag_names(page: Page) -> list[str]:
    seen, names = set(), []
    for tag in page.tags:
        name = tag[:100]
        if name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def _is_pdf(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(_PDF_MAGIC)) == _PDF_MAGIC


def _zone(config: SiteConfig) -> zoneinfo.ZoneInfo:
    name = config.time_zone if config.time_zone in available_time_zones() else settings.TIME_ZONE
    return zoneinfo.ZoneInfo(name)


def _validation_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(
            f"{name.replace('_', ' ')}: {message}" if name != "__all__" else message
            for name, messages in error.message_dict.items()
            for message in messages
        )
    return " ".join(error.messages)


# --- the import -----------------------------------------------------------------------------


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
        self.author = author
        self.series_choice = series_choice
        self.dry_run = dry_run
        self.progress = progress or (lambda done, total, name: None)
        self.report = ImportReport(site=config.root, dry_run=dry_run)
        self.copier = MediaCopier(config=config, dry_run=dry_run)
        self.zone = _zone(config)
        self.series: Series | None = None
        self.series_is_new = False
        self.planned: list[Planned] = []
        self.by_path: dict[str, Planned] = {}
        self.by_content: dict[str, Planned] = {}
        self.by_name: dict[str, Planned | None] = {}
        self.new_paths: set[str] = set()
        self.done = 0

    # --- reading and planning (nothing is written) ---

    def _tick(self, name: str) -> None:
        self.done += 1
        self.progress(self.done, self.report.files, name)

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
        session_pages = [page for page in pages if kinds[id(page)] is Kind.SESSION]
        if session_pages:
            self.series, self.series_is_new = series_for_import(
                choice=self.series_choice, pages=session_pages, zone_name=self.zone.key
            )
        slugs = {Kind.POST: set(), Kind.TALK: set()}
        numbers: dict[int, Planned] = {}
        for page in pages:
            kind = kinds[id(page)]
            planned = Planned(page=page, kind=kind, old_paths=page_paths(page, self.config))
            if kind is Kind.SESSION:
                planned.session_title = parse_session_title(page.title)
                planned.number = planned.session_title.number
                if planned.number in numbers:
                    first = numbers[planned.number].page.name
                    self.report.skipped.append(
                        (page.name, f"session number {planned.number} is already taken by {first}.")
                    )
                    self._tick(page.name)
                    continue
                numbers[planned.number] = planned
                planned.new_path = reverse(
                    "meetups:session_detail",
                    kwargs={"series": self.series.slug, "number": planned.number},
                )
            else:
                if kind is Kind.TALK:
                    planned.talk_title = parse_talk_title(page.title)
                base = page.slug or _DATE_PREFIX.sub("", page.filename)
                if kind is Kind.TALK and not page.slug:
                    base = re.sub(r"^talk[-_]", "", base, flags=re.IGNORECASE) or base
                prefix = page.section or kind.value
                candidates = [
                    _slug(base, fallback_prefix=prefix),
                    _slug(page.filename, fallback_prefix=prefix),
                    _slug(page.title, fallback_prefix=prefix) or kind.value,
                ]
                planned.slug = _unique_slug([c for c in candidates if c], slugs[kind])
                slugs[kind].add(planned.slug)
                name = "blog:post_detail" if kind is Kind.POST else "talks:talk_detail"
                planned.new_path = reverse(name, kwargs={"slug": planned.slug})
            self.planned.append(planned)
        for planned in self.planned:
            self.new_paths.add(planned.new_path)
            for path in planned.old_paths:
                self.by_path.setdefault(self._key(path), planned)
            content = planned.page.content_path.lower()
            self.by_content[content] = planned
            self.by_content[content.rsplit(".", 1)[0]] = planned
            stem = planned.page.filename.lower()
            self.by_name[stem] = None if stem in self.by_name else planned

    # --- links ---

    def _key(self, path: str) -> str:
        path = unquote(path)
        if self.config.base_path and path.startswith(self.config.base_path + "/"):
            path = path[len(self.config.base_path) :]
        path = re.sub(r"/index\.html?$", "/", path)
        return normalize_path(path).lower()

    def _locate(self, url: str, planned: Planned) -> _Target | None:
        """The imported page or site file a link points at, or None for anything else."""
        url = url.strip()
        if not url or url.startswith(("#", "mailto:")):
            return None
        parts = urlsplit(url)
        suffix = (f"?{parts.query}" if parts.query else "") + (
            f"#{parts.fragment}" if parts.fragment else ""
        )
        if parts.scheme or url.startswith("//"):
            if parts.scheme not in {"http", "https", ""}:
                return None
            if not self.config.base_host or (parts.hostname or "").lower() != self.config.base_host:
                return None
            path = parts.path or "/"
        elif url.startswith("/"):
            path = parts.path
        else:
            relative = unquote(parts.path)
            if not relative:
                return None
            page = planned.page
            if relative.lower().endswith((".md", ".markdown")):
                folder = posixpath.dirname(page.content_path)
                target = posixpath.normpath(posixpath.join(folder, relative)).lower()
                found = self.by_content.get(target)
                return _Target(planned=found, suffix=suffix) if found else None
            if page.bundle_dir is not None:
                file = (page.bundle_dir / relative).resolve()
                if file.is_file() and file.is_relative_to(self.config.content_dir.resolve()):
                    return _Target(file=file, suffix=suffix)
            here = planned.old_paths[0]
            folder = here if here.endswith("/") else posixpath.dirname(here) + "/"
            path = posixpath.normpath(posixpath.join(folder, relative))
        found = self.by_path.get(self._key(path))
        if found is not None:
            return _Target(planned=found, suffix=suffix)
        site_path = unquote(path)
        if self.config.base_path and site_path.startswith(self.config.base_path + "/"):
            site_path = site_path[len(self.config.base_path) :]
        file = self.copier.find_static(site_path)
        if file is not None:
            return _Target(file=file, suffix=suffix)
        if posixpath.splitext(site_path)[1] not in {"", ".html", ".htm"}:
            planned.page.notes.append(
                f"the link to {url} is neither an imported page nor a file in static/: "
                "kept as written."
            )
        return None

    def _address(self, target: _Target) -> str:
        if target.planned is not None:
            return target.planned.new_path + target.suffix
        return self.copier.url(self.copier.copy(target.file)) + target.suffix

    def _rewrite(self, url: str, planned: Planned) -> str | None:
        target = self._locate(url, planned)
        return None if target is None else self._address(target)

    def _web_url(self, url: str, planned: Planned) -> str:
        """An http(s) address for a URL field: rewritten and made absolute; "" if impossible."""
        new = self._rewrite(url, planned) or url
        if new.startswith("/") and not new.startswith("//"):
            return absolute_url(new)
        if urlsplit(new).scheme in {"http", "https"}:
            return new
        planned.page.notes.append(f"the link “{url}” is not a web address: left out.")
        return ""

    def _ref(self, target: str, planned: Planned) -> str | None:
        path, _, fragment = target.partition("#")
        path = path.strip().lstrip("/").lower()
        suffix = f"#{fragment}" if fragment else ""
        found = (
            self.by_content.get(path)
            or self.by_content.get(path.rsplit(".", 1)[0])
            or self.by_content.get(
                posixpath.normpath(
                    posixpath.join(posixpath.dirname(planned.page.content_path.lower()), path)
                )
            )
            or self.by_name.get(posixpath.basename(path).rsplit(".", 1)[0])
            or self.by_path.get(self._key("/" + path))
        )
        if found is None:
            return None
        return found.new_path + suffix

    def _markdown(self, text: str, planned: Planned) -> str:
        text, notes = convert_shortcodes(text, ref=lambda target: self._ref(target, planned))
        planned.page.notes.extend(notes)
        return rewrite_links(text, lambda url: self._rewrite(url, planned))

    # --- saving ---

    def _apply(self, instance, values: dict) -> bool:
        changed = False
        for name, value in values.items():
            if getattr(instance, name) != value:
                setattr(instance, name, value)
                changed = True
        return changed

    def _set_tags(self, instance, names: list[str], *, created: bool) -> bool:
        if not created:
            current = {tag.name.lower() for tag in instance.tags.all()}
            if current == {name.lower() for name in names}:
                return False
        if names or not created:
            instance.tags.set(names)
        return bool(names) or not created

    def _save_post(self, planned: Planned) -> None:
        page = planned.page
        post = Post.objects.filter(slug=planned.slug).first()
        created = post is None
        if created:
            post = Post(slug=planned.slug, author=self.author)
        changed = self._apply(
            post,
            {
                "title": page.title,
                "body": self._markdown(page.body, planned),
                "summary": page.summary,
                "published_at": None if page.draft else page.published,
            },
        )
        if changed:
            post.full_clean(exclude=["body"] if not post.body.strip() else None)
            post.save()
        changed |= self._set_tags(post, _tag_names(page), created=created)
        self.report.posts.count(created=created, changed=changed)

    def _talk_materials(
        self, planned: Planned, materials: list[Material]
    ) -> tuple[dict, Path | None, list]:
        """The talk's fields, slides PDF and further links from the links under its text."""
        values = {"recording_url": "", "slides_url": "", "writeup_post": None, "writeup_url": ""}
        slides_file: Path | None = None
        links = []
        for material in materials:
            roles = material.roles
            target = self._locate(material.url, planned)
            is_pdf = bool(target and target.file and _is_pdf(target.file))
            used = False
            if "writeup" in roles and not (values["writeup_post"] or values["writeup_url"]):
                if target and target.planned and target.planned.kind is Kind.POST:
                    post = Post.objects.filter(slug=target.planned.slug).first()
                    if post is not None:
                        values["writeup_post"] = post
                    else:
                        planned.page.notes.append(
                            f"the write-up {target.planned.page.name} was not imported: "
                            "no write-up linked."
                        )
                    used = True
                if not used:
                    values["writeup_url"] = self._web_url(material.url, planned)
                    used = bool(values["writeup_url"])
            if "slides" in roles and not (values["slides_url"] or slides_file):
                if is_pdf:
                    slides_file, used = target.file, True
                else:
                    values["slides_url"] = self._web_url(material.url, planned)
                    used = used or bool(values["slides_url"])
            if "recording" in roles and not is_pdf and not values["recording_url"]:
                values["recording_url"] = self._web_url(material.url, planned)
                used = used or bool(values["recording_url"])
            if not used:
                url = self._web_url(material.url, planned)
                if url:
                    links.append((material.label[:100], url))
        return values, slides_file, links

    def _attach_slides(self, talk: Talk, source: Path) -> bool:
        """Store `source` as the talk's slides PDF unless the same bytes are already there."""
        if talk.slides_file and same_content(
            talk.slides_file.storage, talk.slides_file.name, source
        ):
            self.copier.unchanged.append(talk.slides_file.name)
            return False
        if self.dry_run:
            self.copier.copied.append(f"slides of {talk.slug}")
            return True
        previous = talk.slides_file.name if talk.slides_file else ""
        with source.open("rb") as handle:
            talk.slides_file.save(source.name, File(handle), save=False)
        self.copier.written(talk.slides_file.name)
        if previous and previous != talk.slides_file.name:
            self.copier.replaced(previous)
        return True

    def _save_talk(self, planned: Planned) -> None:
        page, parsed = planned.page, planned.talk_title
        talk = Talk.objects.filter(slug=planned.slug).first()
        created = talk is None
        if created:
            talk = Talk(slug=planned.slug)
        abstract, materials = split_talk_materials(page.body)
        values = {
            "title": parsed.title[:200],
            "date": page.day,
            "abstract": self._markdown(abstract, planned),
            "published_at": None if page.draft else page.published,
        }
        # Hugo knows no event or city: they are guessed once, and what the organizer
        # corrects afterwards survives the next run. A venue in the title still wins.
        if parsed.venue:
            values["event_name"] = parsed.venue[:200]
        if created:
            values["event_name"] = (parsed.venue or UNKNOWN_EVENT)[:200]
            values["city"] = (parsed.venue or UNKNOWN_CITY)[:100]
            values["is_online"] = False
        material_values, slides_file, links = self._talk_materials(planned, materials)
        values.update(material_values)
        changed = self._apply(talk, values)
        if talk.event_name == UNKNOWN_EVENT or talk.city == UNKNOWN_CITY:
            page.notes.append(
                f"the title names no venue (“@Venue”): event “{talk.event_name}”, "
                f"city “{talk.city}”."
            )
        elif parsed.venue and talk.city == parsed.venue:
            page.notes.append(f"event and city both taken from “@{parsed.venue}”: check the city.")
        if slides_file is not None:
            changed |= self._attach_slides(talk, slides_file)
        if changed:
            talk.full_clean()
            talk.save()
        current = [(link.label, link.url) for link in talk.links.all()] if not created else []
        if current != links:
            talk.links.all().delete()
            TalkLink.objects.bulk_create(
                TalkLink(talk=talk, label=label, url=url, position=position)
                for position, (label, url) in enumerate(links, start=1)
            )
            changed = True
        changed |= self._set_tags(talk, _tag_names(page), created=created)
        self.report.talks.count(created=created, changed=changed)

    def _papers(self, planned: Planned, references: list[Reference]) -> list[Paper]:
        papers, seen = [], set()
        notes = planned.page.notes
        for reference in references:
            for name in ("url", "pdf_url"):
                value = getattr(reference, name)
                if value:
                    setattr(reference, name, self._web_url(value, planned))
            if reference.title_guessed:
                notes.append(f"a paper known only by its link: titled “{reference.title}”.")
            paper, created, changed = paper_find_or_create(reference=reference, notes=notes)
            self.report.papers.count(created=created, changed=changed)
            if paper.pk not in seen:
                seen.add(paper.pk)
                papers.append(paper)
        return papers

    def _save_reading_list(self, session: Session, papers: list[Paper]) -> bool:
        entries = {entry.paper_id: entry for entry in session.reading_list.all()}
        wanted = [paper.pk for paper in papers]
        current = [
            entry.paper_id for entry in sorted(entries.values(), key=lambda e: (e.position, e.pk))
        ]
        if current == wanted:
            return False
        # Entries kept keep their presenter and note; only their place changes.
        session.reading_list.exclude(paper_id__in=wanted).delete()
        for position, paper in enumerate(papers, start=1):
            entry = entries.get(paper.pk)
            if entry is None:
                ReadingListEntry.objects.create(session=session, paper=paper, position=position)
            elif entry.position != position:
                entry.position = position
                entry.save(update_fields=["position", "updated_at"])
        return True

    def _save_session(self, planned: Planned) -> None:
        page, series = planned.page, self.series
        session = Session.objects.filter(series=series, number=planned.number).first()
        created = session is None
        if created:
            session = Session(series=series, number=planned.number)
        references, write_up = find_references(page.body)
        # The post gives the day; the hour is the series' usual one, unless the
        # organizer has set the session's own time on that same day since.
        if created or session.local_start.date() != page.day:
            starts_at = combine(page.day, series.cadence_time, series.zone)
            ends_at = starts_at + series.duration
        else:
            starts_at, ends_at = session.starts_at, session.ends_at
        changed = self._apply(
            session,
            {
                "title": planned.session_title.topic[:200],
                "starts_at": starts_at,
                "ends_at": ends_at,
                "description": page.summary,
                "write_up": self._markdown(write_up, planned),
                "published_at": None if page.draft else page.published,
            },
        )
        if changed:
            session.full_clean()
            session.save()
        papers = self._papers(planned, references)
        if not references:
            page.notes.append("no references found: the reading list is empty.")
        changed |= self._save_reading_list(session, papers)
        changed |= self._set_tags(session, _tag_names(page), created=created)
        self.report.sessions.count(created=created, changed=changed)

    def _record_redirects(self, moves: dict[str, str]) -> None:
        moves = {old: new for old, new in moves.items() if old != new and old not in self.new_paths}
        known = dict(
            Redirect.objects.filter(old_path__in=list(moves)).values_list("old_path", "new_path")
        )
        for old_path, new_path in moves.items():
            if known.get(old_path) == new_path:
                self.report.redirects.unchanged += 1
                continue
            Redirect.record_move(old_path=old_path, new_path=new_path)
            if old_path in known:
                self.report.redirects.updated += 1
            else:
                self.report.redirects.created += 1

    def _save_redirects(self, planned: Planned) -> None:
        self._record_redirects(dict.fromkeys(planned.old_paths, planned.new_path))

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
            kind = next(iter(kinds)) if len(kinds) == 1 else None
            if kind is None:
                # A section of posts, talks and sessions together: the home page's timeline.
                pages, feed = reverse("home"), reverse("all_feed_rss")
            elif kind is Kind.POST:
                pages, feed = reverse("blog:post_list"), reverse("blog:feed_rss")
            elif kind is Kind.TALK:
                pages, feed = reverse("talks:talk_list"), reverse("talks:feed_rss")
            else:
                pages = self.series.get_absolute_url()
                feed = reverse("meetups:series_feed_rss", kwargs={"series": self.series.slug})
            folder = normalize_path(
                f"{self.config.base_path}/{urlize(section, lowercase=self.config.lowercase_paths)}/"
            )
            moves[folder] = pages
            moves[f"{folder}index.xml"] = feed
        with transaction.atomic():
            self._record_redirects(moves)

    def _import(self, planned: Planned) -> None:
        save = {
            Kind.POST: self._save_post,
            Kind.TALK: self._save_talk,
            Kind.SESSION: self._save_session,
        }[planned.kind]
        counters = (
            self.report.posts,
            self.report.talks,
            self.report.sessions,
            self.report.papers,
            self.report.redirects,
        )
        before = [Tally(**vars(tally)) for tally in counters]
        notes_before = len(planned.page.notes)
        try:
            with transaction.atomic():
                save(planned)
                self._save_redirects(planned)
        except (ValidationError, DatabaseError, PageError, OSError, ValueError) as error:
            # Nothing of this page was kept: take back its counts and its files.
            for tally, previous in zip(counters, before, strict=True):
                vars(tally).update(vars(previous))
            del planned.page.notes[notes_before:]
            self.copier.discard()
            reason = _validation_text(error) if isinstance(error, ValidationError) else str(error)
            self.report.skipped.append(
                (planned.page.name, " ".join(reason.split()) or type(error).__name__)
            )
        else:
            self.copier.keep()
            index = (Kind.POST, Kind.TALK, Kind.SESSION).index(planned.kind)
            now, then = counters[index], before[index]
            if now.created > then.created:
                outcome = "new"
            elif now.updated > then.updated:
                outcome = "updated"
            else:
                outcome = "unchanged"
            self.report.pages.append(
                (planned.page.name, planned.kind.value, planned.new_path, outcome)
            )

    def run(self) -> ImportReport:
        started = clock.perf_counter()
        pages = self.read()
        outer = transaction.atomic() if self.dry_run else nullcontext()
        with outer:
            self.plan(pages)
            if self.series is not None:
                self._announce_series()
            # Posts first: talks link to their write-up posts.
            order = {Kind.POST: 0, Kind.SESSION: 1, Kind.TALK: 2}
            for planned in sorted(self.planned, key=lambda item: order[item.kind]):
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

    def _announce_series(self) -> None:
        series = self.series
        if not self.series_is_new:
            self.report.series_message = (
                f"Paper-club posts go to the series “{series.name}” ({series.get_absolute_url()})."
            )
            return
        series.full_clean()
        series.save()
        verb = "Would create" if self.dry_run else "Created"
        self.report.series_message = (
            f"{verb} the series “{series.name}” ({series.get_absolute_url()}): "
            f"{series.cadence_text}. The weekday and rhythm come from the posts' dates, "
            "the time is a default: check them in the admin."
        )


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
    try:
        return importer.run()
    except SeriesChoiceError as error:
        raise HugoImportError(str(error)) from error
