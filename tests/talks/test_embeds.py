import pytest

from talks.embeds import RecordingEmbed, recording_embed


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.youtube.com/watch?v=abcdefghijk", RecordingEmbed("youtube", "abcdefghijk")),
        (
            "https://youtube.com/watch?v=abcdefghijk&t=1m30s",
            RecordingEmbed("youtube", "abcdefghijk", 90),
        ),
        ("https://m.youtube.com/watch?v=abc_def-123", RecordingEmbed("youtube", "abc_def-123")),
        ("https://youtu.be/abcdefghijk?t=42", RecordingEmbed("youtube", "abcdefghijk", 42)),
        ("https://www.youtube.com/live/abcdefghijk", RecordingEmbed("youtube", "abcdefghijk")),
        ("https://www.youtube.com/embed/abcdefghijk", RecordingEmbed("youtube", "abcdefghijk")),
        (
            "https://www.youtube-nocookie.com/embed/abcdefghijk",
            RecordingEmbed("youtube", "abcdefghijk"),
        ),
        ("https://vimeo.com/123456789", RecordingEmbed("vimeo", "123456789")),
        ("https://vimeo.com/channels/staffpicks/123456789", RecordingEmbed("vimeo", "123456789")),
        (
            "https://player.vimeo.com/video/123456789#t=2m",
            RecordingEmbed("vimeo", "123456789", 120),
        ),
    ],
    ids=[
        "watch",
        "watch-with-time",
        "mobile",
        "short-link",
        "live",
        "embed",
        "nocookie",
        "vimeo",
        "vimeo-channel",
        "vimeo-player",
    ],
)
def test_youtube_and_vimeo_links_become_players(url, expected):
    assert recording_embed(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://media.ccc.de/v/36c3-quic",
        "https://www.youtube.com/playlist?list=PL123",
        "https://www.youtube.com/watch?v=too-short",
        "https://www.youtube.com/watch?v=abcdefghijk%22onload%3D",
        "https://youtube.com.evil.example/watch?v=abcdefghijk",
        "https://vimeo.com/123456789/abcdef1234",  # private link: the player needs its hash
        "https://vimeo.com/showcase/1234567",
        "javascript:alert(1)//youtube.com/watch?v=abcdefghijk",
        "",
        "http://[::1",
    ],
    ids=[
        "other-host",
        "playlist",
        "bad-id",
        "injected-id",
        "look-alike-host",
        "vimeo-private",
        "vimeo-showcase",
        "script",
        "empty",
        "broken",
    ],
)
def test_anything_else_stays_a_plain_link(url):
    assert recording_embed(url) is None
