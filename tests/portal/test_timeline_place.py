"""PublishedOnTimeline: an item's stored place on the timeline follows every save."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from meetups.models import Session
from talks.models import Talk

pytestmark = pytest.mark.django_db


def _day_start(day):
    return datetime.combine(day, time.min, tzinfo=UTC)


def test_a_talk_is_placed_by_its_day_or_its_announcement_whichever_came_first(make_talk):
    today = timezone.localdate()
    given = make_talk(date=today - timedelta(days=40), published_at=timezone.now())
    announced = make_talk(date=today + timedelta(days=40), published_at=timezone.now())
    assert given.timeline_at == _day_start(given.date)
    assert announced.timeline_at == announced.published_at


def test_the_place_follows_publishing_and_a_new_day_even_when_only_they_are_saved(make_talk):
    talk = make_talk(date=timezone.localdate() + timedelta(days=10), published=False)
    assert Talk.objects.get(pk=talk.pk).timeline_at is None
    talk.publish()  # saves published_at alone
    assert Talk.objects.get(pk=talk.pk).timeline_at == talk.published_at
    talk.date = timezone.localdate() - timedelta(days=400)
    talk.save(update_fields=["date"])
    assert Talk.objects.get(pk=talk.pk).timeline_at == _day_start(talk.date)
    talk.unpublish()
    assert Talk.objects.get(pk=talk.pk).timeline_at is None


def test_a_moved_session_moves_on_the_timeline(make_session):
    session = make_session(days=-10)  # published 30 days ago, met 10 days ago
    assert session.timeline_at == session.published_at
    session.starts_at -= timedelta(days=60)
    session.ends_at -= timedelta(days=60)
    session.save(update_fields=["starts_at", "ends_at"])
    assert Session.objects.get(pk=session.pk).timeline_at == session.starts_at
