"""
The Markdown editor's image upload: only what Pillow decodes as a picture is
kept, re-encoded without its metadata, under a name the server chooses; anything
else (SVG, a page or a script dressed as an image) is a 400 with a reason.
"""

import io
import json
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

pytestmark = pytest.mark.django_db

URL = "/admin-tools/markdown/upload/"
XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def _picture(format_name: str, *, size=(64, 48), **options) -> bytes:
    image = Image.new("RGB", size, "teal")
    image.putpixel((0, 0), (255, 0, 0))
    output = io.BytesIO()
    image.save(output, format_name, **options)
    return output.getvalue()


def _exif(**tags) -> bytes:
    exif = Image.Exif()
    for tag, value in tags.items():
        exif[int(tag.removeprefix("tag_"), 16)] = value
    return exif.tobytes()


CAMERA = _exif(tag_010F="SecretCam", tag_0110="Model X", tag_0131="SecretEditor")
# Orientation 6: the camera was turned; the picture is shown turned a quarter.
TURNED = _exif(tag_0112=6)


def _upload(client, content: bytes, *, name="picture.png", content_type="image/png", **extra):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(URL, {"image": upload}, **extra)


def _stored(response, settings) -> tuple[str, Image.Image, bytes]:
    """The stored file's URL, the picture Pillow reads from it, and its bytes."""
    url = json.loads(response.content)["image_code"].removeprefix("![](").removesuffix(")")
    assert url.startswith(settings.MEDIA_URL)
    data = (settings.MEDIA_ROOT / url.removeprefix(settings.MEDIA_URL)).read_bytes()
    return url, Image.open(io.BytesIO(data)), data


PICTURES = {
    "png": ("PNG", {}, "png"),
    "jpeg": ("JPEG", {}, "jpg"),
    "gif": ("GIF", {}, "gif"),
    "webp": ("WEBP", {}, "webp"),
}


@pytest.mark.parametrize(("format_name", "options", "extension"), PICTURES.values(), ids=PICTURES)
def test_a_picture_is_stored_under_a_name_the_server_chose(
    staff_client, settings, format_name, options, extension
):
    response = _upload(
        staff_client, _picture(format_name, **options), name="../../evil name.html", **XHR
    )

    assert response.status_code == 200
    url, image, _ = _stored(response, settings)
    assert url.startswith(f"{settings.MEDIA_URL}uploads/")
    assert url.endswith(f".{extension}")
    assert "evil" not in url
    assert image.format == format_name
    assert image.size == (64, 48)


def test_a_photo_loses_its_camera_details_and_comments(staff_client, settings):
    photo = _picture("JPEG", exif=CAMERA, comment=b"taken at home, 12 Main St")

    _, image, data = _stored(_upload(staff_client, photo, name="photo.jpg", **XHR), settings)

    assert image.format == "JPEG"
    assert not image.getexif()
    assert "comment" not in image.info
    assert b"SecretCam" not in data
    assert b"Main St" not in data


def test_a_turned_photo_is_stored_the_right_way_up(staff_client, settings):
    photo = _picture("JPEG", size=(60, 20), exif=TURNED)

    _, image, _ = _stored(_upload(staff_client, photo, name="photo.jpg", **XHR), settings)

    assert image.size == (20, 60)
    assert not image.getexif()


def test_a_png_loses_its_text_chunks(staff_client, settings):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Secret Person")
    picture = _picture("PNG", pnginfo=info, exif=CAMERA)

    _, image, data = _stored(_upload(staff_client, picture, **XHR), settings)

    assert image.text == {}
    assert b"Secret Person" not in data
    assert b"SecretCam" not in data


def test_bytes_hidden_after_the_picture_are_dropped(staff_client, settings):
    polyglot = _picture("PNG") + b"<script>alert(document.cookie)</script>"

    _, _, data = _stored(_upload(staff_client, polyglot, **XHR), settings)

    assert b"<script>" not in data


def test_an_animation_keeps_its_frames(staff_client, settings):
    frames = [Image.new("RGB", (16, 16), color) for color in ("red", "lime", "blue")]
    output = io.BytesIO()
    frames[0].save(
        output, "GIF", save_all=True, append_images=frames[1:], duration=120, loop=0, comment=b"x"
    )

    _, image, _ = _stored(
        _upload(staff_client, output.getvalue(), name="demo.gif", **XHR), settings
    )

    assert image.n_frames == 3
    assert image.info["duration"] == 120
    assert "comment" not in image.info


