import feedparser
import pytest

pytestmark = pytest.mark.django_db

FEEDS = [
    "/blog/feed.rss",
    "/blog/feed.atom",
    "/feeds/all.rss",
    "/feeds/all.atom",
    "/tags/quic/feed.rss",
    "/tags/quic/feed.atom",
]


@pytest.mark.parametrize("url", FEEDS)
def test_feed_parses_cleanly_with_full_content(client, make_post, url):
    make_post(
        title="Tables & footnotes <in> feeds",
        slug="tables-in-feeds",
        body="| a | b |\n|---|---|\n| 1 | 2 |\n\nClaim.[^1]\n\n[^1]: Source.",
        tags=["quic"],
    )
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    (entry,) = feed.entries
    assert entry.title.endswith("Tables & footnotes <in> feeds")
    assert entry.link == "http://127.0.0.1:8000/blog/tables-in-feeds/"
    assert "<table>" in entry.content[0].value
    assert entry.tags[0].term == "quic"
    assert entry.published_parsed is not None


def test_feed_holds_at_most_30_newest(client, make_post):
    for number in range(35):
        make_post(title=f"Item {number}")
    feed = feedparser.parse(client.get("/blog/feed.atom").content)
    assert len(feed.entries) == 30


def test_pages_advertise_their_feeds(client, make_post):
    post = make_post(tags=["quic"])
    assert 'type="application/atom+xml"' in client.get(post.get_absolute_url()).text
    tag_page = client.get("/tags/quic/").text
    assert 'href="/tags/quic/feed.atom"' in tag_page
    assert 'href="/blog/feed.atom"' in client.get("/blog/").text
