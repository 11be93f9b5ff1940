import math
from typing import NamedTuple

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

from portal.links import absolute_url
from portal.markdown import count_words, excerpt_from_html
from portal.models import (
    Publishable,
    PublishableQuerySet,
    RedirectOnMoveMixin,
    RenderedMarkdownMixin,
)
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
        none, and for a post not published yet), as links: their address and
        title. One query for both: through the ORM the two cost a fifth of the
        post page, mostly in building and compiling them.
        """
        if self.published_at is None:
            return None, None
        table = connection.ops.quote_name(Post._meta.db_table)
        moment, now = _stored_time(self.published_at), _stored_time(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT * FROM (SELECT 0 AS side, slug, title FROM {table}"
                " WHERE published_at <= %s AND (published_at < %s OR (published_at = %s AND id < %s))"
                " ORDER BY published_at DESC, id DESC LIMIT 1) AS previous"
                f" UNION ALL SELECT * FROM (SELECT 1 AS side, slug, title FROM {table}"
                " WHERE published_at <= %s AND (published_at > %s OR (published_at = %s AND id > %s))"
                " ORDER BY published_at, id LIMIT 1) AS next",
                [now, moment, moment, self.pk] * 2,
            )
            found = {side: Neighbour(slug, title) for side, slug, title in cursor}
        return found.get(0), found.get(1)

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


def _stored_time(moment):
    """`moment` as the database stores publication times (SQLite: text in UTC)."""
    return Post._meta.get_field("published_at").get_db_prep_value(moment, connection)
