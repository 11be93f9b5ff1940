"""Sessions in RSS/Atom (read with feedparser), on the home page and on tag pages."""

from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone


@pytest.mark.parametrize(
    "url",
    [
        "/club/feed.atom",
        "/club/feed.rss",
        "/club/distributed-systems/feed.atom",
        "/club/distributed-systems/feed.rss",
    ],
    ids=["club-atom", "club-rss", "series-atom", "series-rss"],
)
def test_session_feeds_parse_and_carry_the_session(client, make_session, make_series, url):
    session = make_session(number=20, title="DHT security", papers=2, tags=["dht"])
    session.cancel(reason="Room double-booked.")
    make_session(number=21, published=False, title="Secret draft")
    other = make_series(name="Databases Reading Group", slug="databases")
    make_session(of=other, number=1, title="Other series")

    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    titles = [entry.title for entry in feed.entries]
    assert "Cancelled: 20th Distributed Systems Paper Club: DHT security" in titles
    assert not any("Secret draft" in title for title in titles)
    assert any("Other series" in title for title in titles) == url.startswith("/club/feed")
    entry = next(e for e in feed.entries if "DHT security" in e.title)
    assert entry.link == "http://127.0.0.1:8000/club/distributed-systems/20/"
    content = entry.content[0].value if "content" in entry else entry.description
    for reading in session.reading_list.all():
        assert reading.paper.title in content
    assert "Room double-booked." in content
    assert "CET (Europe/Berlin)" in content or "CEST (Europe/Berlin)" in content
    assert [tag.term for tag in entry.tags] == ["dht"]


def test_unknown_series_feed_is_404(client, db):
    assert client.get("/club/nope/feed.atom").status_code == 404


def test_sessions_join_the_home_page_with_the_next_ones_on_top(client, make_session):
    make_session(number=1, title="Long ago", days=-60)
    soon = make_session(number=2, title="Soon", days=2)
    make_session(number=3, title="Later", days=16)
    make_session(number=4, title="Unannounced", days=30, published=False)

    response = client.get("/")
    html = response.content.decode()
    coming_up = html[html.index("Coming up") : html.index('id="latest-heading"')]
    assert coming_up.index("Soon") < coming_up.index("Later")
    assert "Long ago" not in coming_up and "Unannounced" not in html
    assert soon.when_text in coming_up
    assert f'datetime="{soon.starts_at.replace(microsecond=0).isoformat()}"' in coming_up
    assert "2nd Distributed Systems Paper Club: Soon" in html[html.index('id="latest-heading"') :]


def test_sessions_appear_on_tag_pages_and_in_the_combined_feeds(client, make_session, make_post):
    make_session(number=5, title="Kademlia", tags=["dht"])
    make_post(title="A DHT checklist", tags=["dht"])
    page = client.get("/tags/dht/").content.decode()
    assert "Kademlia" in page and "A DHT checklist" in page
    for url in ["/tags/dht/feed.atom", "/feeds/all.atom"]:
        feed = feedparser.parse(client.get(url).content)
        assert "Session: 5th Distributed Systems Paper Club: Kademlia" in [
            e.title for e in feed.entries
        ]


def test_a_scheduled_publication_stays_hidden_until_its_time(client, make_session):
    make_session(number=6, title="Embargoed", published_at=timezone.now() + timedelta(days=1))
    assert client.get("/club/distributed-systems/6/").status_code == 404
    assert "Embargoed" not in client.get("/club/feed.atom").content.decode()
    assert "Embargoed" not in client.get("/club/distributed-systems/calendar.ics").content.decode()
