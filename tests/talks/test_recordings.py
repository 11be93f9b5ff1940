"""A talk's recording: nothing loads from the video site until the visitor asks."""

import re
from urllib.parse import urlsplit

import pytest

from tests.talks.html import parse

pytestmark = pytest.mark.django_db

YOUTUBE_URL = "https://www.youtube.com/watch?v=abcdefghijk"


THIRD_PARTY = re.compile(r"youtube|youtu\.be|ytimg|googlevideo|vimeo|doubleclick", re.IGNORECASE)


@pytest.mark.parametrize(
    ("recording_url", "provider", "video_id"),
    [
        ("https://www.youtube.com/watch?v=abcdefghijk", "youtube", "abcdefghijk"),
        ("https://youtu.be/abcdefghijk?t=90", "youtube", "abcdefghijk"),
        ("https://vimeo.com/123456789", "vimeo", "123456789"),
    ],
    ids=["youtube", "youtu.be", "vimeo"],
)
def test_first_html_of_a_recorded_talk_loads_nothing_from_the_video_site(
    client, make_talk, recording_url, provider, video_id
):
    talk = make_talk(recording_url=recording_url)

    response = client.get(talk.get_absolute_url())
    page = parse(response.text)

    assert page.find("iframe") == []
    assert "<iframe" not in response.text
    # Nothing that a browser fetches by itself points at the video site...
    for tag, attribute in [
        ("script", "src"),
        ("img", "src"),
        ("img", "srcset"),
        ("link", "href"),
        ("source", "src"),
        ("video", "poster"),
        ("object", "data"),
        ("embed", "src"),
    ]:
        for attrs in page.find(tag):
            assert not THIRD_PARTY.search(attrs.get(attribute, "")), (tag, attrs)
    # (JSON-LD names the recording for search engines: data, never fetched or run.)
    assert not any(
        THIRD_PARTY.search(text)
        for attrs, text in page.scripts
        if attrs.get("type") != "application/ld+json"
    )
    assert not re.search(r"url\([^)]*(youtube|ytimg|vimeo)", response.text, re.IGNORECASE)
    # ...the recording is an ordinary link that the page's own script upgrades on click.
    player_links = [attrs for attrs in page.find("a") if attrs.get("data-embed-provider")]
    assert player_links == [
        {
            "class": "recording-link",
            "href": recording_url,
            "data-embed-provider": provider,
            "data-embed-id": video_id,
            "data-embed-start": "90" if "t=90" in recording_url else "0",
            "data-embed-title": f"Recording: {talk.title}",
        }
    ]
    scripts = [attrs["src"] for attrs in page.find("script") if attrs.get("src")]
    assert scripts == ["/static/talks/recording.js"]
    assert urlsplit(scripts[0]).netloc == ""


def test_the_click_to_play_script_follows_the_content_security_policy(client, make_talk):
    talk = make_talk(recording_url=YOUTUBE_URL)

    response = client.get(talk.get_absolute_url())
    policy = response["Content-Security-Policy"]
    page = parse(response.text)

    [script] = [attrs for attrs in page.find("script") if attrs.get("src")]
    # The script is one of our own files, which the policy allows without a nonce.
    assert urlsplit(script["src"]).netloc == "" and "nonce" not in script
    assert re.search(r"script-src 'self'(;|$)", policy)
    assert "https://www.youtube-nocookie.com" in policy
    # No inline style attribute or event handler anywhere on the page.
    for _tag, attrs in page.elements:
        assert "style" not in attrs
        assert not any(name.startswith("on") for name in attrs)


def test_the_player_script_builds_only_privacy_enhanced_players():
    from django.contrib.staticfiles import finders

    with open(finders.find("talks/recording.js"), encoding="utf-8") as script:
        source = script.read()
    assert "https://www.youtube-nocookie.com/embed/" in source
    assert "https://player.vimeo.com/video/" in source
    assert "www.youtube.com" not in source


def test_a_talk_without_recording_loads_no_player_script(client, make_talk):
    talk = make_talk(recording_url="https://media.ccc.de/v/some-talk")
    html = client.get(talk.get_absolute_url()).text
    assert "recording.js" not in html
    assert 'href="https://media.ccc.de/v/some-talk"' in html
