"""previous_in / next_in: the neighbours every detail page links to."""

from datetime import timedelta

import pytest
from django.utils import timezone

from blog.models import Post
from portal.queries import next_in, previous_in

ORDER = ("published_at", "pk")


@pytest.fixture
def posts(make_post):
    """Five posts; the middle three published at the same moment, so pk decides between them."""
    moment = timezone.now() - timedelta(days=3)
    first = make_post(published_at=moment - timedelta(days=1))
    tied = [make_post(published_at=moment) for _ in range(3)]
    last = make_post(published_at=moment + timedelta(days=1))
    return [first, *tied, last]


def test_neighbours_follow_the_order_and_break_ties_by_the_last_field(db, posts):
    published = Post.objects.published()
    for before, item, after in zip(posts, posts[1:], posts[2:], strict=False):
        assert previous_in(published, item, order=ORDER) == before
        assert next_in(published, item, order=ORDER) == after
    assert previous_in(published, posts[0], order=ORDER) is None
    assert next_in(published, posts[-1], order=ORDER) is None


def test_an_item_without_a_place_in_the_order_has_no_neighbours(db, posts, make_post):
    draft = make_post(published=False)
    assert previous_in(Post.objects.all(), draft, order=ORDER) is None
    assert next_in(Post.objects.all(), draft, order=ORDER) is None


def test_neighbours_cost_one_query_each(db, posts, django_assert_num_queries):
    with django_assert_num_queries(2):
        previous_in(Post.objects.published(), posts[2], order=ORDER)
        next_in(Post.objects.published(), posts[2], order=ORDER)
