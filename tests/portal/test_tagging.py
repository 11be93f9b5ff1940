"""The tags manager every tagged model uses: the same tags as taggit's, without its cost in lists."""

from taggit.models import Tag

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


# --- a tag's change moves `updated_at` of what shows it ------------------------------------


def _updated(obj):
    return type(obj)._base_manager.values_list("updated_at", flat=True).get(pk=obj.pk)


def test_adding_and_removing_a_tag_moves_the_objects_updated_at(make_post, make_talk):
    post, talk = make_post(slug="quic"), make_talk(slug="quic-talk")
    before = _updated(post), _updated(talk)
    post.tags.add("quic")  # not followed by a save of the post
    talk.tags.add("quic")
    after_adding = _updated(post), _updated(talk)
    assert after_adding[0] > before[0] and after_adding[1] > before[1]
    post.tags.remove("quic")
    assert _updated(post) > after_adding[0]
    assert _updated(talk) == after_adding[1]  # still tagged: not touched


def test_renaming_or_deleting_a_tag_moves_updated_at_of_every_object_that_carries_it(
    make_post, make_session
):
    tagged = make_post(slug="raft", tags=["raft"])
    session = make_session(number=40, tags=["raft"])
    other = make_post(slug="other", tags=["quic"])
    before = _updated(tagged), _updated(session), _updated(other)
    tag = Tag.objects.get(name="raft")
    tag.name = "Raft"
    tag.save()
    renamed = _updated(tagged), _updated(session)
    assert renamed[0] > before[0] and renamed[1] > before[1]
    assert _updated(other) == before[2]
    tag.delete()
    assert _updated(tagged) > renamed[0] and _updated(session) > renamed[1]


def test_the_home_page_shows_a_renamed_or_added_tag_on_the_next_request(
    client, make_post, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # the entries' own cache is what is tested
    post = make_post(title="Consensus notes", tags=["raft"])
    assert ">#raft</a>" in client.get("/").text
    tag = Tag.objects.get(name="raft")
    tag.name = "Raft consensus"
    tag.save()
    html = client.get("/").text
    assert ">#Raft consensus</a>" in html and ">#raft</a>" not in html
    post.tags.add("paxos")
    assert ">#paxos</a>" in client.get("/").text
    tag.delete()
    assert ">#Raft consensus</a>" not in client.get("/").text
