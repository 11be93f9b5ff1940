"""
Where each link of an imported page points in the portal: another imported
page, a file of the site (copied into media storage), or somewhere else, kept
as written.
"""

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from portal.hugo.config import SiteConfig
from portal.hugo.files import MediaCopier
from portal.hugo.links import convert_shortcodes, rewrite_links
from portal.hugo.plan import Planned
from portal.hugo.urls import normalize_path
from portal.links import absolute_url


@dataclass
class LinkTarget:
    """What a link in a page points at."""

    planned: Planned | None = None
    file: Path | None = None
    suffix: str = ""  # ?query#fragment


class LinkResolver:
    """The new address of every link in the site's pages, once every page is planned."""

    def __init__(self, *, config: SiteConfig, copier: MediaCopier):
        self.config = config
        self.copier = copier
        self.by_path: dict[str, Planned] = {}
        self.by_content: dict[str, Planned] = {}
        self.by_name: dict[str, Planned | None] = {}

    def index(self, planned_pages: list[Planned]) -> None:
        """Know the pages by their old paths, their files and their file names."""
        for planned in planned_pages:
            for path in planned.old_paths:
                self.by_path.setdefault(self._key(path), planned)
            content = planned.page.content_path.lower()
            self.by_content[content] = planned
            self.by_content[content.rsplit(".", 1)[0]] = planned
            stem = planned.page.filename.lower()
            self.by_name[stem] = None if stem in self.by_name else planned

    def _key(self, path: str) -> str:
        path = unquote(path)
        if self.config.base_path and path.startswith(self.config.base_path + "/"):
            path = path[len(self.config.base_path) :]
        path = re.sub(r"/index\.html?$", "/", path)
        return normalize_path(path).lower()

    def locate(self, url: str, planned: Planned) -> LinkTarget | None:
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
                return LinkTarget(planned=found, suffix=suffix) if found else None
            if page.bundle_dir is not None:
                file = (page.bundle_dir / relative).resolve()
                if file.is_file() and file.is_relative_to(self.config.content_dir.resolve()):
                    return LinkTarget(file=file, suffix=suffix)
            here = planned.old_paths[0]
            folder = here if here.endswith("/") else posixpath.dirname(here) + "/"
            path = posixpath.normpath(posixpath.join(folder, relative))
        found = self.by_path.get(self._key(path))
        if found is not None:
            return LinkTarget(planned=found, suffix=suffix)
        site_path = unquote(path)
        if self.config.base_path and site_path.startswith(self.config.base_path + "/"):
            site_path = site_path[len(self.config.base_path) :]
        file = self.copier.find_static(site_path)
        if file is not None:
            return LinkTarget(file=file, suffix=suffix)
        if posixpath.splitext(site_path)[1] not in {"", ".html", ".htm"}:
            planned.page.notes.append(
                f"the link to {url} is neither an imported page nor a file in static/: "
                "kept as written."
            )
        return None

    def _address(self, target: LinkTarget) -> str:
        if target.planned is not None:
            return target.planned.new_path + target.suffix
        return self.copier.url(self.copier.copy(target.file)) + target.suffix

    def rewrite(self, url: str, planned: Planned) -> str | None:
        """The new address of a link in `planned`'s page; None to keep it as written."""
        target = self.locate(url, planned)
        return None if target is None else self._address(target)

    def web_url(self, url: str, planned: Planned) -> str:
        """An http(s) address for a URL field: rewritten and made absolute; "" if impossible."""
        new = self.rewrite(url, planned) or url
        if new.startswith("/") and not new.startswith("//"):
            return absolute_url(new)
        if urlsplit(new).scheme in {"http", "https"}:
            return new
        planned.page.notes.append(f"the link “{url}” is not a web address: left out.")
        return ""

    def ref(self, target: str, planned: Planned) -> str | None:
        """The new address of a ref/relref shortcode's page, or None when it was not imported."""
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

    def markdown(self, text: str, planned: Planned) -> str:
        """Markdown of `planned`'s page with its shortcodes converted and its links rewritten."""
        text, notes = convert_shortcodes(text, ref=lambda target: self.ref(target, planned))
        planned.page.notes.extend(notes)
        return rewrite_links(text, lambda url: self.rewrite(url, planned))
