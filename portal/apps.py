from django.apps import AppConfig
from django.db.models.signals import post_migrate

from portal import plugins


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        # Each app plugs into the timeline, search, demo and importer by its own modules.
        plugins.discover()
        # Deploy checks of the metrics settings; the running task's id on its log lines.
        from portal import checks, log_context  # noqa: F401 - checks register on import

        log_context.connect_task_signals()
        post_migrate.connect(_index_existing_content, sender=self)


def _index_existing_content(sender, using, plan=None, **kwargs):
    """
    Keep the engine's structures in place (a later SQLite migration that rebuilds
    the documents table drops its triggers), and index the posts, talks… of a
    database migrated to search for the first time, without a manual
    `rebuild_search_index`.
    """
    from django.db import connections

    from portal import search
    from portal.models import SearchDocument

    if connections[using].vendor not in {"sqlite", "postgresql"} or using != "default":
        return
    tables = set(connections[using].introspection.table_names())
    if SearchDocument._meta.db_table not in tables:
        return
    search.ensure_engine_structures()
    if any(source.model._meta.db_table not in tables for source in search.sources()):
        return  # migrated only part of the way
    if SearchDocument.objects.exists():
        return
    if any(source.queryset().exists() for source in search.sources()):
        search.index_rebuild()
