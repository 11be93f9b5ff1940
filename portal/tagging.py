"""
The one tag vocabulary (django-taggit) that posts, talks and sessions share, with
the manager their `tags` fields use: `TaggableManager(manager=TagsManager)`, and
the rule that a tag added, removed or renamed moves the tagged object's `updated_at`.
"""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from taggit.managers import _TaggableManager
from taggit.models import Tag, TaggedItem


class TagsManager(_TaggableManager):
    """
    taggit's manager without its cost in lists. After `prefetch_related("tags")`
    has fetched every object's tags in one query, Django asks each object's
    manager for a queryset to hold them, and taggit builds its whole filtered,
    ordered query for each, never to run it (jazzband/django-taggit#935): on a
    list of 150 talks that was most of the page's time. Here that queryset gets
    its filter only if someone goes on to use it, as Django's own related
    managers do. Everything else is taggit's.
    """

    def _holder_mark(self) -> str:
        return f"_{self.prefetch_cache_name}_being_prefetched"

    def get_prefetch_querysets(self, instances, querysets=None):
        result = super().get_prefetch_querysets(instances, querysets)
        for instance in instances:
            instance.__dict__[self._holder_mark()] = True
        return result

    def get_queryset(self, extra_filters=None):
        instance = self.instance
        if (
            instance is None
            or extra_filters
            or not instance.__dict__.pop(self._holder_mark(), False)
        ):
            return super().get_queryset(extra_filters)
        # The queryset that receives the prefetched tags: the same filter as
        # taggit's, applied only when the queryset is chained. No distinct(): an
        # object carries a tag once (the tagged items' unique constraint).
        queryset = self.through.tag_model()._default_manager.all()
        queryset._defer_next_filter = True
        relation = self.through.tag_relname()
        return queryset.filter(
            **{
                f"{relation}__content_type": ContentType.objects.get_for_model(self.model),
                f"{relation}__object_id": instance.pk,
            }
        )


# --- a tag's change is a change of what shows it ----------------------------------------


def touch_tagged_items(content_type_id: int, object_ids: Iterable) -> None:
    """
    Move `updated_at` of the objects with `object_ids` of one content type, when
    their model has one: they show their tags, so entries rendered once per
    version of them (see portal.fragments) follow a tag added, removed or
    renamed as they follow an edit, and feeds date the change.
    """
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None or not any(field.name == "updated_at" for field in model._meta.fields):
        return
    model._base_manager.filter(pk__in=list(object_ids)).update(updated_at=timezone.now())


def _tagged_item_changed(sender, instance, **kwargs):
    # taggit adds a tag with get_or_create and removes it with a queryset delete, and a
    # deleted tag takes its tagged items with it: each of these sends one of these.
    touch_tagged_items(instance.content_type_id, [instance.object_id])


def _tag_saved(sender, instance, created, **kwargs):
    if created:
        return  # nothing carries it yet
    items = TaggedItem.objects.filter(tag=instance).values_list("content_type_id", "object_id")
    by_type: dict[int, list] = {}
    for content_type_id, object_id in items:
        by_type.setdefault(content_type_id, []).append(object_id)
    for content_type_id, object_ids in by_type.items():
        touch_tagged_items(content_type_id, object_ids)


post_save.connect(_tagged_item_changed, sender=TaggedItem, dispatch_uid="portal.tagging.item")
post_delete.connect(_tagged_item_changed, sender=TaggedItem, dispatch_uid="portal.tagging.gone")
post_save.connect(_tag_saved, sender=Tag, dispatch_uid="portal.tagging.tag")
