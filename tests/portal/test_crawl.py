"""
Every page a visitor can reach by following links from the home page, the
sitemap, the feeds, the paper library and a search, crawled with the test
client on the demo content: each answers, each HTML page has the parts every
page must have, and every feed, calendar and BibTeX file parses with the
parser a reader's software would use.
"""

import xml.etree.ElementTree as ElementTree
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import bibtexparser
import feedparser
import icalendar
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command

from blog.models import Post
from meetups.models import Session
from talks.models import Talk

pytestmark = pytest.mark.django_db

SEEDS = ["/", "/sitemap.xml", "/feeds/", "/papers/", "/search/?q=raft", "/robots.txt"]
MAX_URLS = 400
SKIPPED_PREFIXES = ("/admin/", "/admin-tools/")
DRAFT_NOTICE = "only staff can see this page"

FEED_TYPES = ("application/rss+xml", "application/atom+xml")
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class PageParser(HTMLParser):
    """The links of an HTML page and the parts every page must have."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.h1_count = 0
        self.title = ""
        self.in_title = False
        self.canonical: list[str] = []
        self.html_lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        elif tag == "h1":
            self.h1_count += 1
        elif tag == "title":
            self.in_title = True
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "link":
            rel = (attrs.get("rel") or "").lower().split()
            if "canonical" in rel:
                self.canonical.append(attrs.get("href") or "")
            if "alternate" in rel and attrs.get("href"):
                self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data


@dataclass
class Crawl:
    """What a crawl saw: every URL's status, and the problems found on the way."""

    statuses: dict[str, int] = field(default_factory=dict)
    content_types: dict[str, str] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    media_links: set[str] = field(default_factory=set)

    def fail(self, url: str, message: str) -> None:
        self.problems.append(f"{url}: {message}")


def _site_hosts() -> set[str]:
    return {"testserver", urlsplit(settings.SITE_URL).netloc}


def _on_site(base: str, href: str) -> str | None:
    """The site-relative path (with query) `href` points to from `base`, or None if elsewhere."""
    href = href.strip()
    if href.startswith("webcal://"):  # the same calendar, for calendar apps to subscribe to
        href = "http://" + href.removeprefix("webcal://")
    url, _fragment = urldefrag(urljoin(base, href))
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None  # mailto:, tel:, …
    if parts.netloc and parts.netloc not in _site_hosts():
        return None
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


def _check_html(crawl: Crawl, url: str, text: str) -> list[str]:
    parser = PageParser()
    parser.feed(text)
    if parser.h1_count != 1:
        crawl.fail(url, f"{parser.h1_count} <h1> elements, not exactly one")
    if not parser.title.strip():
        crawl.fail(url, "no <title> (or an empty one)")
    if len(parser.canonical) != 1 or not parser.canonical[0].startswith(settings.SITE_URL + "/"):
        crawl.fail(url, f"canonical link is {parser.canonical!r}")
    if not parser.html_lang:
        crawl.fail(url, "no lang on <html>")
    return parser.links + parser.canonical


def _check_feed(crawl: Crawl, url: str, body: bytes) -> list[str]:
    feed = feedparser.parse(body)
    if feed.bozo:
        crawl.fail(url, f"feed does not parse: {feed.bozo_exception!r}")
        return []
    if not feed.feed.get("title"):
        crawl.fail(url, "feed has no title")
    links = [feed.feed.get("link", "")]
    for entry in feed.entries:
        if not entry.get("title") or not entry.get("link"):
            crawl.fail(url, f"feed entry without title or link: {entry.get('id')!r}")
        links.append(entry.get("link", ""))
    return [link for link in links if link]


def _check_calendar(crawl: Crawl, url: str, body: bytes) -> None:
    try:
        calendar = icalendar.Calendar.from_ical(body)
    except ValueError as error:
        crawl.fail(url, f"calendar does not parse: {error}")
        return
    for event in calendar.walk("VEVENT"):
        if not event.get("UID") or not event.get("DTSTART") or not event.get("SUMMARY"):
            crawl.fail(url, f"event without UID, DTSTART or SUMMARY: {event.to_ical()[:200]!r}")


def _check_bibtex(crawl: Crawl, url: str, body: bytes) -> None:
    library = bibtexparser.parse_string(body.decode())
    if library.failed_blocks:
        crawl.fail(url, f"BibTeX blocks that do not parse: {library.failed_blocks!r}")
    for entry in library.entries:
        if "title" not in entry.fields_dict:
            crawl.fail(url, f"BibTeX entry {entry.key} has no title")


