"""Reading a Hugo site without the database: configuration, front matter, old addresses."""

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from portal.hugo.config import SiteError, read_config
from portal.hugo.pages import PageError, parse_date, read_page, split_front_matter
from portal.hugo.urls import page_paths

BERLIN = ZoneInfo("Europe/Berlin")


def _page(site, relative, text, *, config=None):
    path = site.write(relative, text)
    config = config or read_config(site.root)
    return read_page(path, site_root=site.root, content_dir=config.content_dir, zone=BERLIN), config


@pytest.mark.parametrize(
    ("value", "moment", "day"),
    [
        (
            datetime(2019, 11, 28, tzinfo=UTC),
            datetime(2019, 11, 28, tzinfo=UTC),
            date(2019, 11, 28),
        ),
        (date(2022, 4, 29), datetime(2022, 4, 29, tzinfo=BERLIN), date(2022, 4, 29)),
        ("2019-11-28T00:00:00Z", datetime(2019, 11, 28, tzinfo=UTC), date(2019, 11, 28)),
        ("2022-04-29", datetime(2022, 4, 29, tzinfo=BERLIN), date(2022, 4, 29)),
        ("2020-01-01 10:30:00", datetime(2020, 1, 1, 10, 30, tzinfo=BERLIN), date(2020, 1, 1)),
        (
            datetime(2020, 1, 1, 10, 30),
            datetime(2020, 1, 1, 10, 30, tzinfo=BERLIN),
            date(2020, 1, 1),
        ),
    ],
    ids=[
        "toml-yaml-datetime-Z",
        "toml-yaml-date",
        "string-Z",
        "string-date",
        "string-naive",
        "naive-datetime",
    ],
)
def test_dates_in_both_styles(value, moment, day):
    assert parse_date(value, zone=BERLIN) == (moment, day)


def test_a_date_that_is_not_one_is_refused():
    with pytest.raises(PageError, match="“last tuesday” is not a date"):
        parse_date("last tuesday", zone=BERLIN)


def test_yaml_and_toml_front_matter(hugo_site):
    site = hugo_site()
    yaml_page, _ = _page(
        site,
        "content/post/a.md",
        """
        ---
        title: YAML page
        date: 2019-11-28T00:00:00Z
        tags: [Go, go, raft]
        categories: [notes]
        Draft: true
        cover: {image: x.png}
        ---
        Body.
        """,
    )
    assert (yaml_page.title, yaml_page.draft, yaml_page.body) == ("YAML page", True, "Body.\n")
    assert yaml_page.tags == ["Go", "go", "raft", "notes"]  # categories join the tags
    toml_page, _ = _page(
        site,
        "content/blog/b.markdown",
        """
        +++
        title = "TOML page"
        date = 2022-04-29
        slug = "bee"
        aliases = ["/old/b/"]
        [params]
        unknown = true
        +++
        Body.
        """,
    )
    assert (toml_page.title, toml_page.slug, toml_page.aliases) == ("TOML page", "bee", ["/old/b/"])
    assert toml_page.tags == []
    assert toml_page.published == datetime(2022, 4, 29, tzinfo=BERLIN)
    assert toml_page.section == "blog"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            '---\ntitle: "Broken\ndate: 2019-01-01\n---\nx\n',
            "not valid YAML (line 2, column 8): while scanning a quoted scalar",
        ),
        ('+++\ntitle = "x"\ndate = \n+++\n', "not valid TOML: Invalid value (at line 3"),
        ("---\ntitle: never closed\n", "never closed"),
        ("---\n- a list\n---\n", "not a set of fields"),
        ("---\ndate: 2019-01-01\n---\nNo title.\n", "no title"),
        ("Just text, no front matter.\n", "no title"),
        ('---\ntitle: Search\nlayout: "search"\n---\n', "theme page"),
    ],
    ids=["yaml", "toml", "unclosed", "not-a-mapping", "no-title", "no-front-matter", "theme-page"],
)
def test_bad_front_matter_says_why_and_where(hugo_site, text, reason):
    site = hugo_site()
    path = site.write_bytes("content/post/bad.md", text.encode())
    with pytest.raises(PageError, match=re.escape(reason)):
        read_page(path, site_root=site.root, content_dir=site.root / "content", zone=BERLIN)


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"---\ntitle: Caf\xe9\n---\n", "not UTF-8"), (b"---\ntitle: A\x00B\n---\n", "NUL bytes")],
    ids=["latin-1", "nul-byte"],
)
def test_unreadable_files_are_refused(hugo_site, data, reason):
    # PostgreSQL cannot store a NUL byte in text: such a file never reaches the database.
    site = hugo_site()
    path = site.write_bytes("content/post/odd.md", data)
    with pytest.raises(PageError, match=reason):
        read_page(path, site_root=site.root, content_dir=site.root / "content", zone=BERLIN)


