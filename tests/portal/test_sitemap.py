"""sitemap.xml and robots.txt, read the way a crawler reads them."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_entries(client) -> dict[str, str | None]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    return {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.findall("sm:url", NS)
    }


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = "https://talks.example.org"
    settings.ALLOWED_HOSTS = ["testserver", "talks.example.org"]
    return settings.SITE_URL


def test_every_published_page_is_listed_with_its_last_change(
    client, site_url, make_post, make_talk, make_session, make_paper
):
    post = make_post(title="Published", tags=["raft"])
    talk = make_talk(title="A talk", tags=["quic"])
    paper = make_paper(title="Raft")
    session = make_session(title="Consensus", papers=[paper])
    entries = sitemap_entries(client)
    for path in [
        "/",
        "/tags/",
        "/blog/",
        "/talks/",
        "/club/",
        "/papers/",
        post.get_absolute_url(),
        talk.get_absolute_url(),
        session.get_absolute_url(),
        paper.get_absolute_url(),
        session.series.get_absolute_url(),
        "/tags/raft/",
        "/tags/quic/",
    ]:
        assert site_url + path in entries, path
    assert entries[site_url + post.get_absolute_url()] == f"{post.updated_at:%Y-%m-%d}"
    assert all(lastmod for lastmod in entries.values())


def test_drafts_scheduled_items_and_their_tags_are_not_listed(
    client, site_url, make_post, make_talk, make_session, make_paper
):
    draft = make_post(title="Draft", published=False, tags=["secret-draft"])
    scheduled = make_post(title="Later", published_at=timezone.now() + timedelta(days=1))
    draft_talk = make_talk(title="Draft talk", published=False)
    unread = make_paper(title="Read only by a draft session")
    draft_session = make_session(title="Draft session", papers=[unread], published=False)
    make_post(title="Published")
    listed = "\n".join(sitemap_entries(client))
    for item in [draft, scheduled, draft_talk, draft_session, unread]:
        assert site_url + item.get_absolute_url() not in listed
    assert "secret-draft" not in listed


def test_addresses_come_from_site_url_not_from_the_request(client, site_url, make_post):
    make_post(title="Published")
    response = client.get("/sitemap.xml", HTTP_HOST="testserver")
    assert "http://testserver" not in response.text
    assert all(loc.startswith(site_url + "/") for loc in sitemap_entries(client))


def test_robots_txt_points_to_the_sitemap(client, site_url):
    response = client.get("/robots.txt")
    assert f"Sitemap: {site_url}/sitemap.xml" in response.text.splitlines()


def test_sitemap_queries_do_not_grow_with_the_data(
    client, make_post, make_talk, make_session, make_paper, django_assert_num_queries
):
    def add(number):
        make_post(tags=[f"tag-{number}"])
        make_talk(tags=[f"tag-{number}"])
        make_session(papers=[make_paper()], tags=[f"tag-{number}"])

    add(0)
    client.get("/sitemap.xml")  # warm per-process caches: count the steady state
    with CaptureQueriesContext(connection) as small:
        client.get("/sitemap.xml")
    for number in range(1, 30):
        add(number)
    with django_assert_num_queries(len(small)):
        client.get("/sitemap.xml")