def test_a_large_picture_is_scaled_down(staff_client, settings):
    from portal.uploads import MAX_SIDE

    picture = _picture("PNG", size=(MAX_SIDE * 2, 100))

    _, image, _ = _stored(_upload(staff_client, picture, **XHR), settings)

    assert image.size == (MAX_SIDE, 50)


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9" height="9"/></svg>'
)
DISGUISES = {
    "svg": (SVG, "drawing.svg", "image/svg+xml"),
    "svg-as-png": (SVG, "drawing.png", "image/png"),
    "html-as-gif": (b"GIF89a<html><script>alert(1)</script></html>", "page.gif", "image/gif"),
    "html-as-jpeg": (b"<!doctype html><script>alert(1)</script>", "page.jpg", "image/jpeg"),
    "javascript-as-webp": (b"alert(document.cookie)//", "code.webp", "image/webp"),
    "pdf-as-png": (b"%PDF-1.4\n1 0 obj<<>>endobj\n", "slides.png", "image/png"),
    "truncated-png": (b"", "cut.png", "image/png"),  # filled in below: half a real PNG
    "bmp": (b"", "old.bmp", "image/bmp"),  # filled in below: a real BMP, not a web format
}
DISGUISES["truncated-png"] = (_picture("PNG", size=(300, 300))[:200], "cut.png", "image/png")
DISGUISES["bmp"] = (_picture("BMP"), "old.bmp", "image/bmp")


@pytest.mark.parametrize("xhr", [XHR, {}], ids=["from-the-editor", "plain-form"])
@pytest.mark.parametrize(("content", "name", "content_type"), DISGUISES.values(), ids=DISGUISES)
def test_what_is_not_a_web_picture_is_refused_with_a_reason(
    staff_client, settings, content, name, content_type, xhr
):
    response = _upload(staff_client, content, name=name, content_type=content_type, **xhr)

    assert response.status_code == 400
    assert "not a JPEG, PNG, GIF or WebP image" in json.loads(response.content)["image"][0]
    assert not (settings.MEDIA_ROOT / "uploads").exists()


def test_an_upload_without_a_file_is_refused(staff_client):
    response = staff_client.post(URL, {}, **XHR)
    assert response.status_code == 400
    assert json.loads(response.content) == {"image": ["Choose an image to upload."]}


def test_a_picture_over_the_size_limit_is_refused(staff_client, settings):
    settings.MARKDOWNX_UPLOAD_MAX_SIZE = 1000
    noise = Image.frombytes("L", (200, 200), random.Random(0).randbytes(200 * 200))
    output = io.BytesIO()
    noise.save(output, "PNG")

    response = _upload(staff_client, output.getvalue(), **XHR)

    assert response.status_code == 400
    assert "may be at most 1000" in json.loads(response.content)["image"][0]


def test_a_picture_of_too_many_pixels_is_refused_before_it_is_decoded(staff_client, monkeypatch):
    monkeypatch.setattr("portal.uploads.MAX_PIXELS", 100)

    response = _upload(staff_client, _picture("PNG", size=(20, 20)), **XHR)

    assert response.status_code == 400
    assert "20×20 pixels" in json.loads(response.content)["image"][0]


def test_visitors_cannot_upload(client, settings):
    response = _upload(client, _picture("PNG"), **XHR)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not (settings.MEDIA_ROOT / "uploads").exists()


def test_the_upload_only_takes_posts(staff_client):
    assert staff_client.get(URL).status_code == 405


def test_staff_may_send_more_than_visitors(staff_client, settings):
    """Past the public forms' limit, a visitor is refused unread; the organizer's upload goes on."""
    settings.PUBLIC_REQUEST_MAX_BYTES = 1000
    picture = _picture("PNG")
    assert len(picture) < 1000  # the picture is small: the request around it is what is large
    padding = {"notes": "x" * 5000}

    as_visitor = Client().post(URL, {"image": SimpleUploadedFile("a.png", picture), **padding})
    as_organizer = staff_client.post(
        URL, {"image": SimpleUploadedFile("a.png", picture), **padding}, **XHR
    )

    assert as_visitor.status_code == 413
    assert as_organizer.status_code == 200
