"""
Every indexed object has one `SearchDocument`, kept current by signals as objects
(and their tags and related objects) are saved and deleted; `index_rebuild()`
(`manage.py rebuild_search_index`) makes them all again.
"""

from collections.abc import Callable, Iterable
from itertools import batched

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from portal.models import SearchDocument
from portal.search.engines import current_engine
from portal.search.sources import SearchSource, has_tags, sources, sources_for_model
from portal.search.text import fold

BATCH_SIZE = 500
# PostgreSQL refuses a tsvector over 1 MB; a body this long is well below it.
MAX_BODY_LENGTH = 100_000


def follow(source: SearchSource) -> None:
    """Keep the documents of `source` current from now on."""
    uid = f"portal.search.{source.kind}"
    post_save.connect(_object_saved, sender=source.model, dispatch_uid=f"{uid}.save")
    post_delete.connect(_object_deleted, sender=source.model, dispatch_uid=f"{uid}.delete")
    for model, affected in source.depends_on().items():
        _connect_dependency(source, model, affected)
    if has_tags(source.model):
        _connect_tags()


def _object_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the objects' relations may not exist yet; rebuild afterwards
        return
    for source in sources_for_model(sender):
        index_update(source=source, pks=[instance.pk])


def _object_deleted(sender, instance, **kwargs):
    for source in sources_for_model(sender):
        index_remove(source=source, pks=[instance.pk])


def _connect_dependency(source, model, affected):
    def changed(sender, instance, raw=False, **kwargs):
        if not raw:
            index_update(source=source, pks=list(affected(instance)))

    uid = f"portal.search.{source.kind}.{model._meta.label_lower}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}.save")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}.delete")


def _connect_tags():
    from taggit.models import Tag, TaggedItem

    m2m_changed.connect(_tags_changed, sender=TaggedItem, dispatch_uid="portal.search.tags")
    post_save.connect(_tag_renamed, sender=Tag, dispatch_uid="portal.search.tag_renamed")
    post_delete.connect(
        _tagged_item_deleted, sender=TaggedItem, dispatch_uid="portal.search.tag_deleted"
    )


def _tags_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"} or reverse:
        return
    for source in sources_for_model(type(instance)):
        index_update(source=source, pks=[instance.pk])


def _tag_renamed(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    for source in sources():
        if has_tags(source.model):
            pks = source.model._default_manager.filter(tags=instance).values_list("pk", flat=True)
            index_update(source=source, pks=list(pks))


def _tagged_item_deleted(sender, instance, **kwargs):
    # Deleting a tag deletes its TaggedItems one by one; post.tags.remove() goes
    # through m2m_changed instead.
    model = instance.content_type.model_class()
    for source in sources_for_model(model):
        index_update(source=source, pks=[instance.object_id])


def _document(source: SearchSource, obj) -> SearchDocument | None:
    document = source.to_document(obj)
    if document is None:
        return None
    title = " ".join(document.title.split())[:500]
    body = " ".join(document.body.split())[:MAX_BODY_LENGTH]
    tags = " ".join(" ".join(document.tags).split())
    return SearchDocument(
        kind=source.kind,
        object_id=obj.pk,
        title=title,
        body=body,
        tags=tags,
        url=document.url,
        date=document.date,
        published_at=document.published_at,
        updated_at=document.updated_at or document.date,
        in_sitemap=source.in_sitemap,
        index_title=fold(title),
        index_tags=fold(tags),
        index_body=fold(body),
    )


_WRITTEN_FIELDS = [
    "title",
    "body",
    "tags",
    "url",
    "date",
    "published_at",
    "updated_at",
    "in_sitemap",
    "index_title",
    "index_tags",
    "index_body",
    "search_vector",
]


def _write(source: SearchSource, objects: Iterable, pks: Iterable[int] = ()) -> int:
    """Store the documents of `objects`; remove those of `pks` not among them."""
    documents = [document for obj in objects if (document := _document(source, obj))]
    written = {document.object_id for document in documents}
    gone = [pk for pk in pks if pk not in written]
    if gone:
        SearchDocument.objects.filter(kind=source.kind, object_id__in=gone).delete()
    if documents:
        current_engine().prepare(documents)
        SearchDocument.objects.bulk_create(
            documents,
            update_conflicts=True,
            unique_fields=["kind", "object_id"],
            update_fields=_WRITTEN_FIELDS,
            batch_size=BATCH_SIZE,
        )
    return len(documents)


def index_update(*, source: SearchSource, pks: Iterable[int]) -> None:
    """Re-index the objects of `source` with these primary keys (gone ones are removed)."""
    pks = sorted({pk for pk in pks if pk is not None})
    if not pks:
        return
    with transaction.atomic():
        _write(source, source.queryset().filter(pk__in=pks), pks)


def index_remove(*, source: SearchSource, pks: Iterable[int]) -> None:
    SearchDocument.objects.filter(kind=source.kind, object_id__in=list(pks)).delete()


def index_rebuild(
    *,
    kinds: Iterable[str] | None = None,
    progress: Callable[[SearchSource, int, int], None] | None = None,
) -> int:
    """
    Index every object of every source (or of `kinds`) from scratch, in one
    transaction: searches see the old index until the new one is complete.
    `progress(source, done, total)` is called after each batch. Returns the count.
    """
    chosen = [source for source in sources() if kinds is None or source.kind in kinds]
    indexed = 0
    with transaction.atomic():
        current_engine().ensure_structures()
        if kinds is None:
            SearchDocument.objects.all().delete()  # also kinds no source answers for any more
        else:
            SearchDocument.objects.filter(kind__in=[s.kind for s in chosen]).delete()
        for source in chosen:
            queryset = source.queryset().order_by("pk")
            total, done = queryset.count(), 0
            if progress:
                progress(source, 0, total)
            for batch in batched(queryset.iterator(chunk_size=BATCH_SIZE), BATCH_SIZE):
                indexed += _write(source, batch)
                done += len(batch)
                if progress:
                    progress(source, done, total)
    return indexed
