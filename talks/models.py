from datetime import UTC, datetime, time
from functools import cached_property
from typing import NamedTuple

from django.conf import global_settings, settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from taggit.managers import TaggableManager

from portal.fields import WebURLField, web_url_constraint
from portal.links import absolute_url
from portal.markdown import excerpt_from_html
from portal.models import (
    PublishableQuerySet,
    PublishedOnTimeline,
    RedirectOnMoveMixin,
    RenderedMarkdownMixin,
)
from portal.queries import published_neighbours
from portal.tagging import TagsManager
from talks.embeds import RecordingEmbed, recording_embed
from talks.validators import validate_slides_pdf


def language_choices():
    """Every language Django knows, by name: talks are given in many more than the site's own."""
    return sorted(global_settings.LANGUAGES, key=lambda choice: choice[1])


def slides_upload_to(talk: "Talk", filename: str) -> str:
    # The name comes from the talk, not the upload: the file was checked to be a
    # PDF, so it is served as one whatever it was called on the organizer's disk.
    return f"talks/slides/{talk.date:%Y}/{talk.slug}.pdf"


class Neighbour(NamedTuple):
    """A talk as the link to it from the one before or after: its address and title."""

    slug: str
    title: str

    def get_absolute_url(self):
        return reverse("talks:talk_detail", kwargs={"slug": self.slug})


class TalkQuerySet(PublishableQuerySet):
    def for_list(self):
        """With the tags and write-up post that talk lists show."""
        return self.select_related("writeup_post").prefetch_related("tags")

    def for_display(self):
        """With everything a talk page shows: tags, write-up, links and co-speakers."""
        return self.for_list().prefetch_related("links", "co_speakers")

    def upcoming(self, *, today=None):
        """Talks on or after `today` (in the site's time zone by default), soonest first."""
        today = timezone.localdate() if today is None else today
        return self.filter(date__gte=today).order_by("date", "pk")

    def past(self):
        """Talks before today, newest first."""
        return self.filter(date__lt=timezone.localdate()).order_by("-date", "-pk")


