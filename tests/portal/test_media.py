"""
Uploads served by the app itself (SERVE_MEDIA=true, for a small site without a
proxy): pictures are shown, everything else is a download, and nothing served
from MEDIA_URL runs as a page of the site, whatever the file holds.
"""

import io

import pytest
from django.urls import include, path, re_path
from PIL import Image

from portal.uploads import serve_media

# portal/urls.py mounts this view only when SERVE_MEDIA is on, which it is not in tests.
urlpatterns = [re_path(r"^media/(?P<path>.*)$", serve_media), path("", include("portal.urls"))]
pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]  # a 404 looks up old addresses


def _png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(output, "PNG")
    return output.getvalue()


SCRIPT_PAGE = b"<html><script>document.title = 'ran'</script></html>"


@pytest.fixture
def media(settings):
    """Files as they could lie in MEDIA_ROOT: slides, an image, and what a past upload left."""
    files = {
        "talks/slides/2024/raft.pdf": b"%PDF-1.4 slides",
        "uploads/photo.png": _png(),
        "uploads/drawing.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "uploads/page.html": SCRIPT_PAGE,
        "uploads/code.js": b"alert(1)",
        "uploads/disguised.gif": SCRIPT_PAGE,
        "uploads/no-extension": SCRIPT_PAGE,
    }
    for name, content in files.items():
        (settings.MEDIA_ROOT / name).parent.mkdir(parents=True, exist_ok=True)
        (settings.MEDIA_ROOT / name).write_bytes(content)
    return files


def test_an_upload_is_served(client, media):
    response = client.get("/media/talks/slides/2024/raft.pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 slides"


def test_slides_are_a_download_never_a_page(client, media):
    response = client.get("/media/talks/slides/2024/raft.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="raft.pdf"'


def test_a_picture_is_shown_where_it_is_linked(client, media):
    response = client.get("/media/uploads/photo.png")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="photo.png"'


@pytest.mark.parametrize(
    "name",
    ["drawing.svg", "page.html", "code.js", "no-extension"],
    ids=["svg", "html", "javascript", "no-extension"],
)
def test_what_could_hold_script_is_a_download(client, media, name):
    response = client.get(f"/media/uploads/{name}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'


@pytest.mark.parametrize(
    "name",
    [
        "talks/slides/2024/raft.pdf",
        "uploads/photo.png",
        "uploads/drawing.svg",
        "uploads/page.html",
        "uploads/disguised.gif",
    ],
)
def test_no_upload_runs_as_a_page_of_the_site(client, media, name):
    response = client.get(f"/media/{name}")
    # The browser takes the type as given (a script page named .gif stays a broken
    # picture), and even opened as a page it runs no script and reaches nothing.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_a_revalidated_upload_keeps_its_headers(client, media):
    first = client.get("/media/uploads/page.html")
    again = client.get("/media/uploads/page.html", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304
    assert again["Content-Security-Policy"] == "default-src 'none'; sandbox"


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
        ("%FF%FE", 404),
    ],
    ids=["missing", "path-too-long", "name-too-long", "parent", "parent-inside", "nul", "bad-utf8"],
)
def test_a_path_naming_no_upload_is_answered_not_a_crash(client, media, path, status):
    assert client.get(f"/media/{path}").status_code == status


def test_only_reading_is_allowed(client, media):
    assert client.post("/media/talks/slides/2024/raft.pdf").status_code == 405
