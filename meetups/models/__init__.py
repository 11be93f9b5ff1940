"""
The paper club: a recurring `Series`, its numbered `Session`s, the `Paper`s
they read, and the ordered reading list between a session and its papers.
"""

import re
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Exists, F, Max, OuterRef, Prefetch, Q
from django.db.models.functions import Lower
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import dateformat, timezone
from taggit.managers import TaggableManager

from meetups.ordinals import ordinal
from meetups.zones import validate_time_zone, zone_label
from portal.fields import WebURLField
from portal.links import absolute_url
from portal.markdown import excerpt_from_html, plain_text
from portal.models import Publishable, PublishableQuerySet, Redirect, RenderedMarkdownMixin


class Weekday(models.IntegerChoices):
    # Python's date.weekday() numbering, so no translation is needed.
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class PaperKind(models.TextChoices):
    """The BibTeX entry type, so that exports name the venue the way citation styles expect."""

    ARTICLE = "article", "Journal article"
    INPROCEEDINGS = "inproceedings", "Conference or workshop paper"
    TECHREPORT = "techreport", "Technical report"
    BOOK = "book", "Book"
    THESIS = "phdthesis", "Thesis"
    MISC = "misc", "Preprint or other"


def _record_moves(moves: list[tuple[str, str]]) -> None:
    for old_path, new_path in moves:
        Redirect.record_move(old_path=old_path, new_path=new_path)


# --- Series ---------------------------------------------------------------------------


class SeriesQuerySet(models.QuerySet):
    def with_next_session(self):
        """Each series with `next_sessions`: its next published, not cancelled session (or none)."""
        upcoming = (
            Session.objects.published()
            .upcoming()
            .not_cancelled()
            .select_related("series")
            .order_by("starts_at")
        )
        return self.prefetch_related(Prefetch("sessions", upcoming[:1], to_attr="next_sessions"))


class Series(RenderedMarkdownMixin, models.Model):
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    markdown_fields = {"description": "description_html"}

    objects = SeriesQuerySet.as_manager()

    class Meta:
        ordering = ["-active", "name"]
        verbose_name_plural = "series"

    def __str__(self):
        return self.name

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

    # Paths that change with the slug; calendar subscriptions and feed readers must keep working.
    def _paths(self) -> list[str]:
        kwargs = {"series": self.slug}
        names = [
            "series_detail",
            "series_calendar",
            "series_bibtex",
            "series_feed_rss",
            "series_feed_atom",
        ]
        return [reverse(f"meetups:{name}", kwargs=kwargs) for name in names]

    def save(self, *args, **kwargs):
        previous = None
        if self.pk is not None:
            previous = Series.objects.filter(pk=self.pk).first()
        with transaction.atomic():
            super().save(*args, **kwargs)
            if previous is None:
                return
            self._carry_over_changes(previous)

    def _carry_over_changes(self, previous: "Series") -> None:
        if previous.slug != self.slug:
            moves = list(zip(previous._paths(), self._paths(), strict=True))
            for session in self.sessions.published():
                old_paths = session._paths(series_slug=previous.slug)
                moves += zip(old_paths, session._paths(), strict=True)
            _record_moves(moves)
        # A session without its own place takes the series': when that changes,
        # calendar clients must see a new SEQUENCE for those sessions.
        inherited = Q()
        for field in Session.PLACE_FIELDS:
            if getattr(previous, field) != getattr(self, field):
                inherited |= Q(**{field: ""})
        if inherited:
            self.sessions.filter(inherited).update(
                sequence=F("sequence") + 1, updated_at=timezone.now()
            )


# --- Session --------------------------------------------------------------------------


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

    def with_reading_list(self):
        """With `reading_list` entries (ordered) and their papers."""
        entries = ReadingListEntry.objects.select_related("paper").order_by("position", "pk")
        return self.prefetch_related(Prefetch("reading_list", queryset=entries))

    def for_display(self):
        """With everything a session card shows: series, tags, reading list."""
        return self.select_related("series").prefetch_related("tags").with_reading_list()


