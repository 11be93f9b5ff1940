"""Model building blocks every app shares: publishing rules, stored Markdown, redirects."""

from collections.abc import Sequence
from datetime import datetime

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from portal.fields import WebURLField, web_url_constraint
from portal.markdown import render_markdown


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"


class PublishableQuerySet(models.QuerySet):
    def published(self, *, now=None):
        """Items whose publication time has come (by `now`, the present by default): what visitors see."""
        # A draft's empty time compares as unknown, never as passed: `lte` alone leaves
        # drafts out, and every list page builds this filter on every visit.
        return self.filter(published_at__lte=timezone.now() if now is None else now)

    def drafts(self):
        return self.filter(published_at__isnull=True)

    def scheduled(self):
        return self.filter(published_at__gt=timezone.now())

    def visible_to(self, user):
        """Everything for staff (to preview drafts), the published items for everyone else."""
        if user.is_active and user.is_staff:
            return self.all()
        return self.published()


class Publishable(models.Model):
    """Empty `published_at` is a draft, a future one is scheduled, a past one is published."""

    published_at = models.DateTimeField(
        "publish at",
        null=True,
        blank=True,
        db_index=True,
        help_text="Leave empty for a draft; a future time schedules publication.",
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_published(self) -> bool:
        return self.published_at is not None and self.published_at <= timezone.now()

    is_published.boolean = True

    @property
    def publication_status(self) -> PublicationStatus:
        if self.published_at is None:
            return PublicationStatus.DRAFT
        if self.published_at > timezone.now():
            return PublicationStatus.SCHEDULED
        return PublicationStatus.PUBLISHED

    def publish(self, *, at=None) -> None:
        """Publish now (or at `at`); an already published item keeps its date."""
        if at is None and self.is_published():
            return
        self.published_at = at or timezone.now()
        self.save(update_fields=["published_at"])

    def unpublish(self) -> None:
        self.published_at = None
        self.save(update_fields=["published_at"])


class PublishedOnTimeline(Publishable):
    """
    A publishable item that has a moment of its own (a talk's day, a session's
    start), placed on the timeline by that moment, or by its publication when
    that came first: an upcoming talk is news when it is announced, not pinned
    above everything until it happens. The place is kept in `timeline_at` on every
    save, and indexed by the model (with the id), so the newest items are read in
    index order rather than worked out and sorted for every row on every visit.
    """

    timeline_at = models.DateTimeField(null=True, editable=False)

    # The fields the item's own moment is made of (by default, the first is that moment).
    moment_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.place_on_timeline()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"published_at", *self.moment_fields} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "timeline_at"}
        super().save(*args, **kwargs)

    def own_moment(self) -> datetime:
        return getattr(self, self.moment_fields[0])

    def place_on_timeline(self) -> None:
        """Set `timeline_at`, as save() does: for objects created in bulk, which skip it."""
        self.timeline_at = (
            None if self.published_at is None else min(self.published_at, self.own_moment())
        )


class RenderedMarkdownMixin:
    """
    Renders Markdown source fields into stored HTML fields on save, so pages never
    render Markdown per request. Set `markdown_fields = {"body": "body_html"}`.
    """

    markdown_fields: dict[str, str] = {}

    def render_markdown_fields(self) -> None:
        for source, target in self.markdown_fields.items():
            setattr(self, target, render_markdown(getattr(self, source)))

    def save(self, *args, **kwargs):
        self.render_markdown_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            update_fields = set(update_fields)
            update_fields |= {
                target for source, target in self.markdown_fields.items() if source in update_fields
            }
            kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)


