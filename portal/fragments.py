"""
Rendered entries of long lists, kept in the cache one item at a time.

A list page (the blog, the talks, a series' past sessions) shows the same entry
for an item on every visit until the item changes. `render_each` renders each
item's entry once and then reads it back, all the entries of a page in one
cache round trip. An entry's key is its template and the item's `version`: a
tuple of everything the entry shows that can change (the item's `updated_at`,
its tags, a related object's name…), so a changed item gets a new key at once
and nothing is ever invalidated by hand; old entries simply expire.

Unlike the page cache, these entries survive content changes elsewhere: after
a new post, every page is built again, but only the new post's entry is rendered.
"""

import functools
import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from taggit.models import TaggedItem

from portal.queries import PreparedQuery

FRAGMENT_SECONDS = 7 * 24 * 3600


def cache_get_many(keys: list[str]) -> dict[str, str]:
    return cache.get_many(keys) if keys else {}


def cache_set_many(fragments: dict[str, str]) -> None:
    if fragments:
        cache.set_many(fragments, FRAGMENT_SECONDS)


def fragment_key(template_name: str, version: tuple) -> str:
    digest = hashlib.blake2b(repr(version).encode(), digest_size=16).hexdigest()
    return f"fragment:{template_name}:{digest}"


def render_each(
    template_name: str,
    items: Iterable[Any],
    *,
    name: str,
    version: Callable[[Any], tuple],
) -> list[SafeString]:
    """
    The HTML of `template_name` (a template or "template#partial") for each of
    `items`, rendered with the item as `name` (and nothing else: an entry is the
    same for every visitor), from the cache where its `version` is there already.
    """
    items: Sequence[Any] = list(items)
    keys = [fragment_key(template_name, version(item)) for item in items]
    found = cache_get_many(keys)
    rendered = {}
    template = None
    for key, item in zip(keys, items, strict=True):
        if key not in found and key not in rendered:
            template = template or get_template(template_name)
            rendered[key] = template.render({name: item})
    cache_set_many(rendered)
    return [mark_safe(found[key] if key in found else rendered[key]) for key in keys]


def render_once(template_name: str, *, version: tuple, context: Callable[[], dict]) -> SafeString:
    """
    The HTML of `template_name` for one `version` of what it shows, from the
    cache, or rendered with `context()` (called only then) and kept.
    """
    key = fragment_key(template_name, version)
    html = cache.get(key)
    if html is None:
        html = get_template(template_name).render(context())
        cache.set(key, html, FRAGMENT_SECONDS)
    return mark_safe(html)


def remembered(name: str, *, version: tuple, compute: Callable[[], Any]) -> Any:
    """What `compute()` gives for `version` of its inputs, from the cache or worked out and kept."""
    key = fragment_key(name, version)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, FRAGMENT_SECONDS)
    return value


def tags_version(tags: Iterable[Any]) -> tuple:
    """What an entry shows of its (prefetched) tags: their names and addresses."""
    return tuple((tag.slug, tag.name) for tag in tags)


def render_parts(
    template_name: str, partials: Sequence[str], *, version: tuple, context: Callable[[], dict]
) -> dict[str, SafeString]:
    """
    The HTML of each of `partials` (names of partials of `template_name`) for one
    `version` of what they show, by name: kept together in one cache entry, so a
    page that shows several parts of one item (its head, its body) reads them at
    once; rendered with `context()` (called once, only then) when not there yet.
    """
    key = fragment_key(template_name, (tuple(partials), version))
    parts = cache.get(key)
    if parts is None:
        values = context()
        parts = {name: get_template(f"{template_name}#{name}").render(values) for name in partials}
        cache.set(key, parts, FRAGMENT_SECONDS)
    return {name: mark_safe(html) for name, html in parts.items()}


class TagLink(NamedTuple):
    """What a tag list shows of a tag."""

    slug: str
    name: str


def object_tags(obj: Any) -> tuple:
    """
    The tags of `obj` (a model with taggit `tags`) as (slug, name) pairs with
    `.slug` and `.name`, in the order they were given: one light query, without
    the prefetch machinery, for an item's version and its tag list.
    """
    return tags_by_pk(type(obj), [obj.pk]).get(obj.pk, ())