class Session(RenderedMarkdownMixin, Publishable):
    # Changes to these make calendar clients update the event: they raise `sequence`.
    PLACE_FIELDS = ("venue_name", "venue_address", "venue_map_url", "online_url")
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
    tags = TaggableManager(blank=True, related_name="sessions")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    markdown_fields = {"description": "description_html", "write_up": "write_up_html"}

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-number"]
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
        ]

    def __str__(self):
        return self.ordinal_name

    def get_absolute_url(self):
        return reverse(
            "meetups:session_detail", kwargs={"series": self.series.slug, "number": self.number}
        )

    def _paths(self, *, series_slug: str | None = None) -> list[str]:
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
    def location_text(self) -> str:
        """One line for calendars and feeds: “Lab 3, Example Street 1, Berlin” or the online URL."""
        venue = ", ".join(
            part
            for part in [self.place_venue_name, " ".join(self.place_venue_address.split())]
            if part
        )
        return venue or self.place_online_url

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

    def previous_session(self, queryset=None):
        """The session with the next lower number in the series (among `queryset`), or None."""
        queryset = Session.objects.published() if queryset is None else queryset
        return (
            queryset.filter(series_id=self.series_id, number__lt=self.number)
            .select_related("series")
            .order_by("-number")
            .first()
        )

    def next_session(self, queryset=None):
        queryset = Session.objects.published() if queryset is None else queryset
        return (
            queryset.filter(series_id=self.series_id, number__gt=self.number)
            .select_related("series")
            .order_by("number")
            .first()
        )

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

    # --- validation and saving ---

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

    def save(self, *args, **kwargs):
        with transaction.atomic():
            previous = None
            if self.pk is not None:
                previous = Session.objects.select_related("series").filter(pk=self.pk).first()
            if not self.number:
                # Lock the series so two sessions created at once cannot take the same number.
                Series.objects.select_for_update().filter(pk=self.series_id).first()
                self.number = self.series.next_session_number()
            if previous is not None and any(
                getattr(previous, field) != getattr(self, field) for field in self.SEQUENCED_FIELDS
            ):
                self.sequence = previous.sequence + 1
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "sequence", "updated_at"}
            super().save(*args, **kwargs)
            if previous is not None and previous.is_published():
                old_paths = previous._paths()
                _record_moves(list(zip(old_paths, self._paths(), strict=True)))

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


# --- Papers ---------------------------------------------------------------------------

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_ARXIV_PREFIX = re.compile(
    r"^(?:arxiv:\s*|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)", re.IGNORECASE
)
_ARXIV_NEW = re.compile(r"^\d{4}\.\d{4,5}$")
_ARXIV_OLD = re.compile(r"^[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}$")
_ARXIV_VERSION = re.compile(r"v\d+$")


def normalize_doi(value: str) -> str:
    """“https://doi.org/10.1145/ABC” or “doi:10.1145/ABC” → “10.1145/ABC”."""
    return _DOI_PREFIX.sub("", (value or "").strip()).strip()


def normalize_arxiv_id(value: str) -> str:
    """“arXiv:1608.06696v2” or its abs/pdf URL → “1608.06696” (every version is the same paper)."""
    value = _ARXIV_PREFIX.sub("", (value or "").strip()).strip()
    value = value.removesuffix(".pdf")
    return _ARXIV_VERSION.sub("", value)


