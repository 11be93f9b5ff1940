"""
What the apps contribute to search: a `SearchSource` per model, registered from
the app's own `<app>/search.py`, turns each object into a `Document`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet

from portal.plugins import Registry


@dataclass(frozen=True)
class Document:
    """What a source makes of one object: the text to search and how to show a hit."""

    title: str
    url: str
    date: datetime
    published_at: datetime | None  # None: a draft, never found
    body: str = ""  # plain text
    tags: Iterable[str] = ()  # tag names, or other keywords such as a paper's authors
    updated_at: datetime | None = None  # the sitemap's lastmod; `date` if None


class SearchSource:
    """
    One model's contribution to search. Subclass in `<app>/search.py` and register().

    `queryset()` lists every object that may have a document, drafts included (the
    document's `published_at` decides at search time), with what `to_document` needs
    already joined; `to_document` returns None for an object that must not be found.
    """

    model: type[models.Model]
    kind = ""  # "post": stored with each document, a CSS hook
    kind_label = ""  # "Post": what a visitor reads next to a result
    kind_label_plural = ""  # "Posts": the filter on the search page
    # The app's list page ("blog:post_list"), listed in the sitemap.
    listing_url_name: str | None = None
    # Documents whose page belongs in the sitemap.
    in_sitemap = True

    def queryset(self) -> QuerySet:
        return self.model._default_manager.all()

    def to_document(self, obj) -> Document | None:
        raise NotImplementedError

    def depends_on(self) -> dict[type[models.Model], Callable[[models.Model], Iterable[int]]]:
        """
        Other models whose changes change this source's documents, each with a function
        from a changed instance to the primary keys of the objects to re-index.
        Changes to the model's own taggit `tags` are followed without being listed.
        """
        return {}

    def __repr__(self):
        return f"<{type(self).__name__} {self.kind}>"


registry: Registry[SearchSource] = Registry("search", key=lambda source: source.kind)


def sources() -> list[SearchSource]:
    """Every registered source, in the order they were registered."""
    return list(registry)


def get_source(kind: str) -> SearchSource | None:
    return registry.get(kind)


def sources_for_model(model) -> list[SearchSource]:
    return [source for source in registry if source.model is model]


def has_tags(model) -> bool:
    from taggit.managers import TaggableManager

    try:
        return isinstance(model._meta.get_field("tags"), TaggableManager)
    except FieldDoesNotExist:
        return False