class Talk(RedirectOnMoveMixin, RenderedMarkdownMixin, PublishedOnTimeline):
    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        # Help text is HTML in the admin: a bare <slug> would vanish as an unknown tag.
        help_text="The talk's address: /talks/&lt;slug&gt;/. Changing it later leaves a redirect behind.",
    )
    event_name = models.CharField(
        "event",
        max_length=200,
        help_text="The conference or meetup, e.g. “FOSDEM 2025”. Talks can be filtered by it.",
    )
    event_url = WebURLField("event website", blank=True)
    city = models.CharField(
        max_length=100,
        blank=True,
        help_text="Where the talk was given, e.g. “Brussels, Belgium”. "
        "Leave empty for a talk given online only.",
    )
    is_online = models.BooleanField(
        "online",
        default=False,
        help_text="Given online, or streamed live besides the room.",
    )
    date = models.DateField(
        help_text="The day of the talk. From today on it is listed as upcoming.",
    )
    language = models.CharField(
        max_length=15,
        choices=language_choices,
        default="en",
        help_text="The language the talk is given in.",
    )
    abstract = models.TextField(
        blank=True, help_text="Markdown. The first paragraph is the excerpt in lists and feeds."
    )
    abstract_html = models.TextField(editable=False, default="")
    tags = TaggableManager(blank=True, related_name="talks", manager=TagsManager)

    slides_url = WebURLField(
        "slides link",
        blank=True,
        help_text="Where the slides can be seen online (Speaker Deck, a repository, …).",
    )
    slides_file = models.FileField(
        "slides PDF",
        upload_to=slides_upload_to,
        max_length=300,
        blank=True,
        validators=[validate_slides_pdf],
        help_text="The slides as a PDF file of at most 50 MB.",
    )
    recording_url = WebURLField(
        "recording",
        blank=True,
        help_text="YouTube and Vimeo videos are shown as a player that loads only when "
        "clicked; any other address is shown as a link.",
    )
    writeup_post = models.ForeignKey(
        "blog.Post",
        verbose_name="write-up post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="talks",
        help_text="A post of this site about the talk; the post links back to the talk.",
    )
    writeup_url = WebURLField(
        "write-up elsewhere",
        blank=True,
        help_text="Or the address of a write-up on another site.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    markdown_fields = {"abstract": "abstract_html"}

    objects = TalkQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["timeline_at", "id"], name="talks_talk_timeline")]
        constraints = [
            web_url_constraint("event_url", prefix="talk"),
            web_url_constraint("slides_url", prefix="talk"),
            web_url_constraint("recording_url", prefix="talk"),
            web_url_constraint("writeup_url", prefix="talk"),
            models.CheckConstraint(
                condition=Q(writeup_post__isnull=True) | Q(writeup_url=""),
                name="talk_one_writeup",
                violation_error_message="A talk has one write-up: a post or an address.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("talks:talk_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        errors = {}
        if not self.city.strip() and not self.is_online:
            errors["city"] = "Give the city, or tick “online” for a talk given online."
        if self.writeup_post_id and self.writeup_url:
            errors["writeup_url"] = (
                "Choose either a post of this site or an address elsewhere as the write-up, "
                "not both."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def place(self) -> str:
        """“Brussels, Belgium”, “Online” or “Brussels, Belgium and online”."""
        city = self.city.strip()
        if city and self.is_online:
            return f"{city} and online"
        return city or "Online"

    @property
    def speaker_names(self) -> str:
        """“Ada Example and Grace Sample”: the site's author first, then the co-speakers."""
        names = [settings.SITE_AUTHOR, *(person.name for person in self.co_speakers.all())]
        return get_text_list(names, "and")

    @property
    def excerpt(self) -> str:
        return excerpt_from_html(self.abstract_html)

    @property
    def starts_at(self) -> datetime:
        """The start of the talk's day in the site's time zone: its place among dated items."""
        return timezone.make_aware(datetime.combine(self.date, time.min))

    def is_upcoming(self) -> bool:
        return self.date >= timezone.localdate()

    moment_fields = ("date",)

    def own_moment(self) -> datetime:
        # The day's start in UTC, as the timeline has always placed talks.
        return datetime.combine(self.date, time.min, tzinfo=UTC)

    @property
    def language_name(self) -> str:
        return self.get_language_display()

    @cached_property
    def recording_embed(self) -> RecordingEmbed | None:
        return recording_embed(self.recording_url)

    @property
    def has_slides(self) -> bool:
        return bool(self.slides_url or self.slides_file)

    @property
    def slides_file_size(self) -> int | None:
        """The PDF's size in bytes, or None when there is none (or it went missing from storage)."""
        if not self.slides_file:
            return None
        try:
            return self.slides_file.size
        except OSError:
            return None

    def published_writeup_post(self):
        """The write-up post if visitors may read it, else None."""
        post = self.writeup_post
        return post if post is not None and post.is_published() else None

    @property
    def writeup_href(self) -> str:
        post = self.published_writeup_post()
        return post.get_absolute_url() if post else self.writeup_url

    @property
    def has_materials(self) -> bool:
        return bool(self.has_slides or self.recording_url or self.writeup_href)

    def neighbours(self) -> tuple["Neighbour | None", "Neighbour | None"]:
        """
        The published talks given just before and after this one (None where there
        is none), as links: their address and title.
        """
        found = published_neighbours(Talk, order="date", value=self.date, pk=self.pk)
        return tuple(Neighbour(*link) if link else None for link in found)

    def json_ld(self, *, co_speakers=None, tags=None) -> dict:
        """
        schema.org Event for search engines: the talk, inside the conference it was
        part of. `co_speakers` and `tags`: the talk's, when already loaded.
        """
        url = absolute_url(self.get_absolute_url())
        if self.city and self.is_online:
            mode = "https://schema.org/MixedEventAttendanceMode"
        elif self.city:
            mode = "https://schema.org/OfflineEventAttendanceMode"
        else:
            mode = "https://schema.org/OnlineEventAttendanceMode"
        locations = []
        if self.city:
            locations.append({"@type": "Place", "name": self.city, "address": self.city})
        if self.is_online:
            locations.append({"@type": "VirtualLocation", "url": self.event_url or url})
        performers = [{"@type": "Person", "name": settings.SITE_AUTHOR}]
        for co_speaker in self.co_speakers.all() if co_speakers is None else co_speakers:
            person = {"@type": "Person", "name": co_speaker.name}
            if co_speaker.url:
                person["url"] = co_speaker.url
            performers.append(person)
        data = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": self.title,
            "description": self.excerpt,
            "url": url,
            "startDate": self.date.isoformat(),
            "eventStatus": "https://schema.org/EventScheduled",
            "eventAttendanceMode": mode,
            "location": locations[0] if len(locations) == 1 else locations,
            "inLanguage": self.language,
            "performer": performers,
            "superEvent": {"@type": "Event", "name": self.event_name},
            "keywords": [tag.name for tag in (self.tags.all() if tags is None else tags)],
        }
        if self.event_url:
            data["superEvent"]["url"] = self.event_url
        if self.recording_url:
            data["recordedIn"] = {"@type": "CreativeWork", "url": self.recording_url}
        return data


class TalkLink(models.Model):
    """A further labelled link of a talk: the workshop, the code, a podcast episode."""

    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(
        max_length=100,
        help_text="What a visitor reads, e.g. “Code on GitHub” or “Podcast episode”.",
    )
    url = WebURLField("address")
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Links are listed by this number, smallest first."
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [web_url_constraint("url", prefix="talklink")]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return f"{self.talk.get_absolute_url()}#materials"


class CoSpeaker(models.Model):
    """Someone who gave the talk together with the site's author."""

    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="co_speakers")
    name = models.CharField(max_length=200)
    url = WebURLField("website", blank=True, help_text="Optional: their site or profile.")
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Co-speakers are named in this order, smallest first."
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "co-speaker"
        constraints = [web_url_constraint("url", prefix="cospeaker")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.talk.get_absolute_url()


@receiver([post_save, post_delete], sender=TalkLink)
@receiver([post_save, post_delete], sender=CoSpeaker)
def _touch_talk(sender, instance, **kwargs):
    """
    A talk's links and co-speakers are what its page and feed entries show: a change
    to one moves the talk's `updated_at`, which the cached page parts follow (see
    portal.fragments) and feeds date the change by.
    """
    Talk.objects.filter(pk=instance.talk_id).update(updated_at=timezone.now())