class PaperQuerySet(models.QuerySet):
    def read_in_published_sessions(self):
        """Papers on the reading list of at least one published session."""
        read = ReadingListEntry.objects.filter(
            paper=OuterRef("pk"),
            session__published_at__isnull=False,
            session__published_at__lte=timezone.now(),
        )
        return self.filter(Exists(read))

    def with_readings(self):
        """With `published_readings`: the published sessions that read each paper, oldest first."""
        entries = (
            ReadingListEntry.objects.filter(
                session__published_at__isnull=False,
                session__published_at__lte=timezone.now(),
            )
            .select_related("session__series")
            .order_by("session__starts_at")
        )
        return self.prefetch_related(
            Prefetch("readings", queryset=entries, to_attr="published_readings")
        )

    def matching(self, *, query: str = "", author: str = "", tag: str = ""):
        queryset = self
        if query:
            queryset = queryset.filter(Q(title__icontains=query) | Q(authors__icontains=query))
        if author:
            queryset = queryset.filter(authors__icontains=author)
        if tag:
            tagged = ReadingListEntry.objects.filter(
                paper=OuterRef("pk"),
                session__tags__slug=tag,
                session__published_at__isnull=False,
                session__published_at__lte=timezone.now(),
            )
            queryset = queryset.filter(Exists(tagged))
        return queryset


class Paper(models.Model):
    title = models.CharField(max_length=500)
    authors = models.TextField(
        blank=True, help_text="One author per line, first name first: “Diego Ongaro”."
    )
    kind = models.CharField(
        max_length=20,
        choices=PaperKind.choices,
        default=PaperKind.INPROCEEDINGS,
        help_text="Decides how the venue is named in BibTeX (journal, booktitle, …).",
    )
    venue = models.CharField(
        max_length=300, blank=True, help_text="Journal, conference or publisher: “SOSP 2007”."
    )
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1000), MaxValueValidator(2999)]
    )
    doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        help_text="E.g. 10.1145/359545.359563 (a doi.org link is fine too).",
    )
    arxiv_id = models.CharField(
        "arXiv id", max_length=50, blank=True, help_text="E.g. 1608.06696 (versions are ignored)."
    )
    url = WebURLField("URL", max_length=500, blank=True, help_text="The paper's page.")
    pdf_url = WebURLField("PDF URL", max_length=500, blank=True)
    abstract = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PaperQuerySet.as_manager()

    class Meta:
        ordering = [Lower("title"), "year"]
        constraints = [
            # DOIs ignore case: 10.1109/ICPADS.2007.4447808 and …/icpads… are one paper.
            models.UniqueConstraint(
                Lower("doi"),
                condition=~Q(doi=""),
                name="meetups_paper_unique_doi",
                violation_error_message="A paper with this DOI is already in the library.",
            ),
            models.UniqueConstraint(
                fields=["arxiv_id"],
                condition=~Q(arxiv_id=""),
                name="meetups_paper_unique_arxiv_id",
                violation_error_message="A paper with this arXiv id is already in the library.",
            ),
        ]

    def __str__(self):
        year = f" ({self.year})" if self.year else ""
        return f"{self.title}{year}"

    def get_absolute_url(self):
        return reverse("papers:paper_detail", kwargs={"pk": self.pk})

    @property
    def author_list(self) -> list[str]:
        return [line.strip() for line in self.authors.splitlines() if line.strip()]

    @property
    def authors_text(self) -> str:
        """“Diego Ongaro and John Ousterhout”, “A, B and C”."""
        names = self.author_list
        if len(names) <= 1:
            return "".join(names)
        return f"{', '.join(names[:-1])} and {names[-1]}"

    @property
    def authors_short(self) -> str:
        """“Ongaro and Ousterhout”, “DeCandia et al.”."""
        surnames = [name.split()[-1] for name in self.author_list if name.split()]
        if len(surnames) > 2:
            return f"{surnames[0]} et al."
        return " and ".join(surnames)

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def arxiv_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""

    @property
    def arxiv_pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self.arxiv_id}" if self.arxiv_id else ""

    @property
    def best_url(self) -> str:
        """Where a reader should go first: the DOI, the arXiv page, the paper's page, the PDF."""
        return self.doi_url or self.arxiv_url or self.url or self.pdf_url

    @property
    def venue_text(self) -> str:
        """“SOSP 2007”, “ACM SIGACT News 32(4), 2001”, or just the year."""
        if self.year and str(self.year) not in self.venue:
            return ", ".join(part for part in [self.venue, str(self.year)] if part)
        return self.venue

    @property
    def citation_text(self) -> str:
        """“Diego Ongaro and John Ousterhout. In Search of … USENIX ATC 14, 2014.”."""
        parts = [self.authors_text, self.title, self.venue_text]
        return ". ".join(part.rstrip(".") for part in parts if part) + "."

    def clean(self):
        super().clean()
        self.doi = normalize_doi(self.doi)
        self.arxiv_id = normalize_arxiv_id(self.arxiv_id)
        self.authors = "\n".join(self.author_list)
        errors = {}
        if self.doi and not _DOI.match(self.doi):
            errors["doi"] = "Not a DOI: expected something like 10.1145/359545.359563."
        if self.arxiv_id and not (
            _ARXIV_NEW.match(self.arxiv_id) or _ARXIV_OLD.match(self.arxiv_id)
        ):
            errors["arxiv_id"] = "Not an arXiv id: expected something like 1608.06696."
        for field, label in [("doi", "DOI"), ("arxiv_id", "arXiv id")]:
            value = getattr(self, field)
            if value and field not in errors:
                lookup = "doi__iexact" if field == "doi" else field
                other = Paper.objects.filter(**{lookup: value}).exclude(pk=self.pk).first()
                if other is not None:
                    errors[field] = f"“{other.title}” already has this {label}."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.doi = normalize_doi(self.doi)
        self.arxiv_id = normalize_arxiv_id(self.arxiv_id)
        super().save(*args, **kwargs)

    def json_ld(self) -> dict:
        data = {"@type": "ScholarlyArticle", "name": self.title}
        if self.author_list:
            data["author"] = [{"@type": "Person", "name": name} for name in self.author_list]
        if self.year:
            data["datePublished"] = str(self.year)
        if self.best_url:
            data["url"] = self.best_url
        if self.doi:
            data["identifier"] = self.doi_url
        return data


