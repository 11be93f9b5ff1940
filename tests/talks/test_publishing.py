from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.models import PublicationStatus, Redirect
from talks.models import Talk

pytestmark = pytest.mark.django_db


def test_published_queryset_holds_only_talks_whose_time_has_come(make_talk):
    published = make_talk(title="Given and published")
    draft = make_talk(title="Draft", published=False)
    scheduled = make_talk(title="Scheduled", published_at=timezone.now() + timedelta(days=2))

    assert list(Talk.objects.published()) == [published]
    assert list(Talk.objects.drafts()) == [draft]
    assert list(Talk.objects.scheduled()) == [scheduled]
    assert [talk.publication_status for talk in (published, draft, scheduled)] == [
        PublicationStatus.PUBLISHED,
        PublicationStatus.DRAFT,
        PublicationStatus.SCHEDULED,
    ]


@pytest.mark.parametrize(
    "published_at",
    [None, timezone.now() + timedelta(days=1)],
    ids=["draft", "scheduled"],
)
def test_unpublished_talk_is_hidden_from_visitors_everywhere(client, make_talk, published_at):
    talk = make_talk(title="Secret talk", published=False, published_at=published_at, tags=["quic"])

    assert client.get(talk.get_absolute_url()).status_code == 404
    assert "Secret talk" not in client.get("/talks/").text
    assert "Secret talk" not in client.get("/").text
    assert "Secret talk" not in client.get("/talks/feed.atom").text
    assert "Secret talk" not in client.get("/tags/quic/").text


def test_staff_preview_a_draft_with_a_notice(staff_client, make_talk):
    talk = make_talk(title="Work in progress", published=False)

    response = staff_client.get(talk.get_absolute_url())

    assert response.status_code == 200
    assert "Work in progress" in response.text
    assert "only staff can see this page" in response.text
    assert '<meta name="robots" content="noindex">' in response.text


def test_a_draft_at_a_new_event_links_to_no_empty_event_list(staff_client, make_talk):
    # The talk list answers 404 for an event without published talks; a draft's
    # page must not send the organizer there.
    talk = make_talk(event_name="Not yet announced", published=False)

    html = staff_client.get(talk.get_absolute_url()).text

    assert "?event=" not in html
    assert staff_client.get("/talks/?event=Not+yet+announced").status_code == 404


def test_a_published_talk_links_to_the_other_talks_at_its_event(client, make_talk):
    talk = make_talk(event_name="FOSDEM 2024")

    html = client.get(talk.get_absolute_url()).text

    assert 'href="/talks/?event=FOSDEM%202024"' in html
    assert client.get("/talks/?event=FOSDEM%202024").status_code == 200


def test_publish_and_unpublish(make_talk):
    talk = make_talk(published=False)

    talk.publish()
    assert Talk.objects.published().filter(pk=talk.pk).exists()

    talk.unpublish()
    assert not Talk.objects.published().filter(pk=talk.pk).exists()


def test_published_talk_renamed_leaves_a_redirect(client, make_talk):
    talk = make_talk(slug="old-name")

    talk.slug = "new-name"
    talk.save()

    assert Redirect.objects.filter(
        old_path="/talks/old-name/", new_path="/talks/new-name/"
    ).exists()
    response = client.get("/talks/old-name/")
    assert response.status_code == 301
    assert response["Location"] == "/talks/new-name/"


def test_abstract_goes_through_the_shared_sanitizing_pipeline(make_talk):
    talk = make_talk(
        abstract="Hello *world*.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))"
    )

    assert "<em>world</em>" in talk.abstract_html
    assert "<script" not in talk.abstract_html
    assert "javascript:" not in talk.abstract_html
    assert talk.excerpt == "Hello world."


@pytest.mark.parametrize(
    ("city", "is_online", "place"),
    [
        ("Brussels, Belgium", False, "Brussels, Belgium"),
        ("", True, "Online"),
        ("Berlin", True, "Berlin and online"),
    ],
    ids=["in-person", "online", "hybrid"],
)
def test_place_is_the_city_or_online(make_talk, city, is_online, place):
    assert make_talk(city=city, is_online=is_online).place == place


def test_upcoming_and_past_split_at_today(make_talk):
    today = timezone.localdate()
    yesterday = make_talk(date=today - timedelta(days=1))
    today_talk = make_talk(date=today)
    later = make_talk(date=today + timedelta(days=30))

    assert list(Talk.objects.upcoming()) == [today_talk, later]
    assert list(Talk.objects.past()) == [yesterday]
    assert today_talk.is_upcoming() and not yesterday.is_upcoming()


def test_previous_and_next_follow_talk_dates_and_skip_drafts(make_talk):
    today = timezone.localdate()
    first = make_talk(date=today - timedelta(days=300))
    make_talk(date=today - timedelta(days=200), published=False)
    middle = make_talk(date=today - timedelta(days=100))
    last = make_talk(date=today - timedelta(days=10))

    def slugs(talk):
        return tuple(other.slug if other else None for other in talk.neighbours())

    assert slugs(middle) == (first.slug, last.slug)
    assert slugs(first) == (None, middle.slug)
    assert slugs(last) == (middle.slug, None)


def test_database_refuses_a_script_url_written_without_validation(make_talk):
    talk = make_talk()
    with pytest.raises(IntegrityError), transaction.atomic():
        Talk.objects.filter(pk=talk.pk).update(recording_url="javascript:alert(1)")


def test_database_refuses_two_writeups(make_talk, make_post):
    talk = make_talk()
    with pytest.raises(IntegrityError), transaction.atomic():
        Talk.objects.filter(pk=talk.pk).update(
            writeup_post=make_post(), writeup_url="https://example.org/writeup/"
        )
