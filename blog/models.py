import math
from datetime import UTC, datetime
from typing import NamedTuple

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from taggit.managers import TaggableManager

from portal.links import absolute_url
from portal.markdown import count_words, excerpt_from_html
from portal.models import (
    Publishable,
    PublishableQuerySet,
    RedirectOnMoveMixin,
    RenderedMarkdownMixin,
)
from portal.queries import published_neighbours
from portal.tagging import TagsManager

WORDS_READ_PER_MINUTE = 220

not_only_digits = RegexValidator(
    r"^\d+$",
    inverse_match=True,
    message="A slug of digits only would clash with the yearly archive (/blog/2024/).",
)


class Neighbour(NamedTuple):
    """A post as the link to it from the one before or after: its address and title."""

    slug: str
    title: str

    def get_absolute_url(self):
        return reverse("blog:post_detail", kwargs={"slug": self.slug})


class PostQuerySet(PublishableQuerySet):
    def for_display(self):
        """With the author and tags every post page and list shows."""
        return self.select_related("author").prefetch_related("tags")

    def entry_keys(self):
        """
        What a list needs to know of each post before it shows the post's entry:
        its key and everything the entry shows that can change, tags aside.
        """
        return self.values_list(
            "pk",
            "updated_at",
            "published_at",
            "author__first_name",
            "author__last_name",
            "author__username",
            named=True,
        )

    def archive(self) -> "Archive":
        """
        How many posts are published, and in which years (in the site's time zone).
        SQLite works out a date's year in Python, one call per post, so the years
        are not asked for: the first and last are those of the oldest and newest
        post, and the years between are each checked for a post. Two small queries,
        written out: through the ORM they cost a fifth of the blog's list.
        """
        now = _stored_time(timezone.now())
        table = connection.ops.quote_name(Post._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*), MIN(published_at), MAX(published_at) FROM {table}"
                " WHERE published_at <= %s",
                [now],
            )
            count, oldest, newest = cursor.fetchone()
        if not count:
            return Archive(0, [])
        first, last = (timezone.localtime(_read_time(value)).year for value in (oldest, newest))
        between = range(first + 1, last)
        with_posts = {first, last} | (_years_with_posts(between, now=now) if between else set())
        years = [year for year in range(last, first - 1, -1) if year in with_posts]
        return Archive(count, years)


class Archive(NamedTuple):
    count: int
    years: list[int]  # newest first


class Post(RedirectOnMoveMixin, RenderedMarkdownMixin, Publishable):
    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        validators=[not_only_digits],
        # Help text is HTML in the admin: a bare <slug> would vanish as an unknown tag.
        help_text="The post's address: /blog/&lt;slug&gt;/. Changing it later leaves a redirect behind.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    body = models.TextField(help_text="Markdown: fenced code, tables, footnotes and some HTML.")
    body_html = models.TextField(editable=False, default="")
    summary = models.TextField(
        blank=True,
        help_text="One or two sentences for lists, feeds and link previews. "
        "Empty: the first paragraph is used.",
    )
    tags = TaggableManager(blank=True, related_name="posts", manager=TagsManager)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    markdown_fields = {"body": "body_html"}

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = [F("published_at").desc(nulls_first=True), "-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("blog:post_detail", kwargs={"slug": self.slug})

    @property
    def excerpt(self) -> str:
        return self.summary or excerpt_from_html(self.body_html)

    @property
    def author_name(self) -> str:
        return self.author.get_full_name() or self.author.get_username()

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(count_words(self.body_html) / WORDS_READ_PER_MINUTE))

    def neighbours(self) -> tuple["Neighbour | None", "Neighbour | None"]:
        """
        The published posts just before and after this one (None where there is
        none, and for a post not published yet), as links: their address and title.
        """
        if self.published_at is None:
            return None, None
        found = published_neighbours(
            Post, order="published_at", value=self.published_at, pk=self.pk
        )
        return tuple(Neighbour(*link) if link else None for link in found)

    def json_ld(self) -> dict:
        """schema.org BlogPosting for search engines."""
        data = {
            "@context": "https://schema.org",
            "@type": "BlogPosting",
            "headline": self.title,
            "description": self.excerpt,
            "url": absolute_url(self.get_absolute_url()),
            "author": {"@type": "Person", "name": self.author_name},
            "dateModified": self.updated_at.isoformat() if self.updated_at else None,
            "keywords": [tag.name for tag in self.tags.all()],
        }
        if self.published_at:
            data["datePublished"] = self.published_at.isoformat()
        return data


def _years_with_posts(years: range, *, now: str) -> set[int]:
    """Which of `years` have a post published by `now` (as stored), in one query."""
    starts = [_stored_time(timezone.make_aware(datetime(year, 1, 1))) for year in years]
    ends = [*starts[1:], _stored_time(timezone.make_aware(datetime(years[-1] + 1, 1, 1)))]
    table = connection.ops.quote_name(Post._meta.db_table)
    # One look-up in the index of publication times per year, not a pass over every post.
    checks = ", ".join(
        f"EXISTS (SELECT 1 FROM {table} WHERE published_at >= %s AND published_at < %s"
        " AND published_at <= %s)"
        for _ in years
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {checks}",
            [value for pair in zip(starts, ends, strict=True) for value in (*pair, now)],
        )
        row = cursor.fetchone()
    return {year for year, found in zip(years, row, strict=True) if found}


def _stored_time(moment):
    """`moment` as the database stores publication times (SQLite: text in UTC)."""
    return Post._meta.get_field("published_at").get_db_prep_value(moment, connection)


def _read_time(value) -> datetime:
    """A publication time as a query written out reads it (SQLite: text in UTC)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)