class ReadingListEntry(models.Model):
    """One paper on a session's reading list, in order, with who presents it."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="reading_list")
    paper = models.ForeignKey(
        Paper,
        on_delete=models.PROTECT,
        related_name="readings",
        help_text="Search by title, author, DOI or arXiv id.",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order on the list; 0 puts the paper at the end."
    )
    presenter = models.CharField(max_length=200, blank=True, help_text="Who introduces the paper.")
    note = models.CharField(
        max_length=500, blank=True, help_text="E.g. “sections 1–5 only” or why we read it."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Positions are not unique: swapping two in the admin saves one row at a time.
        ordering = ["session_id", "position", "pk"]
        verbose_name = "reading list entry"
        verbose_name_plural = "reading list"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "paper"],
                name="meetups_reading_list_paper_once",
                violation_error_message="This paper is already on the reading list.",
            )
        ]

    def __str__(self):
        return f"{self.session}: {self.paper.title}"

    def get_absolute_url(self):
        return self.session.get_absolute_url()

    def save(self, *args, **kwargs):
        if not self.position:
            highest = (
                ReadingListEntry.objects.filter(session_id=self.session_id)
                .exclude(pk=self.pk)
                .aggregate(highest=Max("position"))["highest"]
            )
            self.position = (highest or 0) + 1
        super().save(*args, **kwargs)


@receiver([post_save, post_delete], sender=ReadingListEntry)
def _touch_session(sender, instance, **kwargs):
    """A changed reading list changes the session's calendar DESCRIPTION: move LAST-MODIFIED."""
    Session.objects.filter(pk=instance.session_id).update(updated_at=timezone.now())


# --- Subscriptions and announcements ----------------------------------------------------


