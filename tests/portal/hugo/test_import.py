"""import_hugo on a site with every quirk: what lands where, field by field."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage

from blog.models import Post
from meetups.models import Paper, Series, Session
from portal.models import Redirect
from talks.models import Talk

from .conftest import SLIDES_PDF, summary_row

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def imported(quirky_site, run_import):
    output = run_import(quirky_site, "--series", "Distributed Systems Paper Club")
    return output


def test_posts_keep_their_content_dates_and_tags(imported, organizer):
    post = Post.objects.get(slug="consensus")
    assert post.title == "Consensus in practice"
    assert post.author == organizer
    assert post.summary == "What running Raft taught me."
    assert post.published_at == datetime(2019, 6, 25, tzinfo=UTC)
    assert set(post.tags.names()) == {"raft", "distributed-systems"}
    # Raw HTML goes through the one sanitizing pipeline and survives.
    assert "<small>mostly</small>" in post.body_html
    assert "<sup>1</sup>" in post.body_html

    notes = Post.objects.get(slug="field-notes")
    assert notes.title == "Field notes"
    assert notes.published_at == datetime(
        2022, 4, 29, tzinfo=BERLIN
    )  # a bare date, in the site's zone
    assert list(notes.tags.names()) == []

    draft = Post.objects.get(slug="half-done")
    assert draft.published_at is None

    about = Post.objects.get(slug="about")
    assert about.title == "About"
    assert about.is_published()


def test_static_files_are_copied_and_links_rewritten(imported):
    post = Post.objects.get(slug="consensus")
    assert "![The diagram](/media/imported/images/diagram.png)" in post.body
    assert "[slides as PDF](/media/imported/x.pdf)" in post.body
    assert '<a href="/media/imported/x.pdf">again</a>' in post.body
    # Code shows links as written.
    assert "[not a link](/static/x.pdf)" in post.body
    with default_storage.open("imported/x.pdf", "rb") as stored:
        assert stored.read() == SLIDES_PDF
    assert default_storage.exists("imported/images/diagram.png")


def test_links_between_pages_point_at_the_new_addresses(imported):
    body = Post.objects.get(slug="field-notes").body
    assert "[consensus](/blog/consensus/#why)" in body
    assert "[ref](/blog/consensus/)" in body
    assert "[relative](/blog/consensus/)" in body


def test_talk_with_tag_quotes_venue_and_every_link(imported):
    talk = Talk.objects.get(slug="raft")
    assert talk.title == "Raft in production"
    assert talk.event_name == "GopherCon EU"
    assert talk.city == "GopherCon EU"
    assert talk.is_online is False
    assert talk.date == date(2019, 7, 10)
    assert talk.published_at == datetime(2019, 7, 10, tzinfo=BERLIN)
    assert talk.abstract == "How we ran Raft for three years.\n"
    assert talk.recording_url == "https://www.youtube.com/watch?v=abc123"
    assert talk.slides_url == ""
    assert talk.slides_file.name == "talks/slides/2019/raft.pdf"
    assert talk.slides_file.read() == SLIDES_PDF
    assert talk.writeup_post == Post.objects.get(slug="consensus")
    assert talk.writeup_url == ""
    assert [(link.label, link.url) for link in talk.links.all()] == [
        ("Workshop", "https://github.com/ada/raft-workshop")
    ]
    assert set(talk.tags.names()) == {"talk", "raft"}


def test_talk_by_title_without_venue_gets_honest_defaults(imported):
    talk = Talk.objects.get(slug="tracing")
    assert talk.title == "Tracing without tears"
    assert talk.event_name == "Unknown event"
    assert talk.city == "Unknown"
    assert talk.is_online is False
    # One link for both: the recording and the slides live behind it.
    assert talk.recording_url == "https://www.infoq.com/presentations/tracing/"
    assert talk.slides_url == "https://www.infoq.com/presentations/tracing/"
    assert talk.abstract == "Distributed tracing for the rest of us.\n"
    assert list(talk.links.all()) == []
    assert "content/post/2021-03-03-talk-tracing.md: the title names no venue" in imported


def test_talk_by_tag_with_unquoted_venue_and_outside_writeup(imported):
    talk = Talk.objects.get(slug="kafka")
    assert talk.title == "Kafka at scale"
    assert talk.event_name == "Berlin Buzzwords"
    assert talk.date == date(2018, 6, 12)
    assert talk.slides_url == "https://speakerdeck.com/ada/kafka"
    assert talk.writeup_post is None
    assert talk.writeup_url == "https://medium.com/@ada/kafka-at-scale"
    assert talk.recording_url == ""


def test_sessions_are_numbered_timed_and_read_their_papers(imported):
    series = Series.objects.get()
    assert series.name == "Distributed Systems Paper Club"
    assert series.time_zone == "Europe/Berlin"  # the Hugo site's timeZone
    assert series.cadence_weekday == 3  # the posts' Thursdays
    assert "Created the series “Distributed Systems Paper Club”" in imported
    assert sorted(Session.objects.values_list("number", flat=True)) == [19, 24, 25, 28]

    nineteenth = Session.objects.get(number=19)
    assert nineteenth.title == ""
    assert nineteenth.starts_at == datetime.combine(date(2019, 11, 28), time(19), BERLIN)
    assert nineteenth.ends_at - nineteenth.starts_at == series.duration
    assert nineteenth.published_at == datetime(2019, 11, 28, tzinfo=UTC)
    assert nineteenth.write_up == "We read about DHT security [1] and the Sybil attack [2].\n"
    assert set(nineteenth.tags.names()) == {"paper", "dht"}
    survey, sybil = nineteenth.papers()
    assert survey.title == "A Survey of DHT Security Techniques"
    assert survey.author_list == ["Guido Urdaneta", "Guillaume Pierre", "Maarten van Steen"]
    assert survey.venue == "ACM Computing Surveys"
    assert survey.year == 2011
    assert survey.doi == "10.1145/1883612.1883615"
    assert (sybil.title, sybil.author_list, sybil.venue, sybil.year) == (
        "The Sybil Attack",
        ["John R. Douceur"],
        "IPTPS",
        2002,
    )

    bbr = Session.objects.get(number=24)
    assert bbr.title == "BBR congestion control"
    assert (
        bbr.write_up == "Is loss a signal of congestion?\n\n## Afterwards\n\nWe went for pizza.\n"
    )
    first, second = bbr.papers()
    assert first.title == "BBR: Congestion-Based Congestion Control"
    assert first.doi == "10.1145/3012426.3022184"
    assert first.venue == "ACM Queue 14(5)"
    assert len(first.author_list) == 5
    assert second == survey  # read twice, stored once

    bare = Session.objects.get(number=25)
    flexible, chord = bare.papers()
    assert flexible.arxiv_id == "1608.06696"
    assert chord.pdf_url == "http://127.0.0.1:8000/media/imported/papers/chord.pdf"
    assert default_storage.exists("imported/papers/chord.pdf")

    listed = Session.objects.get(number=28)
    assert listed.title == "Consistent hashing"
    hashing, dynamo = listed.papers()
    assert hashing.title == "Consistent Hashing and Random Trees"
    assert hashing.doi == "10.1145/258533.258660"
    assert dynamo.title == "Dynamo: Amazon's Highly Available Key-value Store"
    assert dynamo.pdf_url.endswith("amazon-dynamo-sosp2007.pdf")
    assert Paper.objects.count() == 7


def test_bad_files_are_reported_and_skipped(imported):
    assert "content/post/broken.md: the front matter is not valid YAML" in imported
    assert "content/post/untitled.md: it has no title." in imported
    assert not Post.objects.filter(title__icontains="broken").exists()
    assert "content/post/_index.md: a section's list page" in imported


def test_summary_counts_everything(imported):
    assert summary_row(imported, "posts") == [4, 4, 0, 0]
    assert summary_row(imported, "talks") == [3, 3, 0, 0]
    assert summary_row(imported, "sessions") == [4, 4, 0, 0]
    # Eight references, one paper read twice.
    assert summary_row(imported, "papers") == [8, 7, 0, 1]
    assert summary_row(imported, "files copied") == [4]
    assert summary_row(imported, "skipped") == [2]
    assert "Imported 11 of 14 files from" in imported
    assert " s." in imported


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/post/2019-06-25-consensus/", "/blog/consensus/"),
        ("/post/2019-06-25-consensus", "/blog/consensus/"),
        ("/old/consensus/", "/blog/consensus/"),
        ("/post/consensus-notes/", "/blog/consensus/"),
        ("/post/field-notes/", "/blog/field-notes/"),
        ("/post/2020-02-01-notes/", "/blog/field-notes/"),
        ("/2021/05/half-done/", "/blog/half-done/"),
        ("/about/", "/blog/about/"),
        ("/post/2019-07-10-talk-raft/", "/talks/raft/"),
        ("/talks/kafka/", None),  # the new address is the old one: no redirect
        ("/post/2019-11-28-19th-paper-club/", "/club/distributed-systems-paper-club/19/"),
        ("/post/2019-12-12-24th/", "/club/distributed-systems-paper-club/24/"),
        ("/index.xml", "/feeds/all.rss"),
        ("/post/", "/"),
    ],
)
def test_old_addresses_redirect_permanently(imported, client, old, new):
    response = client.get(old)
    if new is None:
        assert response.status_code == 200
        assert not Redirect.objects.filter(old_path=old).exists()
    else:
        assert response.status_code == 301
        assert response["Location"] == new


def test_every_imported_page_renders(imported, client, staff_client):
    pages = [
        *(post.get_absolute_url() for post in Post.objects.published()),
        *(talk.get_absolute_url() for talk in Talk.objects.published()),
        *(session.get_absolute_url() for session in Session.objects.published()),
        *(paper.get_absolute_url() for paper in Paper.objects.all()),
        Series.objects.get().get_absolute_url(),
        "/",
        "/blog/",
        "/talks/",
        "/papers/",
    ]
    assert len(pages) > 20
    for url in pages:
        assert client.get(url).status_code == 200, url
    for draft in Post.objects.drafts():
        assert staff_client.get(draft.get_absolute_url()).status_code == 200
    talk_page = client.get("/talks/raft/").content.decode()
    assert "/media/talks/slides/2019/raft.pdf" in talk_page
    assert "/blog/consensus/" in talk_page


def test_redirects_never_point_from_a_page_to_itself(imported):
    assert not any(old == new for old, new in Redirect.objects.values_list("old_path", "new_path"))