def test_a_missing_date_comes_from_the_file_name(hugo_site):
    page, _ = _page(hugo_site(), "content/post/2019-06-25-foo.md", "---\ntitle: Foo\n---\n")
    assert page.day == date(2019, 6, 25)
    assert "took 2019-06-25 from the file name" in page.notes[0]


def test_front_matter_without_body():
    assert split_front_matter("---\ntitle: x\n---") == ({"title": "x"}, "")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "config.toml",
            'baseURL = "https://ada.example.org/"\n[permalinks]\npost = "/:year/:month/:slug/"\n',
        ),
        (
            "hugo.toml",
            'baseurl = "https://ada.example.org/"\n[permalinks.page]\npost = "/:year/:month/:slug/"\n',
        ),
        (
            "config.yaml",
            "baseURL: https://ada.example.org/\npermalinks:\n  post: /:year/:month/:slug/\n",
        ),
        ("config/_default/hugo.toml", 'baseURL = "https://ada.example.org/"\n'),
    ],
    ids=["config.toml", "hugo.toml-new-form", "config.yaml", "config-folder"],
)
def test_configuration_files(hugo_site, name, text):
    site = hugo_site()
    site.write(name, text)
    if name.startswith("config/"):
        site.write("config/_default/permalinks.toml", 'post = "/:year/:month/:slug/"\n')
    config = read_config(site.root)
    assert config.base_host == "ada.example.org"
    assert config.permalinks == {"post": "/:year/:month/:slug/"}


def test_a_broken_configuration_is_one_clear_error(hugo_site):
    site = hugo_site()
    site.write("config.toml", "baseURL = \n")
    with pytest.raises(SiteError, match=r"config.toml is not valid TOML"):
        read_config(site.root)


def test_no_content_folder(tmp_path):
    with pytest.raises(SiteError, match="has no content/ folder"):
        read_config(tmp_path)
    with pytest.raises(SiteError, match="does not exist"):
        read_config(tmp_path / "nowhere")


@pytest.mark.parametrize(
    ("config", "front", "relative", "expected"),
    [
        ("", "", "content/post/2019-06-25-Foo.md", ["/post/2019-06-25-foo/"]),
        (
            "",
            "slug: bar",
            "content/post/2019-06-25-foo.md",
            ["/post/bar/", "/post/2019-06-25-foo/"],
        ),
        (
            '[permalinks]\npost = "/:year/:month/:slug/"',
            "slug: bar",
            "content/post/foo.md",
            ["/2019/06/bar/", "/post/bar/", "/post/foo/"],
        ),
        (
            '[permalinks]\npost = "/:year/:month/:day/:title/"',
            "",
            "content/post/foo.md",
            ["/2019/06/25/the-title/", "/post/foo/"],
        ),
        ('[permalinks]\npost = "/:section/:filename/"', "", "content/post/foo.md", ["/post/foo/"]),
        (
            '[permalinks]\npost = "/:2006/:slugorfilename/"',
            "",
            "content/post/foo.md",
            ["/2019/foo/", "/post/foo/"],
        ),
        ("uglyURLs = true", "", "content/post/foo.md", ["/post/foo.html"]),
        (
            'baseURL = "https://example.github.io/site/"',
            "",
            "content/post/foo.md",
            ["/site/post/foo/"],
        ),
        (
            "",
            "aliases: [/a/b, c.html, https://old.example/x/]",
            "content/post/foo.md",
            ["/post/foo/", "/a/b/", "/post/c.html", "/x/"],
        ),
        ("", "url: /custom/place/", "content/post/foo.md", ["/custom/place/", "/post/foo/"]),
        ("", "", "content/about.md", ["/about/"]),
        ("", "", "content/post/bundle/index.md", ["/post/bundle/"]),
    ],
    ids=[
        "default-lowercased",
        "slug",
        "permalink-slug",
        "permalink-title",
        "section-filename",
        "go-layout",
        "ugly",
        "base-path",
        "aliases",
        "url",
        "top-level",
        "bundle",
    ],
)
def test_old_addresses(hugo_site, config, front, relative, expected):
    site = hugo_site()
    site.write("config.toml", config + "\n")
    text = f"---\ntitle: The Title\ndate: 2019-06-25\n{front}\n---\n"
    page, config = _page(site, relative, text)
    assert page_paths(page, config) == expected
