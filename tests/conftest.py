"""
Settings and fixtures every test runs with. The factories live in tests/factories/,
one module per app, loaded here once; app-specific fixtures in tests/<app>/conftest.py.
"""

import tempfile
from pathlib import Path

import pytest
from django.conf import settings

pytest_plugins = [
    "tests.factories.users",
    "tests.factories.blog",
    "tests.factories.talks",
    "tests.factories.meetups",
    "tests.factories.suggestions",
]


def pytest_configure(config):
    # The hashed-name storage needs `collectstatic` first; tests render
    # templates without it (tests/portal/test_static.py covers the real one).
    # WhiteNoise warns when STATIC_ROOT is missing (nothing is collected in tests).
    settings.STATIC_ROOT = tempfile.mkdtemp(prefix="static-")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Real hashing costs half a second per account; tests check behaviour, not strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Without CACHE_URL the page cache's generation is a file: one per test run, so
    # that simultaneous runs do not make each other's pages stale.
    settings.PAGE_CACHE_GENERATION_FILE = Path(tempfile.mkdtemp(prefix="pagecache-")) / "generation"


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Uploads written by a test land in its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits and cached pages from one test must not leak into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def django_assert_num_queries(django_assert_num_queries, settings):
    """
    Query counts are those of rendering the page: the page cache is off, or the
    warm-up requests would leave the counted one nothing to do.
    """
    settings.PAGE_CACHE_SECONDS = 0
    return django_assert_num_queries


@pytest.fixture
def django_assert_max_num_queries(django_assert_max_num_queries, settings):
    """As `django_assert_num_queries`: the pages as rendered, not as cached."""
    settings.PAGE_CACHE_SECONDS = 0
    return django_assert_max_num_queries
