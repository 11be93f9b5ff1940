"""
How the apps plug into the shared machinery.

Each app may ship one module per role: `<app>/timeline.py`, `<app>/search.py`,
`<app>/demo.py`, `<app>/hugo.py`, `<app>/metrics.py`, `<app>/worker.py` (the
background worker's chores), `<app>/pagecache.py` (what makes its pages stale).
Importing one registers what the app
contributes to that role's `Registry`. The portal imports them all once, when
Django starts (`discover()`, called from `PortalConfig.ready()`), and knows no app
by name: a new app joins the home page, search, the demo or the importer by
adding the module, nothing else.
"""

from collections.abc import Callable, Iterator

from django.utils.module_loading import autodiscover_modules

ROLES = ("timeline", "search", "demo", "hugo", "metrics", "worker", "pagecache")


class Registry[T]:
    """An ordered set of one role's contributions, at most one per key."""

    def __init__(self, role: str, *, key: Callable[[T], object] = type):
        self.role = role
        self._key = key
        self._items: dict[object, T] = {}

    def register(self, item: T) -> T:
        key = self._key(item)
        if key in self._items and _identity(self._items[key]) != _identity(item):
            raise ValueError(f"two {self.role} plug-ins claim {key!r}")
        self._items[key] = item
        return item

    def get(self, key) -> T | None:
        return self._items.get(key)

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)


def _identity(item) -> str:
    """What makes two registrations the same plug-in: its class (or itself, for a class).
    A module imported twice registers an equal plug-in again, which is no clash."""
    cls = item if isinstance(item, type) else type(item)
    return f"{cls.__module__}.{cls.__qualname__}"


def discover() -> None:
    """Import every installed app's plug-in modules (a missing module is no error)."""
    autodiscover_modules(*ROLES)
