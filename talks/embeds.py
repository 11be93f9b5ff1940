"""
Recordings on YouTube or Vimeo become a click-to-play player. The page itself
only carries the provider's name and the video id: no iframe, image or script
from the provider is requested until the visitor clicks (talks/recording.js).
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.db import models

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^[0-9]{6,12}$")
_YOUTUBE_HOSTS = {
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "music.youtube.com",
    "youtube-nocookie.com",
    "www.youtube-nocookie.com",
}
_YOUTUBE_PATH_PREFIXES = ("embed", "live", "shorts", "v")
_VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
_VIMEO_PATH_PREFIXES = ("video", "channels", "groups")
_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")


class Provider(models.TextChoices):
    # The value is what recording.js builds the player address from.
    YOUTUBE = "youtube", "YouTube"
    VIMEO = "vimeo", "Vimeo"


@dataclass(frozen=True)
class RecordingEmbed:
    provider: str  # a Provider
    video_id: str
    start: int = 0  # seconds into the video

    @property
    def provider_name(self) -> str:
        """“YouTube”, “Vimeo”."""
        return Provider(self.provider).label


def _seconds(value: str) -> int:
    """'90', '90s', '1m30s' or '1h2m3s' in seconds; 0 for anything else."""
    match = _DURATION.match(value or "")
    if not match or not any(match.groups()):
        return 0
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def recording_embed(url: str) -> RecordingEmbed | None:
    """The click-to-play player for a YouTube or Vimeo `url`, or None for any other address."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"}:
        return None
    host = (parts.hostname or "").lower()
    segments = [segment for segment in parts.path.split("/") if segment]
    query = parse_qs(parts.query)
    start = _seconds((query.get("t") or query.get("start") or [""])[0])

    if host in _YOUTUBE_HOSTS:
        video_id = ""
        if segments == ["watch"]:
            video_id = (query.get("v") or [""])[0]
        elif len(segments) == 2 and segments[0] in _YOUTUBE_PATH_PREFIXES:
            video_id = segments[1]
        if _YOUTUBE_ID.match(video_id):
            return RecordingEmbed(Provider.YOUTUBE, video_id, start)
        return None
    if host == "youtu.be":
        if len(segments) == 1 and _YOUTUBE_ID.match(segments[0]):
            return RecordingEmbed(Provider.YOUTUBE, segments[0], start)
        return None
    if host in _VIMEO_HOSTS:
        # vimeo.com/123, player.vimeo.com/video/123, vimeo.com/channels/x/123: the id comes
        # last. A private link (vimeo.com/123/abcdef) carries a hash the player needs and a
        # showcase is not one video: both stay plain links.
        fragment_start = _seconds(parts.fragment.removeprefix("t="))
        if (
            segments
            and _VIMEO_ID.match(segments[-1])
            and (len(segments) == 1 or segments[0] in _VIMEO_PATH_PREFIXES)
        ):
            return RecordingEmbed(Provider.VIMEO, segments[-1], start or fragment_start)
        return None
    return None
