import math

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F
from django.urls import reverse
from taggit.managers import TaggableManager

from portal.links import absolute_url
from portal.markdown import count_words, excerpt_from_html
from portal.models import (
    Publishable,
    PublishableQuerySet,
    RedirectOnMoveMixin,
    RenderedMarkdownMixin,
)
from portal.queries import next_in, previous_in
from portal.tagging import TagsManager

WORDS_READ_PER_MINUTE = 220

not_only_digits = RegexValidator(
    r"^\d+$",
    inverse_match=True,
    message="A slug of digits only would clash with the yearly archive (/blog/2024/).",
)


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

    def previous_post(self):
        """The published post just before this one, or None."""
        return previous_in(_neighbours(), self, order=("published_at", "pk"))

    def next_post(self):
        """The published post just after this one, or None."""
        return next_in(_neighbours(), self, order=("published_at", "pk"))

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


def _neighbours():
    # A neighbour is a link (its address and title): not its body and rendered HTML.
    return Post.objects.published().only("slug", "title", "published_at")
