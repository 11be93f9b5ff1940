"""One content file of a Hugo site, read: its front matter, body and dates."""

import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

CONTENT_SUFFIXES = {".md", ".markdown"}
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DATE_IN_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[-_]|$)")
# Theme pages that hold no writing of their own (PaperMod's search and archive pages).
_THEME_LAYOUTS = {"search", "archives", "archive"}


class PageError(Exception):
    """This file cannot be imported; the message says why, for the organizer."""


@dataclass
class Page:
    path: Path  # on disk
    name: str  # as reported: "content/post/foo.md"
    content_path: str  # inside content/: "post/foo.md"
    sections: list[str]  # ["post"]; [] for a page at the top of content/
    filename: str  # "foo"; a page bundle's folder name for …/foo/index.md
    bundle_dir: Path | None
    front: dict
    body: str
    title: str
    published: datetime | None  # aware; None without any date
    day: date | None  # the calendar day as written in the front matter
    draft: bool
    tags: list[str]
    summary: str
    slug: str  # from the front matter, or ""
    url: str  # the front matter's explicit address, or ""
    aliases: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def section(self) -> str:
        return self.sections[0] if self.sections else ""


def content_files(content_dir: Path) -> list[Path]:
    """Every Markdown file under `content_dir`, in a stable order."""
    return sorted(
        path
        for path in content_dir.rglob("*")
        if path.suffix.lower() in CONTENT_SUFFIXES and path.is_file()
    )


def is_list_page(path: Path) -> bool:
    """`_index.md` is a section's list page: Hugo fills it with the section's pages."""
    return path.stem == "_index"


def _shift_line(message: str, offset: int) -> str:
    # Parsers count lines from the start of the front matter; the organizer's
    # editor counts from the start of the file.
    return re.sub(r"\bline (\d+)", lambda m: f"line {int(m.group(1)) + offset}", message)


def split_front_matter(text: str) -> tuple[dict, str]:
    """(front matter, body) of a content file; PageError when the front matter is broken."""
    first, _, rest = text.partition("\n")
    delimiter = first.strip()
    if delimiter in {"---", "+++"}:
        kind = "YAML" if delimiter == "---" else "TOML"
        closing = re.search(rf"^{re.escape(delimiter)}[ \t]*$", rest, re.MULTILINE)
        if closing is None:
            raise PageError(
                f"the {kind} front matter is never closed: no second “{delimiter}” line."
            )
        raw, body = rest[: closing.start()], rest[closing.end() :].lstrip("\r\n")
        try:
            # a safe loader (see _SafeLoader)
            data = yaml.load(raw, Loader=_SafeLoader) if kind == "YAML" else tomllib.loads(raw)
        except yaml.MarkedYAMLError as error:
            # The context (“while scanning a quoted scalar”) starts where the mistake is.
            mark = error.context_mark or error.problem_mark
            where = f" (line {mark.line + 2}, column {mark.column + 1})" if mark else ""
            reason = ", ".join(part for part in [error.context, error.problem] if part)
            raise PageError(f"the front matter is not valid YAML{where}: {reason}.") from error
        except yaml.YAMLError as error:
            raise PageError(f"the front matter is not valid YAML: {error}.") from error
        except tomllib.TOMLDecodeError as error:
            raise PageError(
                f"the front matter is not valid TOML: {_shift_line(str(error), 1)}."
            ) from error
    elif text.lstrip().startswith("{"):
        try:
            data, end = json.JSONDecoder().raw_decode(text.lstrip())
        except json.JSONDecodeError as error:
            raise PageError(f"the front matter is not valid JSON: {error}.") from error
        body = text.lstrip()[end:].lstrip("\r\n")
    else:
        return {}, text
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PageError("the front matter is not a set of fields (expected “title: …” lines).")
    return {str(key).lower(): value for key, value in data.items()}, body


def parse_date(value, *, zone: ZoneInfo) -> tuple[datetime, date]:
    """
    (aware moment, calendar day as written) of a front-matter date: a TOML or YAML
    datetime or date, or a string in ISO form. A time without an offset is in `zone`.
    """
    if isinstance(value, str):
        text = value.strip()
        try:
            value = datetime.fromisoformat(text.replace(" ", "T", 1) if " " in text else text)
        except ValueError:
            try:
                value = date.fromisoformat(text[:10])
            except ValueError:
                raise PageError(
                    f"the date “{text}” is not a date (expected 2022-04-29 or "
                    "2019-11-28T00:00:00Z)."
                ) from None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=zone)
        return moment, value.date()
    if isinstance(value, date):
        return datetime.combine(value, time.min, tzinfo=zone), value
    raise PageError(f"the date “{value}” is not a date.")


def _as_bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "1", "on"}
    return bool(value)


def _as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, (list, tuple)):
        return [str(item).strip() for item in value if str(item).strip()]
    return [str(value)]


def _date_from_name(stem: str) -> date | None:
    match = _DATE_IN_NAME.match(stem)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def read_page(path: Path, *, site_root: Path, content_dir: Path, zone: ZoneInfo) -> Page:
    """The page in `path`; PageError when it cannot be imported."""
    name = path.relative_to(site_root).as_posix()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise PageError(f"it is not UTF-8 text (byte {error.start}).") from error
    except OSError as error:
        raise PageError(f"it cannot be read: {error.strerror or error}.") from error
    if "\x00" in text:
        raise PageError("it holds NUL bytes: not a text file.")
    text = text.replace("\r\n", "\n")
    front, body = split_front_matter(text)

    title = " ".join(str(front.get("title") or "").split())
    if not title:
        raise PageError("it has no title.")
    if _as_bool(front.get("headless")) or str(front.get("layout", "")).lower() in _THEME_LAYOUTS:
        raise PageError("it is a theme page without content of its own (layout or headless).")

    content_path = path.relative_to(content_dir).as_posix()
    folders = path.relative_to(content_dir).parent.parts
    bundle_dir = None
    filename = path.stem
    if path.stem == "index" and folders:
        # A page bundle: content/post/foo/index.md is the page "foo", its files beside it.
        bundle_dir = path.parent
        filename = folders[-1]
        folders = folders[:-1]

    notes = []
    raw_date = front.get("publishdate") or front.get("date")
    if raw_date:
        published, day = parse_date(raw_date, zone=zone)
    elif (day := _date_from_name(filename)) is not None:
        published = datetime.combine(day, time.min, tzinfo=zone)
        notes.append(f"no date in the front matter: took {day:%Y-%m-%d} from the file name.")
    else:
        published = datetime.fromtimestamp(path.stat().st_mtime, tz=zone)
        day = published.date()
        notes.append(f"no date anywhere: took the file's modification day, {day:%Y-%m-%d}.")
    if front.get("publishdate") and front.get("date"):
        # The day of a talk or session is its `date`; publishDate says when it went up.
        _, day = parse_date(front["date"], zone=zone)

    tags = _as_list(front.get("tags")) + _as_list(front.get("categories"))
    aliases = _as_list(front.get("aliases"))
    return Page(
        path=path,
        name=name,
        content_path=content_path,
        sections=list(folders),
        filename=filename,
        bundle_dir=bundle_dir,
        front=front,
        body=body,
        title=title,
        published=published,
        day=day,
        draft=_as_bool(front.get("draft")),
        tags=list(dict.fromkeys(tags)),
        summary=str(front.get("summary") or front.get("description") or "").strip(),
        slug=str(front.get("slug") or "").strip(),
        url=str(front.get("url") or "").strip(),
        aliases=aliases,
        notes=notes,
    )
