"""Link previews (Open Graph, Twitter cards) on every page, and the site's author."""

import json

import pytest

from tests.helpers.html import MetaTags

pytestmark = pytest.mark.django_db

SHARED = ["og:type", "og:title", "og:description", "og:url", "og:site_name", "twitter:card"]


@pytest.fixture
def site(settings, make_post, make_talk, make_session, make_paper):
    settings.SITE_URL = "https://talks.example.org"
    settings.SITE_NAME = "Ada's Talks & Posts"
    settings.SITE_AUTHOR = "Ada Example"
    post = make_post(title="Why QUIC handshakes are fast", tags=["quic"], summary="Round trips.")
    talk = make_talk(title="QUIC from the inside")
    paper = make_paper(title="Raft")
    session = make_session(title="Consensus", papers=[paper])
    return {"post": post, "talk": talk, "session": session, "paper": paper}


def pages(site):
    return [
        "/",
        "/blog/",
        site["post"].get_absolute_url(),
        "/tags/",
        "/tags/quic/",
        "/feeds/",
        "/search/?q=quic",
        "/talks/",
        site["talk"].get_absolute_url(),
        "/club/",
        site["session"].series.get_absolute_url(),
        site["session"].get_absolute_url(),
        "/papers/",
        site["paper"].get_absolute_url(),
        "/no-such-page/",
    ]


def test_every_page_has_each_link_preview_tag_exactly_once(client, site):
    for path in pages(site):
        tags = MetaTags(client.get(path).text)
        for name in SHARED:
            assert len(tags.values(name)) == 1, (path, name, tags.values(name))
        assert tags.values("og:title")[0], path
        assert tags.values("og:description")[0], path


def test_defaults_come_from_the_page_title_description_and_canonical_address(client, site):
    tags = MetaTags(client.get("/tags/").text)
    assert tags.values("og:type") == ["website"]
    assert tags.values("og:title") == ["Tags"]  # without “ · site name”
    assert tags.values("twitter:title") == ["Tags"]
    assert tags.values("og:site_name") == ["Ada's Talks & Posts"]  # escaped once, read back
    assert tags.values("og:url") == ["https://talks.example.org/tags/"]
    assert tags.values("og:description")[0].startswith("Every topic on Ada's Talks & Posts")


def test_a_page_with_its_own_tags_keeps_them(client, site):
    tags = MetaTags(client.get(site["post"].get_absolute_url()).text)
    assert tags.values("og:type") == ["article"]
    assert tags.values("og:title") == ["Why QUIC handshakes are fast"]
    assert tags.values("twitter:description") == ["Round trips."]


def test_the_home_page_names_the_sites_author(client, site):
    tags = MetaTags(client.get("/").text)
    graph = [node for block in tags.json_ld for node in json.loads(block).get("@graph", [])]
    person = next(node for node in graph if node["@type"] == "Person")
    assert person["name"] == "Ada Example"
    assert person["url"] == "https://talks.example.org/"
    website = next(node for node in graph if node["@type"] == "WebSite")
    assert website["potentialAction"]["target"]["urlTemplate"] == (
        "https://talks.example.org/search/?q={search_term_string}"
    )


def test_a_hostile_title_stays_inside_its_attribute(client, make_post):
    post = make_post(title='"><script>alert(1)</script>', summary='"><b>x</b>')
    page = client.get(post.get_absolute_url()).text
    assert "<script>alert(1)" not in page
    tags = MetaTags(page)
    assert tags.values("twitter:title") == ['"><script>alert(1)</script>']
