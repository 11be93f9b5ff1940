"""The talk list and talk pages, as a visitor (and a crawler) meets them."""

import json
import re
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from tests.talks.html import parse

pytestmark = pytest.mark.django_db

YOUTUBE_URL = "https://www.youtube.com/watch?v=abcdefghijk"


def headings(html: str, level: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", text).strip()
        for text in re.findall(rf"<{level}\b[^>]*>(.*?)</{level}>", html, re.DOTALL)
    ]


# --- The list ---------------------------------------------------------------------------


def test_list_groups_past_talks_by_year_newest_first(client, make_talk):
    make_talk(title="Old talk", date=timezone.datetime(2022, 5, 1).date())
    make_talk(title="Newer talk", date=timezone.datetime(2024, 3, 1).date())
    make_talk(title="Newest talk", date=timezone.datetime(2024, 11, 1).date())

    html = client.get("/talks/").text

    assert headings(html, "h2")[:2] == ["2024", "2022"]
    assert headings(html, "h3") == ["Newest talk", "Newer talk", "Old talk"]


def test_upcoming_talks_come_first_soonest_first(client, make_talk):
    today = timezone.localdate()
    make_talk(title="Given last month", date=today - timedelta(days=30))
    make_talk(title="In two months", date=today + timedelta(days=60))
    make_talk(title="Next week", date=today + timedelta(days=7))

    html = client.get("/talks/").text

    assert headings(html, "h2")[:2] == ["Upcoming", str((today - timedelta(days=30)).year)]
    assert headings(html, "h3") == ["Next week", "In two months", "Given last month"]
    assert "I’ll be speaking at these" in html


def test_list_shows_event_place_and_materials(client, make_talk):
    make_talk(
        title="QUIC inside",
        event_name="FOSDEM 2024",
        city="",
        is_online=True,
        slides_url="https://example.org/slides",
        recording_url=YOUTUBE_URL,
        tags=["quic"],
    )

    html = client.get("/talks/").text

    assert "FOSDEM 2024 · Online" in html
    assert "Slides · Recording" in html
    assert 'href="/tags/quic/"' in html


def test_list_with_no_talks_says_so(client, db):
    response = client.get("/talks/")
    assert response.status_code == 200
    assert "No talks yet." in response.text


def _many_talks(make_talk, make_post, number):
    today = timezone.localdate()
    for index in range(number):
        make_talk(
            date=today + timedelta(days=10 - index * 40),
            event_name=f"Conference {index % 4}",
            tags=["quic", f"topic-{index}"],
            links=[("Code", "https://example.org/code")],
            co_speakers=[("Grace Sample", "")],
            writeup_post=make_post() if index % 3 == 0 else None,
            slides_url="https://example.org/slides" if index % 2 else "",
        )


@pytest.mark.parametrize(
    ("query", "queries"),
    # Every talk's row and the tags with their counts (a tag's talks, or the tags of
    # an event's talks, for a filter), then the talks of the entries not cached yet
    # and their tags.
    [("", 4), ("?tag=quic", 5), ("?event=Conference+0", 4)],
    ids=["all", "tag", "event"],
)
def test_list_query_count_does_not_grow_with_talks(
    client, make_talk, make_post, django_assert_num_queries, query, queries
):
    _many_talks(make_talk, make_post, 1)
    with django_assert_num_queries(queries) as one:
        assert client.get(f"/talks/{query}").status_code == 200

    _many_talks(make_talk, make_post, 29)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(f"/talks/{query}")
    assert response.status_code == 200
    if not query:
        # The two upcoming talks and a page of 20 past ones; the other 8 on page 2, as cheaply.
        assert response.text.count('class="entry entry--talk"') == 22
        with django_assert_num_queries(len(one.captured_queries)):
            response = client.get("/talks/?page=2")
        assert response.text.count('class="entry entry--talk"') == 8
        # Once every entry is cached, no talk is loaded: only what the versions need is read.
        with django_assert_num_queries(len(one.captured_queries) - 2):
            client.get("/talks/?page=2")


# --- Filters ------------------------------------------------------------------------------


