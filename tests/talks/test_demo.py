"""The demo talks `make run` shows: they must look real and load cleanly."""

import feedparser
import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import PdfParser

from blog import demo as blog_demo
from talks import demo
from talks.models import Talk

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_talks(organizer):
    blog_demo.load(author=organizer)
    demo.load(author=organizer)
    return Talk.objects.all()


def test_demo_covers_what_a_visitor_should_see(demo_talks):
    published = Talk.objects.published()
    today = timezone.localdate()

    assert published.count() >= 4
    assert Talk.objects.drafts().exists()
    assert len({talk.event_name for talk in published}) >= 4
    assert len({talk.date.year for talk in published}) >= 2
    assert published.filter(date__gte=today).exists()
    assert any(
        talk.recording_embed and talk.recording_embed.provider == "youtube" for talk in published
    )
    with_post = published.get(writeup_post__isnull=False)
    assert with_post.writeup_post.slug == demo.WRITEUP_POST_SLUG
    for talk in demo_talks:
        talk.full_clean()  # every demo talk is something the admin would accept


def test_demo_pdf_is_a_real_pdf(demo_talks):
    talk = Talk.objects.exclude(slides_file="").get()
    with talk.slides_file.open("rb") as stored:
        data = stored.read()
    assert data.startswith(b"%PDF-")
    assert len(PdfParser.PdfParser(buf=data).pages) == 1


def test_demo_pages_and_feeds_answer(client, demo_talks):
    assert client.get("/talks/").status_code == 200
    for talk in Talk.objects.published():
        assert client.get(talk.get_absolute_url()).status_code == 200
    assert not feedparser.parse(client.get("/talks/feed.rss").content).bozo


def test_demo_without_the_blog_post_still_loads(organizer):
    summary = demo.load(author=organizer)
    assert Talk.objects.filter(writeup_post__isnull=False).count() == 0
    assert "no write-up post" in summary


def test_setup_site_loads_the_demo_talks_once(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("setup_site", verbosity=0)
    count = Talk.objects.count()
    call_command("setup_site", verbosity=0)
    assert count == len(demo.TALKS) == Talk.objects.count()
