"""What an organizer may enter: real PDFs up to 50 MB, web addresses only, one write-up."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import PdfParser

from portal.fields import validate_web_url
from talks.models import Talk
from talks.validators import MAX_SLIDES_BYTES, validate_slides_pdf

pytestmark = pytest.mark.django_db


class LargeUpload(io.BytesIO):
    """Starts like a PDF and says it is `size` bytes long, without holding them."""

    def __init__(self, size):
        super().__init__(b"%PDF-1.7\n")
        self.size = size


def test_a_real_pdf_passes(pdf_bytes):
    validate_slides_pdf(SimpleUploadedFile("slides.pdf", pdf_bytes, "application/pdf"))


def test_the_test_pdf_is_a_real_pdf(pdf_bytes):
    """The demo's generated PDF is read back by a real PDF parser, not just by its first bytes."""
    parser = PdfParser.PdfParser(buf=pdf_bytes)
    assert len(parser.pages) == 1


def test_a_png_renamed_to_pdf_is_refused(png_bytes):
    with pytest.raises(ValidationError) as error:
        validate_slides_pdf(SimpleUploadedFile("slides.pdf", png_bytes, "application/pdf"))
    assert error.value.code == "not_pdf"
    assert "not a PDF" in error.value.messages[0]


def test_a_file_over_50_mb_is_refused_without_reading_it():
    upload = LargeUpload(MAX_SLIDES_BYTES + 1)
    with pytest.raises(ValidationError) as error:
        validate_slides_pdf(upload)
    assert error.value.code == "too_large"
    assert (
        " ".join(error.value.messages[0].split())
        == "This file is 50.0 MB; slides may be at most 50.0 MB."
    )


def test_a_file_of_exactly_50_mb_is_accepted():
    validate_slides_pdf(LargeUpload(MAX_SLIDES_BYTES))


def test_the_check_leaves_the_upload_readable_from_where_it_was(pdf_bytes):
    upload = SimpleUploadedFile("slides.pdf", pdf_bytes)
    validate_slides_pdf(upload)
    assert upload.tell() == 0
    assert upload.read() == pdf_bytes


def test_a_stored_pdf_is_saved_under_the_talks_name(make_talk, pdf_bytes):
    talk = make_talk(slug="quic-inside")
    talk.slides_file.save("Final FINAL (2).pdf", ContentFile(pdf_bytes))

    assert talk.slides_file.name == f"talks/slides/{talk.date:%Y}/quic-inside.pdf"
    assert talk.slides_file_size == len(pdf_bytes)


@pytest.mark.parametrize(
    "url",
    ["https://example.org/slides", "http://example.org", "HTTPS://EXAMPLE.ORG/x"],
    ids=["https", "http", "upper-case"],
)
def test_web_urls_pass(url):
    validate_web_url(url)


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("javascript:alert(1)", "“javascript:” addresses are not allowed"),
        ("JavaScript://%0Aalert(1)", "“JavaScript:” addresses are not allowed"),
        ("data:text/html,<script>alert(1)</script>", "“data:” addresses are not allowed"),
        ("ftp://example.org/slides.pdf", "“ftp:” addresses are not allowed"),
        ("vbscript:msgbox", "“vbscript:” addresses are not allowed"),
    ],
    ids=["javascript", "javascript-mixed-case", "data", "ftp", "vbscript"],
)
def test_other_schemes_are_refused_with_the_reason(url, said):
    with pytest.raises(ValidationError) as error:
        validate_web_url(url)
    assert said in error.value.messages[0]
    assert "http:// or https://" in error.value.messages[0]


def test_model_validation_names_the_field_with_the_bad_url(make_talk):
    talk = make_talk()
    talk.event_url = "javascript:alert(document.cookie)"
    talk.recording_url = "https://www.youtube.com/watch?v=aaaaaaaaaaa"

    with pytest.raises(ValidationError) as error:
        talk.full_clean()

    assert set(error.value.message_dict) == {"event_url"}


def test_a_talk_needs_a_city_or_online(make_talk):
    talk = make_talk(city="", is_online=False)
    with pytest.raises(ValidationError) as error:
        talk.full_clean()
    assert "tick “online”" in error.value.message_dict["city"][0]


def test_a_talk_has_one_writeup(make_talk, make_post):
    talk = make_talk()
    talk.writeup_post = make_post()
    talk.writeup_url = "https://example.org/writeup/"
    with pytest.raises(ValidationError) as error:
        talk.full_clean()
    assert list(error.value.message_dict) == ["writeup_url"]


# --- Through the admin form, as the organizer meets it ------------------------------------


def _admin_form_data(**overrides):
    data = {
        "title": "Uploaded talk",
        "slug": "uploaded-talk",
        "abstract": "An abstract.",
        "tags": "quic",
        "language": "en",
        "event_name": "FOSDEM 2025",
        "event_url": "",
        "date": "2025-02-01",
        "city": "Brussels",
        "slides_url": "",
        "recording_url": "",
        "writeup_url": "",
        "published_at_0": "",
        "published_at_1": "",
        "links-TOTAL_FORMS": "0",
        "links-INITIAL_FORMS": "0",
        "co_speakers-TOTAL_FORMS": "0",
        "co_speakers-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def _field_errors(html: str, field: str) -> str:
    """The errors the admin shows for one field (tied to its input by aria-describedby)."""
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.DOTALL)
    assert match, f"no errors shown for {field}"
    return match.group(1)


def test_admin_accepts_a_pdf(staff_client, pdf_bytes):
    upload = SimpleUploadedFile("my slides.pdf", pdf_bytes, "application/pdf")

    response = staff_client.post("/admin/talks/talk/add/", _admin_form_data(slides_file=upload))

    assert response.status_code == 302, response.text
    talk = Talk.objects.get(slug="uploaded-talk")
    assert talk.slides_file.name == "talks/slides/2025/uploaded-talk.pdf"
    with talk.slides_file.open("rb") as stored:
        assert stored.read() == pdf_bytes


def test_admin_refuses_a_renamed_png_next_to_the_field_and_saves_nothing(staff_client, png_bytes):
    upload = SimpleUploadedFile("slides.pdf", png_bytes, "application/pdf")

    response = staff_client.post("/admin/talks/talk/add/", _admin_form_data(slides_file=upload))

    assert response.status_code == 200
    assert "This file is not a PDF" in _field_errors(response.text, "slides_file")
    assert not Talk.objects.exists()


def test_admin_refuses_a_javascript_link_next_to_the_field(staff_client):
    response = staff_client.post(
        "/admin/talks/talk/add/",
        _admin_form_data(
            recording_url="javascript:alert(1)",
            **{
                "links-TOTAL_FORMS": "1",
                "links-0-label": "Code",
                "links-0-url": "javascript:alert(2)",
                "links-0-position": "1",
            },
        ),
    )

    assert response.status_code == 200
    assert "“javascript:” addresses are not allowed" in _field_errors(
        response.text, "recording_url"
    )
    assert "“javascript:” addresses are not allowed" in _field_errors(response.text, "links-0-url")
    assert not Talk.objects.exists()
