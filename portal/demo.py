"""
The demo content `make run` loads on a fresh database. Each app's `demo.py`
registers what it contributes; `setup_site` loads them all, in the order of
INSTALLED_APPS (an app's demo may use the content of an app listed before it).
"""

from collections.abc import Callable
from dataclasses import dataclass

from portal.plugins import Registry


@dataclass(frozen=True)
class Demo:
    """One app's demo content."""

    app: str  # the module that registered it, e.g. "blog.demo"
    has_content: Callable[[], bool]  # whether the app already holds content of its own
    load: Callable[..., str]  # load(author=user) creates it and returns a one-line summary


_demos = Registry[Demo]("demo", key=lambda demo: demo.app)


def register(*, has_content: Callable[[], bool], load: Callable[..., str]) -> Demo:
    """Add an app's demo content (its module's `has_content` and `load`); returns it."""
    return _demos.register(Demo(app=load.__module__, has_content=has_content, load=load))


def demos() -> list[Demo]:
    """Every app's demo content, in the order of INSTALLED_APPS."""
    return list(_demos)
