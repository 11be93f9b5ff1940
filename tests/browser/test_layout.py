"""
How the main pages look: nothing is wider than the screen, on a desktop or a phone,
in light or dark; a series with 120 past sessions stays a page one can scroll; and
the README's screenshots, taken on the way (`make screenshots` keeps them in
docs/screenshots/, SCREENSHOTS_DIR; otherwise they go to a temporary folder).
"""

import os
from datetime import time
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from blog.models import Post
from meetups.models import Series, Session
from portal.management.pagebench.data import SiteBuilder, Sizes
from talks.models import Talk
from tests.helpers.browser import VIEWPORTS

SERIES_DESKTOP_HEIGHT_LIMIT = 2500


def _paths() -> dict:
    session = (
        Session.objects.published()
        .filter(reading_list__isnull=False, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    talk = next(talk for talk in Talk.objects.published() if talk.recording_embed)
    return {
        "home": "/",
        # A post with highlighted code, the blog's most telling page.
        "post": (
            Post.objects.published().filter(body__contains="```").first()
            or Post.objects.published().first()
        ).get_absolute_url(),
        "talk": talk.get_absolute_url(),
        "series": session.series.get_absolute_url(),
        "session": session.get_absolute_url(),
    }


# (page, viewport, color scheme): each is saved as docs/screenshots/<page>[-mobile][-dark].png
SHOTS = [
    (page, viewport, scheme)
    for page in ("home", "post", "talk", "series", "session")
    for viewport, scheme in (("desktop", "light"), ("mobile", "light"), ("desktop", "dark"))
]


@pytest.fixture(scope="module")
def shots_dir(tmp_path_factory) -> Path:
    folder = os.environ.get("SCREENSHOTS_DIR")
    folder = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def paths(site):
    return _paths()  # after the demo content is loaded


def _file_name(page: str, viewport: str, scheme: str) -> str:
    suffix = ("-mobile" if viewport == "mobile" else "") + ("-dark" if scheme == "dark" else "")
    return f"{page}{suffix}.png"


def _overflow(page) -> int:
    """How many CSS pixels the page is wider than its viewport (0: it fits)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize(
    ("name", "viewport", "scheme"), SHOTS, ids=["-".join(shot) for shot in SHOTS]
)
def test_screenshot_of_a_page_that_fits_the_screen(
    pages, site, paths, shots_dir, name, viewport, scheme
):
    page = pages[scheme]
    page.set_viewport_size(VIEWPORTS[viewport])
    response = page.goto(site(paths[name]))
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert _overflow(page) == 0, f"{paths[name]} is wider than {viewport} ({scheme})"
    page.screenshot(path=shots_dir / _file_name(name, viewport, scheme))


def test_screenshot_of_the_organizer_writing_a_post_with_the_preview(chromium, site, shots_dir):
    context = chromium.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    site.log_in(page)
    post = Post.objects.published().order_by("-published_at").first()
    page.goto(site(f"/admin/blog/post/{post.pk}/change/"))
    body = page.locator("textarea[name=body]")
    body.press("End")
    body.press_sequentially(" ")  # the preview renders on input
    preview = page.locator(".markdownx-preview")
    expect(preview.locator("p").first).to_be_visible()
    assert _overflow(page) == 0
    body.scroll_into_view_if_needed()
    page.screenshot(path=shots_dir / "admin.png")
    context.close()


@pytest.fixture(scope="module")
def long_series(site):
    """A second series with 120 past sessions, three to six papers each."""
    builder = SiteBuilder(sizes=Sizes(posts=0, talks=0, past_sessions=120, upcoming_sessions=2))
    series = Series.objects.create(
        name="Systems Reading Group",
        slug="systems-reading-group",
        time_zone="Europe/Berlin",
        cadence_weeks=2,
        cadence_weekday=3,
        cadence_time=time(19, 0),
        venue_name="Room 3.14",
        venue_address="Beispielstraße 12\n10999 Berlin",
    )
    sessions = builder.build_sessions(Session, series)
    builder.build_reading_lists(sessions)
    return series


def test_a_series_with_120_past_sessions_stays_short(page, site, long_series):
    page.goto(site(long_series.get_absolute_url()))
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < SERIES_DESKTOP_HEIGHT_LIMIT, f"{height} px tall at 1366×900"
    subscribe = page.locator("form.subscribe-form").bounding_box()
    assert subscribe["y"] < VIEWPORTS["desktop"]["height"], "subscribing is below the fold"