def normalize_email(value: str) -> str:
    """
    “ Ada@Example.ORG ” → “Ada@example.org”: surrounding spaces go and the domain is
    lower-cased (domains ignore case; the part before @ belongs to the mailbox's owner).
    """
    value = (value or "").strip()
    local, at, domain = value.rpartition("@")
    if not at:
        return value
    return f"{local}@{domain.lower()}"


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", "Pending confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=SubscriptionStatus.CONFIRMED)

    def pending(self):
        return self.filter(status=SubscriptionStatus.PENDING)

    def unsubscribed(self):
        return self.filter(status=SubscriptionStatus.UNSUBSCRIBED)

    def of_address(self, email: str):
        """Every subscription of `email` (normalized first), with its series."""
        return self.filter(email=normalize_email(email)).select_related("series")


class Subscription(models.Model):
    """One email address following one series; only confirmed ones receive announcements."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="subscriptions")
    email = models.EmailField(max_length=254, help_text="Normalized: no spaces, domain lower-case.")
    status = models.CharField(
        max_length=20, choices=SubscriptionStatus.choices, default=SubscriptionStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    last_confirmation_sent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the last confirmation email was queued; another waits a while.",
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["email", "series_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "email"],
                name="meetups_subscription_once_per_series",
                violation_error_message="This address already follows this series.",
            )
        ]

    def __str__(self):
        return f"{self.email} ({self.series})"

    def get_absolute_url(self):
        return reverse("meetups:subscribe", kwargs={"series": self.series.slug})

    @property
    def is_confirmed(self) -> bool:
        return self.status == SubscriptionStatus.CONFIRMED


class AnnouncementKind(models.TextChoices):
    ANNOUNCEMENT = "announcement", "Announcement"
    REMINDER = "reminder", "Reminder"


class AnnouncementStatus(models.TextChoices):
    SENDING = "sending", "Sending"
    FINISHED = "finished", "Finished"


class AnnouncementQuerySet(models.QuerySet):
    def with_delivery_counts(self):
        """With `sent_count`, `failed_count`, `pending_count`, `skipped_count`."""
        return self.annotate(
            **{
                f"{status}_count": models.Count("deliveries", filter=Q(deliveries__status=status))
                for status in DeliveryStatus.values
            }
        )


class Announcement(models.Model):
    """
    One email about a session to every confirmed subscriber of its series. The
    subject and both bodies are fixed when it is created (what the organizer
    previewed is what goes out); each recipient's links are filled in at sending.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="announcements")
    kind = models.CharField(
        max_length=20, choices=AnnouncementKind.choices, default=AnnouncementKind.ANNOUNCEMENT
    )
    subject = models.CharField(max_length=200)
    body_text = models.TextField(editable=False)
    body_html = models.TextField(editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="club_announcements",
        help_text="Empty for reminders, which are sent by `send_reminders`.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=20, choices=AnnouncementStatus.choices, default=AnnouncementStatus.SENDING
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    request_key = models.UUIDField(
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="The preview form's one-time key: a form sent twice announces once.",
    )
    # Who is sending right now, and until when that claim holds without renewal: a
    # worker that dies loses it, and the next run takes over.
    lease_owner = models.CharField(max_length=64, blank=True, editable=False)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The one queued run allowed to continue this announcement; older ones stop at once.
    run_token = models.UUIDField(null=True, blank=True, editable=False)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(kind="reminder"),
                name="meetups_announcement_one_reminder_per_session",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"

    def get_absolute_url(self):
        return self.session.get_absolute_url()


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped (unsubscribed before sending)"


class Delivery(models.Model):
    """One announcement to one subscriber: sent once, or failed with the reason."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="deliveries"
    )
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(
        default=timezone.now, help_text="A temporary failure is retried from then on."
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "subscription"],
                name="meetups_delivery_once_per_subscriber",
            )
        ]
        indexes = [
            models.Index(
                fields=["announcement", "status", "next_attempt_at"],
                name="meetups_delivery_due",
            )
        ]

    def __str__(self):
        return f"{self.announcement.subject} → {self.subscription.email}"

    def get_absolute_url(self):
        return self.announcement.get_absolute_url()
