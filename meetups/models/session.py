"""A numbered meeting of a series: its time, place, reading list and write-up."""

import uuid
from datetime import datetime

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import ordinal
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import F, Prefetch, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import dateformat, timezone
from taggit.managers import TaggableManager

from meetups.enums import SessionStatus
from meetups.models.paper import Paper, ReadingListEntry
from meetups.models.series import Series, address_lines
from meetups.zones import zone_label
from portal.fields import WebURLField, web_url_constraint
from portal.links import absolute_url
from portal.markdown import excerpt_from_html, plain_text
from portal.models import (
    PublicPathsMixin,
    PublishableQuerySet,
    PublishedOnTimeline,
    RenderedMarkdownMixin,
)
from portal.queries import next_in, previous_in
from portal.tagging import TagsManager


class SessionQuerySet(PublishableQuerySet):
    def upcoming(self, *, now: datetime | None = None):
        """Sessions that have not ended yet (one in progress still counts)."""
        return self.filter(ends_at__gt=now or timezone.now())

    def past(self, *, now: datetime | None = None):
        return self.filter(ends_at__lte=now or timezone.now())

    def not_cancelled(self):
        return self.exclude(status=SessionStatus.CANCELLED)

    def cancelled(self):
        return self.filter(status=SessionStatus.CANCELLED)

    def inheriting_place(self, fields):
        """The sessions that show the series' value of any of `fields` (having none of their own)."""
        inherited = Q()
        for field in fields:
            inherited |= Q(**{field: ""})
        return self.filter(inherited) if inherited else self.none()

    def bump_calendar_sequence(self) -> int:
        """
        Raise the SEQUENCE of these sessions, whose time, place or status changed without
        their own save(); returns how many there were. LAST-MODIFIED moves with it.
        """
        return self.update(sequence=F("sequence") + 1, updated_at=timezone.now())

    def with_reading_list(self):
        """With `reading_list` entries (ordered) and their papers."""
        entries = ReadingListEntry.objects.select_related("paper").order_by("position", "pk")
        return self.prefetch_related(Prefetch("reading_list", queryset=entries))

    def for_display(self):
        """With everything a session card shows: series, tags, reading list."""
        return self.select_related("series").prefetch_related("tags").with_reading_list()


