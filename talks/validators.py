"""Checks on what an organizer uploads for a talk."""

from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat

PDF_MAGIC = b"%PDF-"
MAX_SLIDES_BYTES = 50 * 1024 * 1024


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
