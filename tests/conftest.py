"""Fixtures every test module can use. App-specific ones live in tests/<app>/conftest.py."""

import tempfile
from datetime import timedelta
from itertools import count

import pytest
from django.conf import settings
from django.utils import timezone

_sequence = count(1)


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
def organizer(django_user_model):
    return django_user_model.objects.create_superuser(
        username="organizer",
        email="organizer@example.org",
        password="organizer-password",
        first_name="Ada",
        last_name="Example",
    )


@pytest.fixture
def staff_client(client, organizer):
    client.force_login(organizer)
    return client


@pytest.fixture
def make_post(organizer):
    """Factory: make_post(title=..., published_at=..., tags=[...], **fields)."""
    from blog.models import Post

    def factory(*, tags=(), published=True, **fields):
        number = next(_sequence)
        fields.setdefault("title", f"Post number {number}")
        fields.setdefault("slug", f"post-{number}")
        fields.setdefault("author", organizer)
        fields.setdefault("body", f"First paragraph of post {number}.\n\nSecond paragraph.")
        if published and "published_at" not in fields:
            fields["published_at"] = timezone.now() - timedelta(hours=number)
        post = Post.objects.create(**fields)
        if tags:
            post.tags.set(list(tags))
        return post

    return factory