class Session(PublicPathsMixin, RenderedMarkdownMixin, PublishedOnTimeline):
    # Changes to these make calendar clients update the event: they raise `sequence`.
    PLACE_FIELDS = Series.PLACE_FIELDS
    SEQUENCED_FIELDS = ("starts_at", "ends_at", "status", *PLACE_FIELDS)

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveIntegerField(
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="“20” for the 20th session. Leave empty for the next free number.",
    )
    uid = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Calendar identity of the event; never changes.",
    )
    title = models.CharField(
        "title or topic",
        max_length=200,
        blank=True,
        help_text="E.g. “DHT security”. Empty: the session is shown by its number only.",
    )
    starts_at = models.DateTimeField("starts", db_index=True)
    moment_fields = ("starts_at",)  # its place on the timeline (see PublishedOnTimeline)
    ends_at = models.DateTimeField("ends")
    venue_name = models.CharField(max_length=200, blank=True, help_text="Empty: the series' venue.")
    venue_address = models.TextField(blank=True, help_text="Empty: the series' venue address.")
    venue_map_url = WebURLField("map link", max_length=500, blank=True)
    online_url = WebURLField(
        "online URL", max_length=500, blank=True, help_text="Empty: the series' online URL."
    )
    description = models.TextField(
        blank=True, help_text="Markdown: what we will read and why (shown before the session)."
    )
    description_html = models.TextField(editable=False, default="")
    write_up = models.TextField(
        blank=True, help_text="Markdown: what was discussed (added after the session)."
    )
    write_up_html = models.TextField(editable=False, default="")
    status = models.CharField(
        max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    cancellation_reason = models.TextField(
        blank=True, help_text="Shown on the page, in feeds and in calendars."
    )
    sequence = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="iCalendar SEQUENCE: grows whenever time, place or status changes.",
    )
    capacity = models.PositiveIntegerField(
        "places",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="How many can RSVP before the waitlist starts. Empty: the series' number "
        "of places (if it has none, no limit).",
    )
    rsvps_closed = models.BooleanField(
        "RSVPs closed",
        default=False,
        help_text="Take no more RSVPs (those given stay). They also close when the session starts.",
    )
    tags = TaggableManager(blank=True, related_name="sessions", manager=TagsManager)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    markdown_fields = {"description": "description_html", "write_up": "write_up_html"}

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-number"]
        indexes = [models.Index(fields=["timeline_at", "id"], name="meetups_session_timeline")]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "number"],
                name="meetups_session_unique_number_per_series",
                violation_error_message="This number is already taken in the series.",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="meetups_session_ends_after_start",
                violation_error_message="A session must end after it starts.",
            ),
            web_url_constraint("venue_map_url", prefix="meetups_session"),
            web_url_constraint("online_url", prefix="meetups_session"),
        ]

    def __str__(self):
        return self.ordinal_name

    def save(self, *args, **kwargs):
        with transaction.atomic():
            previous = None
            if self.pk is not None:
                previous = Session.objects.select_related("series").filter(pk=self.pk).first()
            if not self.number:
                # Lock the series so two sessions created at once cannot take the same number.
                Series.objects.select_for_update().filter(pk=self.series_id).first()
                self.number = self.series.next_session_number()
            bumped = previous is not None and self.bump_calendar_sequence_if_changed(previous)
            if bumped and kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "sequence", "updated_at"}
            super().save(*args, **kwargs)
            self.record_moves(previous=previous)

    def get_absolute_url(self):
        return reverse(
            "meetups:session_detail", kwargs={"series": self.series.slug, "number": self.number}
        )

    def public_paths(self, *, series_slug: str | None = None) -> list[str]:
        """The page, calendar event and reading list (under `series_slug`, else the series')."""
        kwargs = {"series": series_slug or self.series.slug, "number": self.number}
        names = ["session_detail", "session_calendar", "session_bibtex"]
        return [reverse(f"meetups:{name}", kwargs=kwargs) for name in names]

    # --- naming ---

    @property
    def ordinal_name(self) -> str:
        """“20th Distributed Systems Paper Club”."""
        if self.number is None:
            return f"New session of {self.series.name}"
        return f"{ordinal(self.number)} {self.series.name}"

    @property
    def title_in_series(self) -> str:
        """“20th: DHT security” (or “20th session”): on its series' own page, the name is known."""
        if self.number is None:
            return self.title or "New session"
        return (
            f"{ordinal(self.number)}: {self.title}"
            if self.title
            else f"{ordinal(self.number)} session"
        )

    @property
    def display_title(self) -> str:
        """“20th Distributed Systems Paper Club: DHT security”."""
        if self.title:
            return f"{self.ordinal_name}: {self.title}"
        return self.ordinal_name

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    # --- time, shown in the series' zone ---

    @property
    def local_start(self) -> datetime:
        return timezone.localtime(self.starts_at, self.series.zone)

    @property
    def local_end(self) -> datetime:
        return timezone.localtime(self.ends_at, self.series.zone)

    @property
    def zone_label(self) -> str:
        return zone_label(self.local_start)

    @property
    def date_text(self) -> str:
        """“Tuesday, 13 January 2026”."""
        return dateformat.format(self.local_start, "l, j F Y")

    @property
    def time_text(self) -> str:
        """“19:00–21:00 CET (Europe/Berlin)”; an end on another day carries its date."""
        start, end = self.local_start, self.local_end
        end_format = "H:i" if end.date() == start.date() else "j F, H:i"
        return (
            f"{dateformat.format(start, 'H:i')}–{dateformat.format(end, end_format)} "
            f"{self.zone_label}"
        )

    @property
    def when_text(self) -> str:
        """“Tuesday, 13 January 2026, 19:00–21:00 CET (Europe/Berlin)”."""
        return f"{self.date_text}, {self.time_text}"

    def is_upcoming(self) -> bool:
        return self.ends_at > timezone.now()

    # --- place: the session's own, else the series' ---

    @property
    def place_venue_name(self) -> str:
        return self.venue_name or self.series.venue_name

    @property
    def place_venue_address(self) -> str:
        return self.venue_address or self.series.venue_address

    @property
    def place_map_url(self) -> str:
        return self.venue_map_url or self.series.venue_map_url

    @property
    def place_online_url(self) -> str:
        return self.online_url or self.series.online_url

    @property
    def place_address_lines(self) -> list[str]:
        """The address as written, one line each: ["Example Street 1", "10999 Berlin"]."""
        return address_lines(self.place_venue_address)

    @property
    def venue_text(self) -> str:
        """“Lab 3, Example Street 1, 10999 Berlin”, or "" for a session online only."""
        return ", ".join(
            part for part in [self.place_venue_name, *self.place_address_lines] if part
        )

    @property
    def location_text(self) -> str:
        """One line for calendars and feeds: the venue (see `venue_text`) or the online URL."""
        return self.venue_text or self.place_online_url

    # --- RSVPs ---

    @property
    def places(self) -> int | None:
        """How many may be going: the session's own number, else the series'; None: no limit."""
        return self.capacity if self.capacity is not None else self.series.default_capacity

    def rsvp_closed_reason(self, *, now: datetime | None = None) -> str:
        """Why no RSVP is taken now ("cancelled", "started", "closed"), or "" when they are."""
        if self.is_cancelled:
            return "cancelled"
        if self.starts_at <= (now or timezone.now()):
            return "started"
        if self.rsvps_closed:
            return "closed"
        return ""

    # --- the reading list ---

    def papers(self) -> list["Paper"]:
        return [entry.paper for entry in self.reading_list.all()]

    @property
    def excerpt(self) -> str:
        """What a list or feed shows under the title."""
        if self.is_cancelled:
            reason = f" {self.cancellation_reason}" if self.cancellation_reason else ""
            return f"Cancelled.{reason}"
        text = excerpt_from_html(self.description_html, words=40)
        if not text:
            titles = [entry.paper.title for entry in self.reading_list.all()]
            text = f"Reading: {'; '.join(titles)}." if titles else ""
        return text

    # --- neighbours ---

    def _series_sessions(self, queryset):
        queryset = Session.objects.published() if queryset is None else queryset
        # A neighbour is a link (its number and title): not its texts and reading list.
        return queryset.filter(series_id=self.series_id).only("series_id", "number", "title")

    def _in_series(self, neighbour: "Session | None") -> "Session | None":
        if neighbour is not None:
            neighbour.series = self.series  # the same series: no join to fetch it again
        return neighbour

    def previous_session(self, queryset=None):
        """The session with the next lower number in the series (among `queryset`), or None."""
        return self._in_series(
            previous_in(self._series_sessions(queryset), self, order=("number",))
        )

    def next_session(self, queryset=None):
        """The session with the next higher number in the series (among `queryset`), or None."""
        return self._in_series(next_in(self._series_sessions(queryset), self, order=("number",)))

    # --- state changes ---

    def cancel(self, *, reason: str = "") -> None:
        """Cancel the session: it stays visible, marked, and keeps its number."""
        self.status = SessionStatus.CANCELLED
        self.cancellation_reason = reason.strip()
        self.save()

    def reinstate(self) -> None:
        """Undo a cancellation."""
        self.status = SessionStatus.SCHEDULED
        self.cancellation_reason = ""
        self.save()

    # --- the calendar event ---

    def bump_calendar_sequence_if_changed(self, previous: "Session") -> bool:
        """
        Raise `sequence` past `previous`'s if calendar clients must update the event
        (its time, place or status changed); returns whether it did.
        """
        if all(getattr(previous, field) == getattr(self, field) for field in self.SEQUENCED_FIELDS):
            return False
        self.sequence = previous.sequence + 1
        return True

    def calendar_state(self) -> dict:
        """What calendars show of the session's time, place and status, as JSON values."""
        return {
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.ends_at.isoformat(),
            "venue": self.venue_text,
            "online_url": self.place_online_url,
            "map_url": self.place_map_url,
            "status": self.status,
        }

    def calendar_changes_since(self, state: dict | None) -> list[tuple[str, str, str]]:
        """
        What changed of time, place and status since `state` (a `calendar_state()`
        of earlier), as (what, before, now) in words, times in the series' zone.
        With no `state`, every item as it is now, with nothing before.
        """
        now = self.calendar_state()
        before = state or {}
        then = Session(
            series=self.series,
            starts_at=datetime.fromisoformat(before.get("starts_at", now["starts_at"])),
            ends_at=datetime.fromisoformat(before.get("ends_at", now["ends_at"])),
        )
        rows = [
            ("When", then.when_text, self.when_text, ("starts_at", "ends_at")),
            ("Where", before.get("venue", ""), now["venue"], ("venue",)),
            ("Online", before.get("online_url", ""), now["online_url"], ("online_url",)),
            ("Map", before.get("map_url", ""), now["map_url"], ("map_url",)),
            (
                "Status",
                SessionStatus(before.get("status", now["status"])).label,
                self.get_status_display(),
                ("status",),
            ),
        ]
        if state is None:
            return [(label, "", new) for label, _, new, _ in rows if new]
        # A key an older state lacks was not told, so it cannot have changed since.
        return [
            (label, old, new)
            for label, old, new, keys in rows
            if any(key in before and before[key] != now[key] for key in keys)
        ]

    # --- validation ---

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The session must end after it starts."
        if self.series_id and self.number:
            taken = Session.objects.filter(series_id=self.series_id, number=self.number)
            if self.pk:
                taken = taken.exclude(pk=self.pk)
            if taken.exists():
                errors["number"] = (
                    f"The {ordinal(self.number)} session already exists in this series; "
                    f"the next free number is {self.series.next_session_number()}."
                )
        if errors:
            raise ValidationError(errors)

    def json_ld(self) -> dict:
        """schema.org Event for search engines."""
        online, venue = self.place_online_url, self.place_venue_name or self.place_venue_address
        locations = []
        if venue:
            place = {"@type": "Place", "name": self.place_venue_name or self.place_venue_address}
            if self.place_venue_address:
                place["address"] = " ".join(self.place_venue_address.split())
            if self.place_map_url:
                place["hasMap"] = self.place_map_url
            locations.append(place)
        if online:
            locations.append({"@type": "VirtualLocation", "url": online})
        if venue and online:
            mode = "MixedEventAttendanceMode"
        elif online:
            mode = "OnlineEventAttendanceMode"
        else:
            mode = "OfflineEventAttendanceMode"
        data = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": self.display_title,
            "startDate": self.local_start.isoformat(),
            "endDate": self.local_end.isoformat(),
            "eventStatus": "https://schema.org/"
            + ("EventCancelled" if self.is_cancelled else "EventScheduled"),
            "eventAttendanceMode": f"https://schema.org/{mode}",
            "url": absolute_url(self.get_absolute_url()),
            "description": self.excerpt or plain_text(self.series.description_html)[:300],
            "organizer": {"@type": "Person", "name": settings.SITE_AUTHOR},
            "isAccessibleForFree": True,
            "superEvent": {
                "@type": "EventSeries",
                "name": self.series.name,
                "url": absolute_url(self.series.get_absolute_url()),
            },
            "about": [
                paper.json_ld() for paper in (entry.paper for entry in self.reading_list.all())
            ],
        }
        if locations:
            data["location"] = locations[0] if len(locations) == 1 else locations
        return data


@receiver([post_save, post_delete], sender=ReadingListEntry)
def _touch_session(sender, instance, **kwargs):
    """A changed reading list changes the session's calendar DESCRIPTION: move LAST-MODIFIED."""
    Session.objects.filter(pk=instance.session_id).update(updated_at=timezone.now())


@receiver(post_save, sender=Paper)
def _touch_sessions_reading(sender, instance, created, **kwargs):
    """
    An edited paper changes the reading list of every session that reads it, as a
    changed entry does: their calendar DESCRIPTION, and what their entries show
    (their versions follow `updated_at`, see portal.fragments).
    """
    if not created:
        Session.objects.filter(reading_list__paper=instance).update(updated_at=timezone.now())
