"""The tags manager every tagged model uses: the same tags as taggit's, without its cost in lists."""

from blog.models import Post
from talks.models import Talk


def _names(tags):
    return sorted(tag.name for tag in tags)


def test_prefetched_tags_are_each_objects_own_and_need_no_query(
    make_post, django_assert_num_queries
):
    make_post(slug="quic", tags=["quic", "networking"])
    make_post(slug="raft", tags=["raft"])
    make_post(slug="untagged")
    with django_assert_num_queries(2):  # the posts, then every post's tags
        posts = {post.slug: post for post in Post.objects.prefetch_related("tags")}
        tags = {slug: _names(post.tags.all()) for slug, post in posts.items()}
    assert tags == {"quic": ["networking", "quic"], "raft": ["raft"], "untagged": []}


def test_the_prefetched_queryset_still_filters_to_the_object(make_post, make_talk):
    make_post(slug="quic", tags=["quic", "networking"])
    make_talk(slug="raft-talk", tags=["raft", "networking"])
    post = Post.objects.prefetch_related("tags").get(slug="quic")
    # Chained, it runs a new query: still this post's tags, not every tag or the talk's.
    assert _names(post.tags.all().filter(name__startswith="n")) == ["networking"]
    assert sorted(post.tags.names()) == ["networking", "quic"]
    talk = Talk.objects.prefetch_related("tags").get(slug="raft-talk")
    assert _names(talk.tags.all()) == ["networking", "raft"]


def test_tags_without_prefetch_come_in_the_order_they_were_added(make_post):
    post = make_post(slug="ordered")
    post.tags.add("zeta")
    post.tags.add("alpha")
    assert [tag.name for tag in Post.objects.get(slug="ordered").tags.all()] == ["zeta", "alpha"]
    assert _names(Post.tags.all()) == ["alpha", "zeta"]  # the model's tags, not one object's