def tags_by_pk(model: type, pks: Sequence[Any]) -> dict[Any, tuple]:
    """The tags (see `object_tags`) of the objects of `model` with primary keys `pks`, by key."""
    return _tag_links(_tagged_items(*_content_type_name(model)).filter(object_id__in=pks))


def _content_type_name(model: type) -> tuple[str, str]:
    # taggit tags a proxy's objects under its concrete model, as ContentType does.
    opts = model._meta.concrete_model._meta
    return opts.app_label, opts.model_name


@functools.cache
def _tagged_items(app_label: str, model_name: str):
    """
    (object id, tag slug, tag name) of every tagged object of one model, in the order
    the tags were given. Built once per model: building it cost more than running it.
    The content type is named, not its id, which a flushed test database renumbers.
    """
    return (
        TaggedItem.objects.filter(content_type__app_label=app_label, content_type__model=model_name)
        .order_by("pk")
        .values_list("object_id", "tag__slug", "tag__name")
    )


def _tag_links(rows) -> dict[Any, tuple]:
    tags: dict[Any, list] = {}
    links: dict[str, TagLink] = {}  # one per tag, however many objects carry it
    for object_id, slug, name in rows:
        link = links.get(slug)
        if link is None:
            link = links[slug] = TagLink(slug, name)
        tags.setdefault(object_id, []).append(link)
    return {pk: tuple(found) for pk, found in tags.items()}


def render_keyed(
    template_name: str,
    versions: dict[Any, tuple],
    *,
    name: str,
    load: Callable[[list], dict[Any, Any]],
) -> list[SafeString]:
    """
    As `render_each`, for items known by their keys and versions before they are
    loaded: `versions` maps each item's key to its version, in the order shown.
    Only the items whose entry is not in the cache yet are loaded, all at once
    with `load(keys)` (their objects by key); an item it does not return (gone
    since its version was read) is left out.
    """
    return list(render_keyed_by_key(template_name, versions, name=name, load=load).values())


def render_keyed_together(
    template_name: str,
    versions: dict[Any, tuple],
    *,
    name: str,
    load: Callable[[list], dict[Any, Any]],
) -> list[SafeString]:
    """
    As `render_keyed`, with the whole list kept as one cache entry too: while none
    of its items changes, a page of them is one read, not one per item.
    """
    html = remembered(
        f"{template_name}:list",
        version=tuple(versions.values()),
        compute=lambda: [
            str(fragment)
            for fragment in render_keyed(template_name, versions, name=name, load=load)
        ],
    )
    return [mark_safe(fragment) for fragment in html]


def render_keyed_by_key(
    template_name: str,
    versions: dict[Any, tuple],
    *,
    name: str,
    load: Callable[[list], dict[Any, Any]],
) -> dict[Any, SafeString]:
    """As `render_keyed`, each entry by its item's key (in the order of `versions`)."""
    cache_keys = {key: fragment_key(template_name, version) for key, version in versions.items()}
    found = cache_get_many(list(cache_keys.values()))
    missing = [key for key, cache_key in cache_keys.items() if cache_key not in found]
    if missing:
        template = get_template(template_name)
        rendered = {
            cache_keys[key]: template.render({name: item}) for key, item in load(missing).items()
        }
        cache_set_many(rendered)
        found.update(rendered)
    return {
        key: mark_safe(found[cache_key])
        for key, cache_key in cache_keys.items()
        if cache_key in found
    }


def every_tags_by_pk(model: type) -> dict[Any, tuple]:
    """
    The tags (see `object_tags`) of every object of `model`, drafts too, by key:
    for a list that works from the tags of most of them. Cheaper there than
    `tags_by_pk` with a hundred keys, each of which the query prepares and sends.
    """
    return _tag_links(_every_tagged_item(*_content_type_name(model)).rows())


@functools.cache
def _every_tagged_item(app_label: str, model_name: str) -> PreparedQuery:
    return PreparedQuery(lambda now, today: _tagged_items(app_label, model_name))
