"""
What makes cached pages stale. Each app registers, in its own `<app>/pagecache.py`,
a `PageChanges`: the models whose saves and deletes change what a page shows, and a
function giving the next moment its pages change by time alone (a scheduled post
going live, a session starting). The portal knows no app's models or fields.

Any change to a registered model moves the content generation, which every cached
page is stored with: every page is stale at once, on every app server. Time is
kept per generation by a `Clock`: a page is never kept past the clock's next moment.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.apps import apps
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.autoreload import file_changed

from portal.pagecache.store import CLOCK_TIMEOUT, KEY_PREFIX, Clock, generation_store
from portal.plugins import Registry


@dataclass(frozen=True)
class PageChanges:
    """
    One app's part in keeping cached pages true. `models` (classes or "app.Model"
    labels): a save, delete or many-to-many change of any of them changes pages.
    `next_change(now)`: the first moment after `now` at which a page changes with no
    save at all, or None.
    """

    name: str
    models: tuple[type[Model] | str, ...] = ()
    next_change: Callable[[datetime], datetime | None] | None = None


registry: Registry[PageChanges] = Registry("pagecache", key=lambda changes: changes.name)
_followed: set[type[Model]] = set()


def register(changes: PageChanges) -> PageChanges:
    """Follow the changes of `changes.models` from now on, and ask `next_change` for time."""
    registry.register(changes)
    for model in changes.models:
        _follow(apps.get_model(model) if isinstance(model, str) else model)
    return changes


def _follow(model: type[Model]) -> None:
    uid = f"portal.pagecache.{model._meta.label_lower}"
    post_save.connect(_saved_or_deleted, sender=model, dispatch_uid=f"{uid}.save")
    post_delete.connect(_saved_or_deleted, sender=model, dispatch_uid=f"{uid}.delete")
    _followed.add(model)


def _saved_or_deleted(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    content_changed(using=using)


def _m2m_changed(sender, instance, action, model, using=DEFAULT_DB_ALIAS, **kwargs):
    # Tags are added through taggit's manager: the signal names the tagged-item model as
    # sender, the tagged object as instance (or the tag, from the other side).
    if not action.startswith("post_"):
        return
    if sender in _followed or model in _followed or type(instance) in _followed:
        content_changed(using=using)


m2m_changed.connect(_m2m_changed, dispatch_uid="portal.pagecache.m2m")


def content_changed(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """
    Make every cached page stale, on every app server. Inside a transaction it moves
    the generation twice: at once, for what this connection renders next, and after
    the commit, because another process may have rendered the old rows in between
    and stored them under the new generation.
    """
    generation_store().bump()
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and not any(
        func is _bump_after_commit for _, func, _ in connection.run_on_commit
    ):
        transaction.on_commit(_bump_after_commit, using=using)


def _bump_after_commit() -> None:
    generation_store().bump()


def _setting_changed(**kwargs):
    # Pages show settings (the site's name, its address): a test that changes one
    # must not be answered with a page rendered before.
    generation_store().bump()


setting_changed.connect(_setting_changed, dispatch_uid="portal.pagecache.settings")


def _file_changed(sender, file_path, **kwargs):
    # `runserver` reloads templates as they are edited: pages show the edit at once.
    generation_store().bump()


file_changed.connect(_file_changed, dispatch_uid="portal.pagecache.files")


def next_change(at: float) -> float | None:
    """The first moment after `at` (Unix time) at which a page changes by time, or None."""
    moment = datetime.fromtimestamp(at, tz=UTC)
    upcoming = [
        when
        for changes in registry
        if changes.next_change is not None
        and (when := changes.next_change(moment)) is not None
        and when > moment
    ]
    return min(upcoming).timestamp() if upcoming else None


def clock(generation: str, *, now: float | None = None) -> Clock:
    """The clock of `generation`, worked out again once its next moment has passed."""
    now = time.time() if now is None else now
    key = f"{KEY_PREFIX}:clock:{generation}"
    current = cache.get(key)
    if current is not None and not current.is_due(now):
        return current
    if current is None:
        fresh = _clock_from(generation_store().changed_at(generation), now)
    else:
        fresh = _clock_from(current.next, now)
    cache.set(key, fresh, timeout=CLOCK_TIMEOUT)
    return fresh


def _clock_from(changed: float | None, now: float) -> Clock:
    """
    The clock of pages that last changed at `changed`, unless a moment came between
    then and now: then (or when `changed` is unknown) they are taken as changed now,
    which is later than the truth, never earlier.
    """
    if changed is not None and changed <= now:
        upcoming = next_change(changed)
        if upcoming is None or upcoming > now:
            return Clock(since=changed, next=upcoming)
    return Clock(since=now, next=next_change(now))
