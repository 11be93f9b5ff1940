"""
The one tag vocabulary (django-taggit) that posts, talks and sessions share, with
the manager their `tags` fields use: `TaggableManager(manager=TagsManager)`.
"""

from django.contrib.contenttypes.models import ContentType
from taggit.managers import _TaggableManager


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
