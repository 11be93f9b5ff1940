from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_upcoming_talk_enters_the_timeline_when_announced_not_above_everything(
    client, make_talk, make_post
):
    now = timezone.now()
    make_talk(
        title="Far-future keynote",
        date=timezone.localdate() + timedelta(days=200),
        published_at=now - timedelta(days=3),
    )
    make_post(title="Yesterday's post", published_at=now - timedelta(days=1))
    make_talk(
        title="Last month's talk",
        date=timezone.localdate() - timedelta(days=30),
        published_at=now - timedelta(days=2),
    )
    page = client.get("/").text
    timeline = page[page.index('id="latest-heading"') :]
    assert timeline.index("Yesterday&#x27;s post") < timeline.index("Far-future keynote")
    assert timeline.index("Far-future keynote") < timeline.index("Last month&#x27;s talk")
    assert "To be given on" in timeline
    # …and it is in the "Coming up" box as well.
    assert page.index("Far-future keynote") < page.index('id="latest-heading"')


def test_coming_up_is_ordered_by_the_day_things_happen(make_talk):
    from portal import timeline

    now = timezone.now()
    make_talk(
        title="Later talk",
        date=timezone.localdate() + timedelta(days=60),
        published_at=now - timedelta(days=30),
    )
    make_talk(
        title="Sooner talk",
        date=timezone.localdate() + timedelta(days=5),
        published_at=now - timedelta(days=1),
    )
    titles = [entry.title for entry in timeline.upcoming(limit=3)]
    assert titles == ["Sooner talk", "Later talk"]


def test_home_page_does_not_render_the_feed_content_of_its_entries(client, make_talk, monkeypatch):
    from django.template import loader

    make_talk(title="Rendered only for feeds")
    rendered = []
    original = loader.render_to_string
    monkeypatch.setattr(
        "talks.timeline.render_to_string",
        lambda name, *args, **kwargs: rendered.append(name) or original(name, *args, **kwargs),
    )
    assert "Rendered only for feeds" in client.get("/").text
    assert rendered == []
    assert "Rendered only for feeds" in client.get("/talks/feed.atom").text
    assert rendered == ["talks/talk_feed_content.html"]
