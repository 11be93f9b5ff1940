"""Uploads served by the app itself (SERVE_MEDIA=true, for a small site without a proxy)."""

import pytest
from django.urls import include, path, re_path

from portal.views import serve_media

# portal/urls.py mounts this view only when SERVE_MEDIA is on, which it is not in tests.
urlpatterns = [re_path(r"^media/(?P<path>.*)$", serve_media), path("", include("portal.urls"))]
pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]  # a 404 looks up old addresses


@pytest.fixture
def upload(settings):
    folder = settings.MEDIA_ROOT / "talks"
    folder.mkdir(parents=True)
    (folder / "slides.pdf").write_bytes(b"%PDF-1.4 slides")
    return "/media/talks/slides.pdf"


def test_an_upload_is_served(client, upload):
    response = client.get(upload)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 slides"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("talks/missing.pdf", 404),
        # Longer than the file system allows: this raised OSError, a server error.
        ("a" * 5000, 404),
        ("talks/" + "b" * 300 + ".pdf", 404),
        ("..%2F..%2Fportal%2Fsettings.py", 400),
        ("talks/../../x", 400),
        ("%00", 404),
    ],
    ids=["missing", "path-too-long", "name-too-long", "parent", "parent-inside", "nul"],
)
def test_a_path_naming_no_upload_is_answered_not_a_crash(client, upload, path, status):
    assert client.get(f"/media/{path}").status_code == status


def test_only_reading_is_allowed(client, upload):
    assert client.post(upload).status_code == 405