def test_tag_filter_keeps_only_tagged_talks(client, make_talk):
    make_talk(title="About QUIC", tags=["quic"])
    make_talk(title="About Raft", tags=["raft"])

    response = client.get("/talks/?tag=quic")

    assert response.status_code == 200
    assert headings(response.text, "h3") == ["About QUIC"]
    assert "Talks tagged #quic" in response.text
    assert '<meta name="robots" content="noindex, follow">' in response.text


def test_event_filter_keeps_only_that_events_talks(client, make_talk):
    make_talk(title="At FOSDEM", event_name="FOSDEM 2024")
    make_talk(title="At RustConf", event_name="RustConf 2024")

    response = client.get("/talks/", {"event": "RustConf 2024"})

    assert headings(response.text, "h3") == ["At RustConf"]


def test_filters_offer_only_values_that_still_match(client, make_talk):
    make_talk(event_name="FOSDEM 2024", tags=["quic"])
    make_talk(event_name="RustConf 2024", tags=["rust"])

    html = client.get("/talks/?tag=quic").text

    assert "FOSDEM 2024</a>" in html
    assert "RustConf 2024" not in html
    assert "All tags</a>" in html


def test_tag_counts_ignore_drafts_and_posts(client, make_talk, make_post):
    make_talk(tags=["quic"])
    make_talk(tags=["quic"], published=False)
    make_post(tags=["quic"])

    html = client.get("/talks/").text

    # A pill like the tags everywhere else, its count inside it.
    assert re.search(
        r'<ul class="tags">\s*<li><a href="[^"]*"[^>]*>#quic <span class="count">1</span></a>', html
    )


def test_tag_filter_passes_over_talks_without_tags(client, make_talk):
    make_talk(title="About QUIC", tags=["quic"])
    make_talk(title="Untagged")

    response = client.get("/talks/?tag=quic")

    assert response.status_code == 200
    assert headings(response.text, "h3") == ["About QUIC"]


