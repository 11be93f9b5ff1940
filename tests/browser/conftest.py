"""
A real Chromium (the system's, driven by Playwright) against a live server with the
demo content: one server and one browser per module, the content loaded once and
committed, so that the server's threads, the task worker and the test all see it.

Without a Chromium on the machine every test here is skipped, with the reason.
"""

import io
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

from tests.helpers.browser import COLOR_SCHEMES, DESKTOP, HOW_TO_INSTALL_CHROMIUM, chromium_path


def pytest_collection_modifyitems(items):
    for item in items:
        if item.nodeid.startswith("tests/browser/"):
            item.add_marker(pytest.mark.browser)
            # Asks pytest-django to create the test database (it creates it for marked
            # tests only); `_django_db_marker` below keeps the marker from wrapping the
            # test in a transaction or flushing the database after it.
            item.add_marker(pytest.mark.django_db)


@pytest.fixture(autouse=True)
def _django_db_marker():
    """
    The tests here run on the module's committed content (`site`): a transaction
    around a test would hide the server's writes from it and, on SQLite, lock the
    server out of writing.
    """


@dataclass
class Site:
    """The live server with the demo content: its address and where it writes."""

    url: str
    var_dir: Path
    mail_dir: Path
    organizer_password: str

    def __call__(self, path: str) -> str:
        return self.url + path

    def log_in(self, page) -> None:
        """Log `page`'s browser in to the admin as the organizer."""
        page.goto(self("/admin/login/"))
        page.get_by_label("Username").fill("organizer")
        page.get_by_label("Password").fill(self.organizer_password)
        page.get_by_role("button", name="Log in").click()


@pytest.fixture(scope="module")
def chromium():
    """
    The system's Chromium. Per module, not per run: while Playwright's sync API is
    started, its event loop counts as running in the main thread, and Django then
    refuses database access to every test that follows (launching takes half a second).
    """
    executable = chromium_path()
    if executable is None:
        pytest.skip(HOW_TO_INSTALL_CHROMIUM)
    from playwright.sync_api import sync_playwright

    # The tests' own queries run beside that loop; they are synchronous and safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=executable)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def site(chromium, django_db_setup, django_db_blocker, tmp_path_factory):
    """
    The demo content on the test database and a live server for it; emptied again
    after the module, as a transactional test leaves it.
    """
    from pytest_django.live_server_helper import LiveServer

    var_dir = tmp_path_factory.mktemp("var")
    mail_dir = var_dir / "mail"
    with (
        django_db_blocker.unblock(),
        override_settings(
            VAR_DIR=var_dir,
            MEDIA_ROOT=var_dir / "media",
            PAPER_LOOKUP=False,
        ),
    ):
        call_command("setup_site", stdout=io.StringIO())
        server = LiveServer("127.0.0.1:0")
        try:
            with override_settings(SITE_URL=server.url, ALLOWED_HOSTS=["127.0.0.1"]):
                yield Site(
                    url=server.url,
                    var_dir=var_dir,
                    mail_dir=mail_dir,
                    organizer_password=(var_dir / "organizer-login.txt").read_text().strip(),
                )
        finally:
            server.stop()
            call_command("flush", "--noinput", verbosity=0)


@pytest.fixture(scope="module")
def pages(chromium, site):
    """
    One page per color scheme at desktop size, reused by the tests of a module.
    Uploads (the profile photo, slides) come from the demo's media folder, as the
    proxy in front of the app serves them in production.
    """
    media = site.var_dir / "media"

    def serve_upload(route):
        path = route.request.url.split(settings.MEDIA_URL, 1)[1].split("?", 1)[0]
        file = (media / unquote(path)).resolve()
        if file.is_file() and file.is_relative_to(media.resolve()):
            route.fulfill(path=file)
        else:
            route.fulfill(status=404)

    contexts = {
        scheme: chromium.new_context(viewport=DESKTOP, color_scheme=scheme)
        for scheme in COLOR_SCHEMES
    }
    for context in contexts.values():
        context.route(f"{site.url}{settings.MEDIA_URL}**", serve_upload)
    opened = {scheme: context.new_page() for scheme, context in contexts.items()}
    yield opened
    for context in contexts.values():
        context.close()


@pytest.fixture
def page(pages):
    """The light desktop page, back to the viewport it started with."""
    page = pages["light"]
    page.set_viewport_size(DESKTOP)
    return page
