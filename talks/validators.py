"""Checks on what an organizer types or uploads for a talk."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible

PDF_MAGIC = b"%PDF-"
MAX_SLIDES_BYTES = 50 * 1024 * 1024


@deconstructible
class WebURLValidator(URLValidator):
    """
    A web address: http or https only. A `javascript:` or `data:` link would run
    in the visitor's browser under our origin, and `ftp:` links no longer open
    anywhere, so both are refused with the reason rather than "Enter a valid URL".
    """

    schemes = ["http", "https"]

    def __call__(self, value):
        scheme, separator, _ = str(value).partition(":")
        if not separator or scheme.lower() not in self.schemes:
            shown = f"“{scheme}:” addresses are" if separator and scheme else "This is"
            raise ValidationError(
                "%(shown)s not allowed here: enter a web address starting with "
                "http:// or https://.",
                code="scheme",
                params={"shown": shown, "value": value},
            )
        super().__call__(value)


validate_web_url = WebURLValidator()


def validate_slides_pdf(upload) -> None:
    """
    Refuse anything that is not a PDF (judged by its first bytes, not its name or
    the browser's claimed type) or that is larger than MAX_SLIDES_BYTES.
    """
    # A file already stored was checked when it was uploaded; re-reading it on
    # every later edit of the talk would only add a way to fail.
    if isinstance(upload, FieldFile) and upload._committed:
        return
    size = upload.size
    if size > MAX_SLIDES_BYTES:
        raise ValidationError(
            "This file is %(size)s; slides may be at most %(limit)s.",
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(MAX_SLIDES_BYTES)},
        )
    position = upload.tell() if hasattr(upload, "tell") else None
    try:
        upload.seek(0)
        head = upload.read(len(PDF_MAGIC))
    finally:
        if position is not None:
            upload.seek(position)
    if head != PDF_MAGIC:
        raise ValidationError(
            "This file is not a PDF (a PDF starts with “%PDF-”, whatever its name says). "
            "Export the slides as PDF and upload that, or give a link to them instead.",
            code="not_pdf",
        )
