"""The apps that save imported pages, one per kind of page."""

import pytest

from portal.hugo.classify import Kind
from portal.hugo.targets import ImportTarget, import_targets, register


def test_each_kind_of_page_is_saved_by_the_app_that_owns_it():
    assert {kind: target.__module__ for kind, target in import_targets().items()} == {
        Kind.POST: "blog.hugo",
        Kind.TALK: "talks.hugo",
        Kind.SESSION: "meetups.hugo",
    }


def test_two_apps_cannot_save_the_same_kind():
    class AnotherPostTarget(ImportTarget):
        kind = Kind.POST
        row = "posts"

    with pytest.raises(ValueError, match="claim"):
        register(AnotherPostTarget)
    assert import_targets()[Kind.POST].__module__ == "blog.hugo"
