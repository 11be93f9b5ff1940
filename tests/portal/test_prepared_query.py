"""PreparedQuery: a moment-dependent query compiled once and run at each call's moment."""

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from blog.models import Post
from portal.queries import PreparedQuery
from talks.models import Talk

PUBLISHED_POSTS = PreparedQuery(
    lambda now, today: (
        Post.objects.published(now=now)
        .order_by("-published_at", "-pk")
        .values_list("pk", "published_at", "updated_at")
    )
)
UPCOMING_TALKS = PreparedQuery(
    lambda now, today: Talk.objects.upcoming(today=today).values_list("pk", "date")
)


def test_rows_are_those_the_queryset_gives_at_the_same_moment(db, make_post):
    for _ in range(3):
        make_post()
    make_post(published=False)
    now = timezone.now()
    expected = list(
        Post.objects.published(now=now)
        .order_by("-published_at", "-pk")
        .values_list("pk", "published_at", "updated_at")
    )
    assert len(expected) == 3
    assert PUBLISHED_POSTS.rows(now=now) == expected
    assert all(
        timezone.is_aware(moment)
        for _, published_at, updated_at in expected
        for moment in (published_at, updated_at)
    )


def test_a_scheduled_item_is_in_the_rows_from_its_moment_on(db, make_post):
    moment = timezone.now() + timedelta(hours=2)
    scheduled = make_post(published_at=moment)
    just_before = [pk for pk, *_ in PUBLISHED_POSTS.rows(now=moment - timedelta(microseconds=1))]
    at_the_moment = [pk for pk, *_ in PUBLISHED_POSTS.rows(now=moment)]
    assert scheduled.pk not in just_before
    assert scheduled.pk in at_the_moment
    # The present by default.
    assert scheduled.pk not in [pk for pk, *_ in PUBLISHED_POSTS.rows()]


def test_the_limit_keeps_the_first_rows_and_zero_asks_nothing(
    db, make_post, django_assert_num_queries
):
    newest_first = [make_post(published_at=timezone.now() - timedelta(days=n)) for n in range(4)]
    assert [pk for pk, *_ in PUBLISHED_POSTS.rows(limit=2)] == [p.pk for p in newest_first[:2]]
    assert len(PUBLISHED_POSTS.rows(limit=10)) == 4
    with django_assert_num_queries(1):
        PUBLISHED_POSTS.rows(limit=3)
    with django_assert_num_queries(0):
        assert PUBLISHED_POSTS.rows(limit=0) == []


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/Los_Angeles"])
def test_today_is_the_moments_date_in_the_current_time_zone(db, make_talk, zone):
    local = zoneinfo.ZoneInfo(zone)
    now = datetime(2027, 3, 10, 12, 0, tzinfo=local)
    yesterday = make_talk(date=now.date() - timedelta(days=1))
    today = make_talk(date=now.date())
    with timezone.override(local):
        shown = [pk for pk, _ in UPCOMING_TALKS.rows(now=now)]
        # A minute before midnight there, “today” is still the day before.
        late_evening = now.replace(hour=0, minute=0) - timedelta(minutes=1)
        the_evening_before = [pk for pk, _ in UPCOMING_TALKS.rows(now=late_evening)]
    assert shown == [today.pk]
    assert the_evening_before == [yesterday.pk, today.pk]


def test_an_offset_skips_the_first_rows_with_or_without_a_limit(db, make_post):
    newest_first = [make_post(published_at=timezone.now() - timedelta(days=n)) for n in range(5)]
    pks = [post.pk for post in newest_first]
    assert [pk for pk, *_ in PUBLISHED_POSTS.rows(offset=1, limit=2)] == pks[1:3]
    assert [pk for pk, *_ in PUBLISHED_POSTS.rows(offset=3)] == pks[3:]
    assert PUBLISHED_POSTS.rows(offset=5, limit=20) == []