def _check_sitemap(crawl: Crawl, url: str, body: bytes) -> list[str]:
    root = ElementTree.fromstring(body)
    return [loc.text or "" for loc in root.iter(f"{SITEMAP_NS}loc")]


def crawl_site(client, seeds=SEEDS, *, limit: int = MAX_URLS) -> Crawl:
    """Breadth first from `seeds`, GET only, every link on the site once."""
    crawl = Crawl()
    queue = deque(seeds)
    seen = set(seeds)

    def follow(base: str, hrefs: list[str]) -> None:
        for href in hrefs:
            target = _on_site("http://testserver" + base, href)
            if target is None or target in seen:
                continue
            if target.startswith(SKIPPED_PREFIXES):
                continue
            if target.startswith(settings.MEDIA_URL):
                # Uploads are served by the proxy in production, not by the app.
                crawl.media_links.add(target)
                continue
            seen.add(target)
            queue.append(target)

    while queue:
        url = queue.popleft()
        if len(crawl.statuses) >= limit:
            crawl.fail(url, f"not crawled: more than {limit} URLs")
            break
        response = client.get(url)
        crawl.statuses[url] = response.status_code
        if response.status_code in (301, 302):
            target = _on_site("http://testserver" + url, response["Location"])
            if target is None:
                crawl.fail(url, f"redirects off the site to {response['Location']}")
            else:
                follow(url, [target])
            continue
        if response.status_code != 200:
            crawl.fail(url, f"answers {response.status_code}")
            continue
        content_type = response["Content-Type"].split(";")[0].strip()
        crawl.content_types[url] = content_type
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if content_type == "text/html":
            text = body.decode()
            crawl.pages[url] = text
            follow(url, _check_html(crawl, url, text))
        elif content_type in FEED_TYPES:
            follow(url, _check_feed(crawl, url, body))
        elif content_type == "text/calendar":
            _check_calendar(crawl, url, body)
        elif content_type == "application/x-bibtex":
            _check_bibtex(crawl, url, body)
        elif url == "/sitemap.xml":
            follow(url, _check_sitemap(crawl, url, body))
        elif content_type != "text/plain":
            crawl.fail(url, f"unexpected content type {content_type}")
    for path in sorted(crawl.media_links):
        if not default_storage.exists(path.removeprefix(settings.MEDIA_URL)):
            crawl.fail(path, "links to an upload that is not in media storage")
    return crawl


@pytest.fixture
def demo_site(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("setup_site", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _unpublished_urls() -> list[str]:
    urls = []
    for model in (Post, Talk, Session):
        for item in model.objects.exclude(pk__in=model.objects.published()):
            urls.append(item.get_absolute_url())
    return urls


def test_anonymous_crawl_reaches_every_kind_and_every_page_is_whole(client, demo_site):
    crawl = crawl_site(client)

    assert crawl.problems == []
    assert 304 not in crawl.statuses.values()
    kinds = set(crawl.content_types.values())
    assert {
        "text/html",
        "application/rss+xml",
        "application/atom+xml",
        "text/calendar",
        "application/x-bibtex",
    } <= kinds
    # Every published post, talk and session is reachable by following links.
    for model in (Post, Talk, Session):
        for item in model.objects.published():
            assert item.get_absolute_url() in crawl.statuses, item
    assert len(crawl.statuses) > 50


def test_anonymous_crawl_never_meets_a_draft(client, demo_site):
    unpublished = _unpublished_urls()
    assert unpublished, "the demo content has drafts and scheduled items"

    crawl = crawl_site(client)

    assert set(unpublished).isdisjoint(crawl.statuses)
    for text in crawl.pages.values():
        assert DRAFT_NOTICE not in text
    for url in unpublished:
        assert client.get(url).status_code == 404, url


def test_organizer_crawl_sees_drafts_with_a_notice(client, demo_site):
    client.force_login(get_user_model().objects.get(username="organizer"))
    unpublished = _unpublished_urls()

    crawl = crawl_site(client, [*SEEDS, *unpublished])

    assert crawl.problems == []
    for url in unpublished:
        assert crawl.statuses[url] == 200
        assert DRAFT_NOTICE in crawl.pages[url], url
