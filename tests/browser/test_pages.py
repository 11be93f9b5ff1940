"""
Every public page as a browser shows it: axe-core finds no accessibility violation
in light and dark, on a desktop (1366×900) and a phone (390×844), and the Nu HTML
checker finds no error in the HTML the server sends.
"""

import shutil
import urllib.error
import urllib.request

import pytest

from tests.browser.public_pages import PAGE_NAMES, page_paths
from tests.helpers.browser import (
    AXE_SCRIPT,
    COLOR_SCHEMES,
    HOW_TO_INSTALL_AXE,
    HOW_TO_INSTALL_JAVA,
    VIEWPORTS,
    axe_violations,
    describe_violations,
    nu_errors,
)
from tests.helpers.urls import demo_values


@pytest.fixture(scope="module")
def paths(site):
    return page_paths(demo_values())


@pytest.fixture(scope="module")
def axe_pages(chromium, site):
    """A page per color scheme with axe-core loaded into every document it opens."""
    if not AXE_SCRIPT.is_file():
        pytest.skip(HOW_TO_INSTALL_AXE)
    contexts = []
    pages = {}
    for scheme in COLOR_SCHEMES:
        context = chromium.new_context(color_scheme=scheme)
        # An init script runs in every document whatever its Content-Security-Policy says.
        context.add_init_script(path=str(AXE_SCRIPT))
        contexts.append(context)
        pages[scheme] = context.new_page()
    yield pages
    for context in contexts:
        context.close()


@pytest.mark.parametrize(
    ("name", "viewport", "scheme"),
    [
        pytest.param(name, viewport, scheme, id=f"{name}-{viewport}-{scheme}")
        for name in PAGE_NAMES
        for viewport in VIEWPORTS
        for scheme in COLOR_SCHEMES
    ],
)
def test_no_accessibility_violations(axe_pages, site, paths, name, viewport, scheme):
    page = axe_pages[scheme]
    page.set_viewport_size(VIEWPORTS[viewport])
    response = page.goto(site(paths[name]))
    assert response.status == (404 if name == "not_found" else 200), paths[name]
    violations = axe_violations(page)
    assert not violations, "\n" + describe_violations(
        f"{paths[name]} ({viewport}, {scheme})", violations
    )


@pytest.fixture(scope="module")
def nu_report(site, paths, tmp_path_factory):
    """The Nu checker's errors per page, from one run over the HTML of every page."""
    if shutil.which("java") is None:
        pytest.skip(HOW_TO_INSTALL_JAVA)
    folder = tmp_path_factory.mktemp("html")
    files = {}
    for name, path in paths.items():
        try:
            with urllib.request.urlopen(site(path), timeout=30) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            body = error.read()
        files[name] = folder / f"{name}.html"
        files[name].write_bytes(body)
    errors = nu_errors(list(files.values()))
    return {name: [e for e in errors if e.file == file.name] for name, file in files.items()}


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_valid_html(nu_report, paths, name):
    errors = nu_report[name]
    assert not errors, f"\n{paths[name]}:\n" + "\n".join(map(str, errors))
