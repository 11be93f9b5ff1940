"""The few settings of a Hugo site that decide its addresses and dates."""

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

# In the order Hugo looks for them.
CONFIG_NAMES = [
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.yml",
    "config.json",
]


class SiteError(Exception):
    """The site as a whole cannot be read: no content folder, a broken configuration."""


@dataclass
class SiteConfig:
    root: Path
    content_dir: Path
    static_dirs: list[Path]
    config_file: Path | None = None
    base_url: str = ""
    # Section ("post") → pattern ("/:year/:month/:slug/").
    permalinks: dict[str, str] = field(default_factory=dict)
    time_zone: str = ""
    ugly_urls: bool = False
    lowercase_paths: bool = True

    @property
    def base_host(self) -> str:
        return (urlsplit(self.base_url).hostname or "").lower()

    @property
    def base_path(self) -> str:
        """The path the site lived under: "" for https://example.org/, "/blog" for …/blog/."""
        return urlsplit(self.base_url).path.rstrip("/")


def _load(path: Path) -> dict:
    text = path.read_text(encoding="utf-8-sig")
    try:
        match path.suffix:
            case ".toml":
                data = tomllib.loads(text)
            case ".json":
                data = json.loads(text)
            case _:
                data = yaml.safe_load(text) or {}
    except (tomllib.TOMLDecodeError, yaml.YAMLError, json.JSONDecodeError) as error:
        kind = {".toml": "TOML", ".json": "JSON"}.get(path.suffix, "YAML")
        reason = " ".join(str(error).split())
        raise SiteError(f"{path.name} is not valid {kind}: {reason}") from error
    if not isinstance(data, dict):
        raise SiteError(f"{path.name} does not hold settings (expected a table of keys).")
    return data


def _lower_keys(data: dict) -> dict:
    # Hugo's configuration keys ignore case: baseURL and baseurl are one key.
    return {str(key).lower(): value for key, value in data.items()}


def _permalinks(value) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    patterns = {}
    for section, pattern in value.items():
        if isinstance(pattern, dict):
            # Newer form: [permalinks.page] posts = "…" (pages); list pages keep their paths.
            if str(section).lower() == "page":
                patterns.update({str(key): str(val) for key, val in pattern.items()})
            continue
        patterns[str(section)] = str(pattern)
    return patterns


def read_config(root: Path) -> SiteConfig:
    """The configuration of the Hugo site in `root`; SiteError when it cannot be used."""
    if not root.exists():
        raise SiteError(f"{root} does not exist.")
    if not root.is_dir():
        raise SiteError(f"{root} is not a folder.")
    # One spelling of every path (no symlinks, no “..”), so files are named by where they sit.
    root = root.resolve()
    settings: dict = {}
    config_file = next((root / name for name in CONFIG_NAMES if (root / name).is_file()), None)
    if config_file is not None:
        settings = _lower_keys(_load(config_file))
    else:
        # A configuration folder: config/_default/hugo.toml plus one file per key.
        folder = root / "config" / "_default"
        for path in sorted(folder.glob("*")) if folder.is_dir() else []:
            if path.suffix not in {".toml", ".yaml", ".yml", ".json"}:
                continue
            data = _lower_keys(_load(path))
            if path.stem in {"hugo", "config"}:
                settings = {**data, **settings}
                config_file = config_file or path
            else:
                settings[path.stem.lower()] = data
    content_dir = root / str(settings.get("contentdir") or "content")
    if not content_dir.is_dir():
        raise SiteError(f"{root} has no {content_dir.name}/ folder: is it a Hugo site?")
    static = settings.get("staticdir") or "static"
    static_names = static if isinstance(static, list) else [static]
    return SiteConfig(
        root=root,
        content_dir=content_dir,
        static_dirs=[root / str(name) for name in static_names],
        config_file=config_file,
        base_url=str(settings.get("baseurl") or ""),
        permalinks=_permalinks(settings.get("permalinks")),
        time_zone=str(settings.get("timezone") or ""),
        ugly_urls=bool(settings.get("uglyurls")),
        lowercase_paths=not settings.get("disablepathtolower"),
    )
