"""
Uploaded files: the images organizers add to Markdown in the admin editor, and how
the app hands every upload back under MEDIA_URL when it serves them itself.

An image is judged by its content, never by its name or the type the browser
claims: Pillow must decode it as JPEG, PNG, GIF or WebP. It is then re-encoded,
which leaves behind whatever else the file carried (EXIF with the camera and the
GPS position, XMP, comments, bytes appended after the picture, a script in a
polyglot), and stored under a random name with the extension of what it really is.
SVG is refused: it is a document that can hold script, not a picture.
"""

import errno
import io
import posixpath
import uuid
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST, require_safe
from django.views.static import serve
from PIL import Image, ImageOps, ImageSequence


@dataclass(frozen=True)
class ImageFormat:
    extension: str
    content_type: str
    save_options: dict


# Pillow's format name -> how the re-encoded image is stored.
IMAGE_FORMATS = {
    "JPEG": ImageFormat("jpg", "image/jpeg", {"quality": 90}),
    "PNG": ImageFormat("png", "image/png", {}),
    "GIF": ImageFormat("gif", "image/gif", {}),
    "WEBP": ImageFormat("webp", "image/webp", {"quality": 90}),
}
# What a page can show inline; everything else under MEDIA_URL is a download.
INLINE_CONTENT_TYPES = frozenset(
    image_format.content_type for image_format in IMAGE_FORMATS.values()
)
# Larger pictures are scaled down to this many pixels on their longer side: no page
# shows them wider, and visitors need not download them whole.
MAX_SIDE = 2400
# Decoding takes 3-4 bytes of memory per pixel (per frame, for an animation):
# refuse before decoding what would take hundreds of megabytes.
MAX_PIXELS = 50_000_000
# Metadata that changes how the picture looks, kept through re-encoding; the rest goes.
KEPT_INFO = ("transparency", "icc_profile", "duration", "loop", "background", "disposal")


class ImageUploadForm(forms.Form):
    image = forms.FileField(
        error_messages={"required": "Choose an image to upload.", "empty": "The file is empty."}
    )

    def clean_image(self):
        upload = self.cleaned_data["image"]
        limit = settings.MARKDOWNX_UPLOAD_MAX_SIZE
        if upload.size > limit:
            raise forms.ValidationError(
                "This file is %(size)s; images may be at most %(limit)s.",
                code="too_large",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        self.image_file = reencode_image(upload)
        return upload

    def save(self) -> str:
        """Store the re-encoded image under a name of our choosing; return its URL."""
        name = posixpath.join(settings.MARKDOWNX_MEDIA_PATH, self.image_file.name)
        return default_storage.url(default_storage.save(name, self.image_file))


NOT_AN_IMAGE = (
    "This file is not a JPEG, PNG, GIF or WebP image (whatever its name or type says). "
    "SVG drawings are not accepted: export them as PNG."
)


def reencode_image(upload, *, max_side: int = MAX_SIDE) -> ContentFile:
    """
    The picture in `upload`, decoded and encoded again in its own format (at most
    `max_side` pixels on its longer side), as a file named `<random>.<extension of
    that format>`. Raises ValidationError when the upload is not a picture in one
    of IMAGE_FORMATS, or too large to decode.
    """
    upload.seek(0)
    try:
        with Image.open(upload, formats=list(IMAGE_FORMATS)) as image:
            image_format = IMAGE_FORMATS[image.format]
            frames = getattr(image, "n_frames", 1)
            if image.width * image.height * frames > MAX_PIXELS:
                raise forms.ValidationError(
                    "This image is %(width)s×%(height)s pixels%(frames)s; images may have "
                    "at most %(megapixels)s million pixels.",
                    code="too_many_pixels",
                    params={
                        "width": image.width,
                        "height": image.height,
                        "frames": f" in {frames} frames" if frames > 1 else "",
                        "megapixels": MAX_PIXELS // 1_000_000,
                    },
                )
            content = _encode(image, image.format, image_format, max_side=max_side)
    except forms.ValidationError:
        raise
    # Pillow's decoders tell a damaged or disguised file by many kinds of exception
    # (OSError, SyntaxError, ValueError, struct.error, EOFError, ...): all mean the same.
    except Exception:  # noqa: BLE001
        raise forms.ValidationError(NOT_AN_IMAGE, code="not_an_image") from None
    return ContentFile(content, name=f"{uuid.uuid4().hex}.{image_format.extension}")


def _encode(
    image: Image.Image, format_name: str, image_format: ImageFormat, *, max_side: int
) -> bytes:
    if getattr(image, "n_frames", 1) > 1:
        frames = [_clean(frame.copy(), max_side) for frame in ImageSequence.Iterator(image)]
        options = {
            "save_all": True,
            "append_images": frames[1:],
            "duration": [frame.info.get("duration", 100) for frame in frames],
            "loop": image.info.get("loop", 0),
        }
    else:
        # A photo's EXIF says which way is up; applied here, as it is about to go.
        frames = [_clean(ImageOps.exif_transpose(image), max_side)]
        options = {}
    output = io.BytesIO()
    frames[0].save(output, format_name, **image_format.save_options, **options)
    return output.getvalue()


def _clean(frame: Image.Image, max_side: int) -> Image.Image:
    """`frame` scaled down to `max_side` and stripped of every metadata not in KEPT_INFO."""
    frame.load()
    frame.info = {key: value for key, value in frame.info.items() if key in KEPT_INFO}
    if max(frame.size) > max_side:
        kept = frame.info
        frame = ImageOps.contain(frame, (max_side, max_side))
        frame.info = kept
    return frame


@staff_member_required
@require_POST
def markdown_image_upload(request):
    """
    The admin editor's image upload: `{"image_code": "![](url)"}` for the editor to
    insert, or the form's errors with a 400, whether or not it came from a script.
    """
    form = ImageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse(form.errors, status=400)
    return JsonResponse({"image_code": f"![]({form.save()})"})


# Served with every upload: nothing in it runs as a page of the site, whatever it holds.
MEDIA_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


@require_safe
def serve_media(request, path):
    """
    An upload, when the app serves them itself (SERVE_MEDIA). Pictures are shown;
    anything else (slides, and whatever else is in MEDIA_ROOT) is a download. A
    name longer than the file system allows cannot even be looked up; it names
    no upload either.
    """
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except OSError as error:
        if error.errno != errno.ENAMETOOLONG:
            raise
        raise Http404("No such file.") from None
    for header, value in MEDIA_HEADERS.items():
        response.headers[header] = value
    content_type = response.get("Content-Type", "").partition(";")[0].strip().lower()
    if response.status_code == 200 and content_type not in INLINE_CONTENT_TYPES:
        response.headers["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=posixpath.basename(path)
        )
    return response
