"""The organizer's side: the talk admin."""

import html

import pytest
from django.utils import timezone
from django.utils.html import strip_tags

from talks.models import Talk

pytestmark = pytest.mark.django_db


def test_changelist_filters_by_year_event_and_tag(staff_client, make_talk):
    make_talk(
        title="Brussels talk",
        event_name="FOSDEM 2024",
        city="Brussels",
        date=timezone.datetime(2024, 2, 4).date(),
        tags=["quic"],
    )
    make_talk(
        title="Berlin talk",
        event_name="PWL Berlin",
        city="Berlin",
        date=timezone.datetime(2025, 5, 1).date(),
        tags=["raft"],
    )

    raft = Talk.objects.get(title="Berlin talk").tags.get()
    by_tag = staff_client.get("/admin/talks/talk/", {"tags__id__exact": raft.pk})
    page = staff_client.get("/admin/talks/talk/")
    by_year = staff_client.get("/admin/talks/talk/?year=2024")
    by_event = staff_client.get("/admin/talks/talk/", {"event_name": "PWL Berlin"})
    searched = staff_client.get("/admin/talks/talk/?q=brussels")
    bad_year = staff_client.get("/admin/talks/talk/?year=abc")

    assert page.status_code == 200
    for heading in ("By year", "By event", "By Tags", "By status"):
        assert heading in page.text
    assert "Brussels talk" in by_year.text and "Berlin talk" not in by_year.text
    assert "Berlin talk" in by_event.text and "Brussels talk" not in by_event.text
    assert "Brussels talk" in searched.text and "Berlin talk" not in searched.text
    assert "Berlin talk" in by_tag.text and "Brussels talk" not in by_tag.text
    assert bad_year.status_code == 200


def test_add_form_has_the_markdown_editor_and_ordered_inlines(staff_client):
    html = staff_client.get("/admin/talks/talk/add/").text

    assert "markdownx-editor" in html
    assert 'name="links-0-position"' in html
    assert 'name="co_speakers-TOTAL_FORMS"' in html
    assert 'name="slides_file"' in html


def test_change_form_links_to_the_talk_on_the_site(staff_client, make_talk):
    talk = make_talk()
    html = staff_client.get(f"/admin/talks/talk/{talk.pk}/change/").text
    assert "View on site" in html


def test_publish_and_unpublish_actions(staff_client, make_talk):
    draft = make_talk(published=False)
    published = make_talk()

    staff_client.post(
        "/admin/talks/talk/", {"action": "publish_now", "_selected_action": [draft.pk]}
    )
    staff_client.post(
        "/admin/talks/talk/", {"action": "unpublish", "_selected_action": [published.pk]}
    )

    assert Talk.objects.get(pk=draft.pk).is_published()
    assert not Talk.objects.get(pk=published.pk).is_published()


def test_saving_the_change_form_again_keeps_the_stored_pdf(staff_client, make_talk, pdf_bytes):
    from django.core.files.base import ContentFile

    talk = make_talk(slug="kept", date=timezone.datetime(2024, 2, 4).date())
    talk.slides_file.save("x.pdf", ContentFile(pdf_bytes))
    data = {
        "title": "Renamed title",
        "slug": "kept",
        "abstract": talk.abstract,
        "tags": "",
        "language": "en",
        "event_name": talk.event_name,
        "event_url": "",
        "date": "2024-02-04",
        "city": talk.city,
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

    response = staff_client.post(f"/admin/talks/talk/{talk.pk}/change/", data)

    assert response.status_code == 302
    talk.refresh_from_db()
    assert talk.title == "Renamed title"
    assert talk.slides_file.name == "talks/slides/2024/kept.pdf"


def test_the_slug_help_shows_the_address_pattern(staff_client):
    # The admin renders help text as HTML: what the organizer reads is the text left by tags.
    page = staff_client.get("/admin/talks/talk/add/").text
    assert "/talks/<slug>/" in html.unescape(strip_tags(page))