def test_tag_filters_follow_drafts_being_tagged_and_published_at_once(client, make_talk, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the filters' own cache, not the page cache, is tested
    make_talk(tags=["quic"])
    draft = make_talk(published=False)
    draft.tags.add("quic", "raft")
    html = client.get("/talks/").text
    assert '#quic <span class="count">1</span>' in html and "#raft" not in html
    assert client.get("/talks/?tag=raft").status_code == 404

    draft.publish()
    html = client.get("/talks/").text
    assert '#quic <span class="count">2</span>' in html
    assert '#raft <span class="count">1</span>' in html

    draft.tags.remove("raft")
    assert "#raft" not in client.get("/talks/").text
    draft.unpublish()
    assert '#quic <span class="count">1</span>' in client.get("/talks/").text


@pytest.mark.parametrize(
    "query",
    [
        "?tag=no-such-tag",
        "?tag=post-only",
        "?tag=draft-only",
        "?tag=%00",
        "?tag=%F0%9F%92%A5%3Cscript%3E",
        "?tag=" + "a" * 5000,
        "?event=Nowhere",
        "?event=%00",
        "?event=" + "x" * 5000,
        "?event=FOSDEM+2024&tag=rust",
    ],
    ids=[
        "unknown-tag",
        "tag-of-posts-only",
        "tag-of-drafts-only",
        "nul-tag",
        "odd-tag",
        "huge-tag",
        "unknown-event",
        "nul-event",
        "huge-event",
        "no-talk-in-both",
    ],
)
def test_filters_that_match_nothing_are_404_not_500(client, make_talk, make_post, query):
    make_talk(event_name="FOSDEM 2024", tags=["quic"])
    make_talk(event_name="RustConf 2024", tags=["rust"])
    make_talk(event_name="Secret", tags=["draft-only"], published=False)
    make_post(tags=["post-only"])

    response = client.get(f"/talks/{query}")

    assert response.status_code == 404


def test_a_page_that_is_not_a_number_or_past_the_end_is_404_as_on_every_list(client, make_talk):
    make_talk()
    assert client.get("/talks/?page=1").status_code == 200
    assert client.get("/talks/?page=abc").status_code == 404
    assert client.get("/talks/?page=2").status_code == 404


def test_long_lists_come_a_page_at_a_time_and_every_year_is_one_click_away(client, make_talk):
    today = timezone.localdate()
    make_talk(title="Next month", date=today + timedelta(days=30))
    years = [today.year - 1, today.year - 2, today.year - 3]
    for number in range(45):  # 15 talks in each of the last three years, newest first
        day = date(years[number // 15], 6, 28 - number % 15)
        make_talk(title=f"Past talk {number}", date=day)

    first = client.get("/talks/").text
    assert headings(first, "h3")[:3] == ["Next month", "Past talk 0", "Past talk 1"]
    assert "Past talk 19<" in first and "Past talk 20<" not in first
    assert 'rel="next" href="?page=2"' in first
    # The sidebar links every year to the page where its talks begin.
    year_links = re.findall(r'href="\?page=(\d+)#year-(\d{4})"', first)
    assert year_links == [("1", str(years[0])), ("1", str(years[1])), ("2", str(years[2]))]
    second = client.get("/talks/?page=2").text
    assert f'id="year-{years[2]}"' in second and "Next month" not in second
    assert headings(second, "h3")[0] == "Past talk 20"
    third = client.get("/talks/?page=3").text
    assert headings(third, "h3") == [f"Past talk {number}" for number in range(40, 45)]
    assert 'rel="prev" href="?page=2"' in third and 'rel="next"' not in third


def test_pages_of_a_filtered_list_keep_the_filter(client, make_talk):
    for number in range(25):
        make_talk(title=f"QUIC talk {number}", tags=["quic"])
    make_talk(title="Raft talk", tags=["raft"])
    html = client.get("/talks/?tag=quic").text
    assert 'href="?tag=quic&amp;page=2"' in html
    second = client.get("/talks/?tag=quic&page=2").text
    assert len(headings(second, "h3")) == 5 and "Raft talk" not in second
    # Another filter starts again at its first page, whichever page it was chosen on.
    assert 'href="?tag=raft"' in client.get("/talks/?page=2").text
    assert 'href="/talks/">All tags</a>' in second


# --- A talk's page -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/talks/no-such-talk/", "/talks/%00/", "/talks/a/b/", "/talks/" + "x" * 300 + "/"],
    ids=["unknown", "nul", "nested", "huge"],
)
def test_unknown_talk_addresses_are_404(client, make_talk, path):
    make_talk()
    assert client.get(path).status_code == 404


def test_talk_page_shows_the_facts_and_materials(client, make_talk, make_post, pdf_bytes):
    post = make_post(title="What I said at FOSDEM")
    talk = make_talk(
        title="QUIC from the inside",
        event_name="FOSDEM 2024",
        event_url="https://fosdem.org/2024/",
        city="Brussels, Belgium",
        date=timezone.datetime(2024, 2, 4).date(),
        language="de",
        abstract="We count **round trips**.",
        slides_url="https://speakerdeck.com/example/quic",
        recording_url="https://media.ccc.de/v/quic",
        writeup_post=post,
        tags=["quic"],
        links=[("Workshop", "https://example.org/workshop"), ("Code", "https://example.org/code")],
        co_speakers=[("Grace Sample", "https://example.org/grace"), ("Lin Other", "")],
    )
    talk.slides_file.save("x.pdf", ContentFile(pdf_bytes))

    html = client.get(talk.get_absolute_url()).text
    page = parse(html)
    links = {attrs.get("href") for attrs in page.find("a")}

    assert "<strong>round trips</strong>" in html
    assert "https://fosdem.org/2024/" in links
    assert "Sunday, 4 February 2024" in html
    assert "Brussels, Belgium" in html
    assert "German" in html
    assert talk.slides_file.url in links
    assert "https://speakerdeck.com/example/quic" in links
    assert "https://media.ccc.de/v/quic" in links  # not YouTube/Vimeo: a plain link
    assert post.get_absolute_url() in links
    assert "/tags/quic/" in links
    assert html.index("Workshop</a>") < html.index("Code</a>")
    assert "Grace Sample</a> and Lin Other" in html
    assert not page.find("iframe")


def test_links_follow_the_organizers_order(client, make_talk):
    talk = make_talk()
    talk.links.create(label="Third", url="https://example.org/3", position=3)
    talk.links.create(label="First", url="https://example.org/1", position=1)
    talk.links.create(label="Second", url="https://example.org/2", position=2)

    html = client.get(talk.get_absolute_url()).text

    assert html.index(">First<") < html.index(">Second<") < html.index(">Third<")


def test_an_unpublished_writeup_post_is_not_linked(client, make_talk, make_post):
    post = make_post(title="Draft write-up", published=False)
    talk = make_talk(writeup_post=post)

    html = client.get(talk.get_absolute_url()).text

    assert "Draft write-up" not in html
    assert post.get_absolute_url() not in html


def test_external_writeup_is_a_link_with_its_site(client, make_talk):
    talk = make_talk(writeup_url="https://www.example.com/blog/recap/")
    html = client.get(talk.get_absolute_url()).text
    assert '<a href="https://www.example.com/blog/recap/" rel="noopener">Write-up</a>' in html
    assert "(example.com)" in html


def test_the_writeup_post_names_its_talk(client, make_talk, make_post):
    post = make_post(title="QUIC, written up")
    talk = make_talk(title="QUIC from the inside", event_name="FOSDEM 2024", writeup_post=post)
    make_talk(title="Hidden draft talk", writeup_post=post, published=False)

    html = client.get(post.get_absolute_url()).text

    assert (
        f'Talk: <a href="{talk.get_absolute_url()}">QUIC from the inside</a> at FOSDEM 2024' in html
    )
    assert "Hidden draft talk" not in html


def test_previous_and_next_links(client, make_talk):
    today = timezone.localdate()
    earlier = make_talk(title="Earlier", date=today - timedelta(days=300))
    talk = make_talk(title="This one", date=today - timedelta(days=200))
    later = make_talk(title="Later", date=today - timedelta(days=100))

    page = parse(client.get(talk.get_absolute_url()).text)

    by_rel = {attrs.get("rel"): attrs.get("href") for attrs in page.find("a") if attrs.get("rel")}
    assert by_rel["prev"] == earlier.get_absolute_url()
    assert by_rel["next"] == later.get_absolute_url()


def test_talk_page_carries_schema_org_event(client, make_talk, settings):
    talk = make_talk(
        title="Raft </script><script>alert(1)</script>",
        event_name="Papers We Love",
        event_url="https://example.org/pwl",
        city="Berlin",
        is_online=True,
        date=timezone.datetime(2024, 10, 17).date(),
        tags=["raft"],
        co_speakers=[("Grace Sample", "https://example.org/grace")],
    )

    response = client.get(talk.get_absolute_url())
    page = parse(response.text)
    blocks = [
        json.loads(data)
        for attrs, data in page.scripts
        if attrs.get("type") == "application/ld+json"
    ]

    assert len(blocks) == 1
    event = blocks[0]
    assert event["@type"] == "Event"
    assert event["name"] == talk.title
    assert event["startDate"] == "2024-10-17"
    assert event["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert {place["@type"] for place in event["location"]} == {"Place", "VirtualLocation"}
    assert event["superEvent"] == {
        "@type": "Event",
        "name": "Papers We Love",
        "url": "https://example.org/pwl",
    }
    assert [person["name"] for person in event["performer"]] == [
        settings.SITE_AUTHOR,
        "Grace Sample",
    ]
    assert event["url"] == settings.SITE_URL + talk.get_absolute_url()
    assert "<script>alert(1)" not in response.text


def test_talk_page_query_count_does_not_grow_with_links(
    client, make_talk, django_assert_num_queries
):
    small = make_talk(links=[("One", "https://example.org/1")], co_speakers=[("A", "")], tags=["a"])
    big = make_talk(
        links=[(f"Link {n}", f"https://example.org/{n}") for n in range(15)],
        co_speakers=[(f"Speaker {n}", "") for n in range(5)],
        tags=[f"tag-{n}" for n in range(8)],
    )
    with django_assert_num_queries(5) as first:
        client.get(small.get_absolute_url())
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(big.get_absolute_url())
    # From the cached parts: the talk and its neighbours only (a change to its tags,
    # links or co-speakers moves its updated_at).
    with django_assert_num_queries(2):
        client.get(big.get_absolute_url())