class Redirect(models.Model):
    """An old address that answers with a permanent redirect (renamed slugs, imported sites)."""

    old_path = models.CharField(
        max_length=500, unique=True, help_text="The path that used to answer, e.g. /blog/old-slug/."
    )
    new_path = models.CharField(max_length=500, help_text="Where it lives now.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]

    def __str__(self):
        return f"{self.old_path} → {self.new_path}"

    @classmethod
    def record_move(cls, *, old_path: str, new_path: str) -> None:
        """Make `old_path` answer with `new_path`, and re-point earlier moves to it."""
        if old_path == new_path:
            return
        cls.objects.filter(new_path=old_path).update(new_path=new_path)
        cls.objects.update_or_create(old_path=old_path, defaults={"new_path": new_path})
        # The thing lives at new_path again: a redirect away from it would loop.
        cls.objects.filter(old_path=new_path).delete()


def redirects_record_moves(*, old_paths: Sequence[str], new_paths: Sequence[str]) -> None:
    """Make each old path answer with a permanent redirect to the new path in its place."""
    for old_path, new_path in zip(old_paths, new_paths, strict=True):
        Redirect.record_move(old_path=old_path, new_path=new_path)


class PublicPathsMixin:
    """
    An item whose addresses visitors keep: bookmarks, feed readers, calendar
    subscriptions. Once visitors may know them, changing them (a new slug, a new
    number) leaves permanent redirects behind. A model lists its addresses in
    `public_paths()`, and calls `record_moves()` when it saves.
    """

    def public_paths(self) -> list[str]:
        """Every address of the item a visitor may have kept, always in the same order."""
        return [self.get_absolute_url()]

    def paths_are_public(self) -> bool:
        """Whether visitors may know the item's addresses: a draft's were never shown."""
        return self.is_published()

    def record_moves(self, *, previous: "PublicPathsMixin | None") -> None:
        """Redirect the addresses of `previous` (this item as it was stored) to its current ones."""
        if previous is not None and previous.paths_are_public():
            redirects_record_moves(old_paths=previous.public_paths(), new_paths=self.public_paths())


class RedirectOnMoveMixin(PublicPathsMixin):
    """PublicPathsMixin for a model with nothing else to do on save: it compares with the stored row."""

    def save(self, *args, **kwargs):
        previous = None
        if self.pk is not None:
            previous = type(self)._default_manager.filter(pk=self.pk).first()
        super().save(*args, **kwargs)
        self.record_moves(previous=previous)


class StoredSearchVectorField(SearchVectorField):
    """
    django.contrib.postgres's SearchVectorField, without its check that the app is in
    INSTALLED_APPS: the column exists on every database but only PostgreSQL fills and
    reads it, and nothing the app adds (hstore, range types, unaccent or trigram
    lookups) is used. With "django.contrib.postgres" installed this subclass can go.
    """

    def _check_postgres_installed(self, *args):
        return []


class SearchDocument(models.Model):
    """
    One searchable page (a post, a talk, a session, a paper…) as site search sees
    it. Written only by `portal.search`, from the sources apps register there.
    """

    # Small columns first: SQLite reads a row's columns in order, and the search
    # filters on these for thousands of rows without touching the long texts.
    kind = models.CharField(max_length=30, help_text="The source's kind: “post”, “talk”, …")
    object_id = models.PositiveBigIntegerField(help_text="Primary key of the indexed object.")
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="The document matches from this time on; empty: never (a draft).",
    )
    date = models.DateTimeField(help_text="The date shown with the result.")
    updated_at = models.DateTimeField(help_text="The object's last change: the sitemap's lastmod.")
    in_sitemap = models.BooleanField(default=True)
    url = models.CharField(max_length=500)
    title = models.CharField(max_length=500)
    tags = models.TextField(
        blank=True, help_text="Tag names and other keywords; they rank between title and body."
    )
    body = models.TextField(blank=True, help_text="Plain text; snippets are cut from it.")
    # What the engine indexes: the same text with accents folded (portal.search.fold),
    # so that PostgreSQL and SQLite match the same words.
    index_title = models.TextField(blank=True, editable=False)
    index_tags = models.TextField(blank=True, editable=False)
    index_body = models.TextField(blank=True, editable=False)
    # PostgreSQL only (weights: title A, tags B, body C); SQLite indexes with FTS5 instead.
    search_vector = StoredSearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="portal_searchdocument_one_per_object"
            )
        ]

    def __str__(self):
        return f"{self.kind}: {self.title}"

    def get_absolute_url(self):
        return self.url


class Profile(RenderedMarkdownMixin, models.Model):
    """
    Who runs the site, for the block at the top of the home page: one row, which
    the organizer edits in the admin. Without it the home page shows SITE_AUTHOR.
    """

    name = models.CharField(max_length=200, help_text="Your name, as visitors should read it.")
    photo = models.ImageField(
        upload_to="profile/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
        help_text="A JPEG, PNG or WebP picture, shown small and round; larger ones are scaled "
        "down to 320 pixels.",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_description = models.CharField(
        max_length=200,
        blank=True,
        help_text="What the photo shows, for those who cannot see it (e.g. “Ada at a "
        "whiteboard”). Empty: “Photo of <name>”.",
    )
    bio = models.TextField(
        blank=True,
        help_text="A few lines about you, in Markdown: what you work on and write about.",
    )
    bio_html = models.TextField(editable=False, default="")
    email = models.EmailField(
        blank=True, help_text="Shown as “Contact” on the home page and in the footer's link to it."
    )
    updated_at = models.DateTimeField(auto_now=True)

    markdown_fields = {"bio": "bio_html"}

    class Meta:
        verbose_name = "profile"
        verbose_name_plural = "profile"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return "/#about"

    @property
    def photo_alt(self) -> str:
        return self.photo_description or f"Photo of {self.name}"


class ProfileLink(models.Model):
    """One of the organizer's profiles elsewhere (Mastodon, GitHub, …), linked with rel="me"."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(max_length=60, help_text="What the link reads, e.g. “Mastodon”.")
    url = WebURLField(
        "address", help_text="Your profile page there, e.g. https://mastodon.social/@ada."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [web_url_constraint("url", prefix="profilelink")]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return self.url


@receiver([post_save, post_delete], sender=ProfileLink)
def _touch_profile(sender, instance, **kwargs):
    """The home page shows the profile's links: a change to one moves the profile's `updated_at`."""
    Profile.objects.filter(pk=instance.profile_id).update(updated_at=timezone.now())
