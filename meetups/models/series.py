"""A recurring club: its cadence, time zone and usual venue."""

from datetime import time, timedelta
from zoneinfo import ZoneInfo

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Max, Prefetch
from django.urls import reverse

from meetups.enums import Weekday
from meetups.zones import validate_time_zone
from portal.fields import WebURLField, web_url_constraint
from portal.markdown import excerpt_from_html
from portal.models import PublicPathsMixin, RenderedMarkdownMixin, redirects_record_moves


def address_lines(address: str) -> list[str]:
    """An address as written, one line each: ["Example Street 1", "10999 Berlin"]."""
    return [" ".join(line.split()) for line in address.splitlines() if line.strip()]


class SeriesQuerySet(models.QuerySet):
    def with_next_session(self):
        """Each series with `next_sessions`: its next published, not cancelled session (or none)."""
        # Found through the relation: the session module imports this one.
        sessions = self.model._meta.get_field("sessions").related_model.objects
        upcoming = (
            sessions.published()
            .upcoming()
            .not_cancelled()
            .select_related("series")
            .order_by("starts_at")
        )
        return self.prefetch_related(Prefetch("sessions", upcoming[:1], to_attr="next_sessions"))


class Series(PublicPathsMixin, RenderedMarkdownMixin, models.Model):
    # Where sessions take place unless a session names its own place.
    PLACE_FIELDS = ("venue_name", "venue_address", "venue_map_url", "online_url")

    name = models.CharField(max_length=200, help_text="E.g. “Distributed Systems Paper Club”.")
    slug = models.SlugField(
        max_length=100,
        unique=True,
        # Help text is HTML in the admin: a bare <slug> would vanish as an unknown tag.
        help_text="The address: /club/&lt;slug&gt;/. Changing it later leaves redirects behind.",
    )
    description = models.TextField(
        blank=True, help_text="Markdown: what the club reads and how a session goes."
    )
    description_html = models.TextField(editable=False, default="")
    time_zone = models.CharField(
        max_length=64,
        default="Europe/Berlin",
        validators=[validate_time_zone],
        help_text="IANA name, e.g. Europe/Berlin. Session times are entered and shown in this "
        "zone.",
    )
    venue_name = models.CharField(
        max_length=200, blank=True, help_text="Where sessions usually take place."
    )
    venue_address = models.TextField(blank=True)
    venue_map_url = WebURLField("map link", max_length=500, blank=True)
    online_url = WebURLField(
        "online URL",
        max_length=500,
        blank=True,
        help_text="Video call or stream; a session may override it.",
    )
    cadence_weeks = models.PositiveSmallIntegerField(
        "every N weeks",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="1: weekly, 2: every other week, …",
    )
    cadence_weekday = models.PositiveSmallIntegerField(
        "on", choices=Weekday.choices, default=Weekday.TUESDAY
    )
    cadence_time = models.TimeField(
        "at", default=time(19, 0), help_text="Local wall-clock time in the series' time zone."
    )
    duration_minutes = models.PositiveSmallIntegerField(
        "duration (minutes)",
        default=120,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
    )
    active = models.BooleanField(
        default=True, help_text="Inactive series keep their pages but are listed as paused."
    )
    remind_hours_before = models.PositiveSmallIntegerField(
        "remind N hours before",
        default=0,
        validators=[MaxValueValidator(24 * 14)],
        help_text="Email confirmed subscribers this many hours before each session; 0: no "
        "reminders.",
    )
    suggestions_need_approval = models.BooleanField(
        "suggestions need approval",
        default=False,
        help_text="Confirmed paper suggestions wait for your approval before they are listed.",
    )
    default_capacity = models.PositiveIntegerField(
        "places per session",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="How many can RSVP to a session before the waitlist starts; a session may "
        "say otherwise. Empty: no limit.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    markdown_fields = {"description": "description_html"}

    objects = SeriesQuerySet.as_manager()

    class Meta:
        ordering = ["-active", "name"]
        verbose_name_plural = "series"
        constraints = [
            web_url_constraint("venue_map_url", prefix="meetups_series"),
            web_url_constraint("online_url", prefix="meetups_series"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        previous = None
        if self.pk is not None:
            previous = Series.objects.filter(pk=self.pk).first()
        with transaction.atomic():
            super().save(*args, **kwargs)
            if previous is None:
                return
            self._carry_over_changes(previous)

    def get_absolute_url(self):
        return reverse("meetups:series_detail", kwargs={"series": self.slug})

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def excerpt(self) -> str:
        return excerpt_from_html(self.description_html)

    @property
    def venue_address_lines(self) -> list[str]:
        return address_lines(self.venue_address)

    @property
    def cadence_text(self) -> str:
        """“every other Tuesday, 19:00 Europe/Berlin”."""
        weekday = Weekday(self.cadence_weekday).label
        match self.cadence_weeks:
            case 1:
                rhythm = f"every {weekday}"
            case 2:
                rhythm = f"every other {weekday}"
            case weeks:
                # "every third Tuesday" reads like a monthly rule, so say it plainly.
                rhythm = f"every {weeks} weeks on {weekday}"
        return f"{rhythm}, {self.cadence_time:%H:%M} {self.time_zone}"

    def next_session_number(self) -> int:
        highest = self.sessions.aggregate(highest=Max("number"))["highest"]
        return (highest or 0) + 1

    def public_paths(self) -> list[str]:
        """The page, calendar, reading list, feeds and suggestions: they change with the slug."""
        kwargs = {"series": self.slug}
        names = [
            "series_detail",
            "series_calendar",
            "series_bibtex",
            "series_feed_rss",
            "series_feed_atom",
            "suggestion_list",
        ]
        return [reverse(f"meetups:{name}", kwargs=kwargs) for name in names]

    def paths_are_public(self) -> bool:
        # A series has no drafts: its pages are public from the start.
        return True

    def _carry_over_changes(self, previous: "Series") -> None:
        if previous.slug != self.slug:
            # The published sessions' addresses hold the series' slug too.
            old_paths, new_paths = previous.public_paths(), self.public_paths()
            for session in self.sessions.published():
                old_paths += session.public_paths(series_slug=previous.slug)
                new_paths += session.public_paths()
            redirects_record_moves(old_paths=old_paths, new_paths=new_paths)
        # A session without its own place takes the series': when that changes, the
        # session's calendar event changes too.
        moved = [
            field for field in self.PLACE_FIELDS if getattr(previous, field) != getattr(self, field)
        ]
        if moved:
            self.sessions.inheriting_place(moved).bump_calendar_sequence()
