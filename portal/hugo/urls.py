"""The addresses a Hugo site gave each page: its default path, permalinks, slug, url and aliases."""

import re
from urllib.parse import urlsplit

from portal.hugo.config import SiteConfig
from portal.hugo.pages import Page

_UNSAFE = re.compile(r"[^\w\-./#+~]", re.UNICODE)
_TOKEN = re.compile(
    r":(slugorfilename|slugorcontentbasename|contentbasename|monthname|weekdayname|yearday"
    r"|weekday|sections|section|filename|title|slug|year|month|day"
    r"|January|Monday|2006|Jan|Mon|06|01|02|1|2)"
)


def urlize(text: str, *, lowercase: bool = True) -> str:
    """A path segment the way Hugo makes one: spaces become hyphens, odd characters go."""
    text = "-".join(text.strip().split())
    text = _UNSAFE.sub("", text)
    return text.lower() if lowercase else text


def normalize_path(path: str) -> str:
    """“post//foo” → “/post/foo/”; a path naming a file (“/foo.html”) keeps no trailing slash."""
    path = "/" + re.sub(r"/{2,}", "/", path.strip().lstrip("/"))
    last = path.rsplit("/", 1)[-1]
    if path != "/" and not path.endswith("/") and "." not in last:
        path += "/"
    return path


def _expand(pattern: str, page: Page, config: SiteConfig) -> str:
    day = page.day
    lower = config.lowercase_paths
    slug = urlize(page.slug or page.title, lowercase=lower)

    def token(match: re.Match) -> str:
        name = match.group(1)
        if name in {"filename", "contentbasename"}:
            return urlize(page.filename, lowercase=lower)
        if name in {"slugorfilename", "slugorcontentbasename"}:
            return urlize(page.slug or page.filename, lowercase=lower)
        if name == "slug":
            return slug
        if name == "title":
            return urlize(page.title, lowercase=lower)
        if name == "section":
            return urlize(page.section, lowercase=lower)
        if name == "sections":
            return "/".join(urlize(part, lowercase=lower) for part in page.sections)
        if day is None:
            return ""
        value = {
            "year": f"{day:%Y}",
            "2006": f"{day:%Y}",
            "06": f"{day:%y}",
            "month": f"{day:%m}",
            "01": f"{day:%m}",
            "1": str(day.month),
            "day": f"{day:%d}",
            "02": f"{day:%d}",
            "2": str(day.day),
            "monthname": f"{day:%B}",
            "January": f"{day:%B}",
            "Jan": f"{day:%b}",
            "weekday": str((day.weekday() + 1) % 7),
            "weekdayname": f"{day:%A}",
            "Monday": f"{day:%A}",
            "Mon": f"{day:%a}",
            "yearday": str(day.timetuple().tm_yday),
        }[name]
        return value.lower() if lower and name in {"monthname", "weekdayname"} else value

    return _TOKEN.sub(token, pattern)


def _on_site(path: str, config: SiteConfig) -> str:
    return normalize_path(config.base_path + "/" + path.lstrip("/"))


def page_paths(page: Page, config: SiteConfig) -> list[str]:
    """
    Every path the page answered at on the Hugo site, the one Hugo linked to first:
    the permalink pattern of its section (or section/slug-or-filename), the plain
    section/filename path, its `url` and each of its `aliases`.
    """
    lower = config.lowercase_paths
    folder = "/".join(urlize(part, lowercase=lower) for part in page.sections)
    ending = ".html" if config.ugly_urls else "/"

    def default(name: str) -> str:
        return f"{folder}/{urlize(name, lowercase=lower)}{ending}"

    paths = []
    if page.url:
        paths.append(urlsplit(page.url).path or "/")
    pattern = config.permalinks.get(page.section) if page.sections else None
    if pattern:
        paths.append(_expand(pattern, page, config))
    if page.slug:
        paths.append(default(page.slug))
    paths.append(default(page.filename))
    for alias in page.aliases:
        alias_path = urlsplit(alias).path if "://" in alias else alias
        if not alias_path.startswith("/"):
            alias_path = f"{folder}/{alias_path}"
        paths.append(alias_path)
    return list(dict.fromkeys(_on_site(path, config) for path in paths if path))
