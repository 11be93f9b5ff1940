from datetime import timedelta

import pytest
from django.utils import timezone

from blog.models import Post
from portal.models import PublicationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_states(make_post):
    now = timezone.now()
    return {
        "published": make_post(
            title="Out already", published_at=now - timedelta(days=1), tags=["quic"]
        ),
        "draft": make_post(title="Still a draft", published=False, tags=["quic"]),
        "scheduled": make_post(
            title="Coming next week", published_at=now + timedelta(days=7), tags=["quic"]
        ),
    }


def test_published_queryset_holds_only_posts_whose_time_has_come(three_states):
    assert list(Post.objects.published()) == [three_states["published"]]
    assert three_states["published"].publication_status == PublicationStatus.PUBLISHED
    assert three_states["draft"].publication_status == PublicationStatus.DRAFT
    assert three_states["scheduled"].publication_status == PublicationStatus.SCHEDULED


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_unpublished_post_is_a_404_for_visitors(client, three_states, state):
    assert client.get(three_states[state].get_absolute_url()).status_code == 404


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_staff_preview_unpublished_post_with_a_notice(staff_client, three_states, state):
    response = staff_client.get(three_states[state].get_absolute_url())
    assert response.status_code == 200
    assert "only staff can see this page" in response.text
    assert '<meta name="robots" content="noindex">' in response.text


@pytest.mark.parametrize(
    "url",
    ["/", "/blog/", "/tags/quic/", "/feeds/all.atom", "/blog/feed.rss", "/tags/quic/feed.atom"],
)
def test_unpublished_posts_are_absent_everywhere(client, three_states, url):
    page = client.get(url).text
    assert "Out already" in page
    assert "Still a draft" not in page
    assert "Coming next week" not in page


def test_tag_index_counts_only_published_posts(client, three_states):
    response = client.get("/tags/")
    assert '<a href="/tags/quic/">#quic</a> <span class="count">1</span>' in response.text


def test_scheduled_post_appears_once_its_time_comes(client, three_states):
    scheduled = three_states["scheduled"]
    Post.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    assert client.get(scheduled.get_absolute_url()).status_code == 200
    assert "Coming next week" in client.get("/blog/").text


def test_publish_and_unpublish(three_states):
    draft = three_states["draft"]
    draft.publish()
    assert draft.is_published()
    draft.unpublish()
    assert Post.objects.get(pk=draft.pk).published_at is None


def test_body_html_is_rendered_on_save_not_per_request(
    make_post, client, django_assert_num_queries
):
    post = make_post(body="Some *emphasis*.")
    assert post.body_html == "<p>Some <em>emphasis</em>.</p>"
    post.body = "Now **strong**."
    post.save(update_fields=["body"])
    post.refresh_from_db()
    assert post.body_html == "<p>Now <strong>strong</strong>.</p>"
    assert "<strong>strong</strong>" in client.get(post.get_absolute_url()).text


def test_summary_falls_back_to_first_paragraph(make_post):
    assert make_post(body="The first idea.\n\nThe second.").excerpt == "The first idea."
    assert make_post(summary="Hand-written.", body="Body.").excerpt == "Hand-written."


def test_renamed_published_post_redirects_from_its_old_address(client, make_post):
    post = make_post(slug="old-name")
    post.slug = "new-name"
    post.save()
    response = client.get("/blog/old-name/")
    assert response.status_code == 301
    assert response.headers["Location"] == "/blog/new-name/"


def test_a_live_page_wins_over_an_old_redirect(client, make_post):
    post = make_post(slug="first")
    post.slug = "second"
    post.save()
    newcomer = make_post(slug="first", title="A new post at the old address")
    response = client.get("/blog/first/")
    assert response.status_code == 200
    assert newcomer.title in response.text
