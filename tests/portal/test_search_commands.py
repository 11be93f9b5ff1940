"""rebuild_search_index, bench_search and indexing a database migrated with content."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from blog.models import Post
from portal import search
from portal.apps import _index_existing_content
from portal.models import SearchDocument

pytestmark = pytest.mark.django_db


def test_rebuild_brings_back_a_lost_index_and_shows_progress(make_post, make_talk):
    make_post(title="Merkle trees")
    make_post(title="Draft merkle", published=False)
    make_talk(title="Merkle proofs")
    SearchDocument.objects.all().delete()
    assert search.search("merkle").count() == 0
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Posts      [##############################] 2/2" in out.getvalue()
    assert "Indexed 3 documents." in out.getvalue()  # the draft is indexed, never found
    assert search.search("merkle").count() == 2


def test_rebuild_of_one_kind_leaves_the_others_alone(make_post, make_talk):
    make_post(title="Bloom filters")
    make_talk(title="Bloom filters, live")
    SearchDocument.objects.filter(kind="post").update(title="stale")
    call_command("rebuild_search_index", kind=["post"], stdout=StringIO())
    assert sorted(SearchDocument.objects.values_list("title", flat=True)) == [
        "Bloom filters",
        "Bloom filters, live",
    ]


def test_a_database_migrated_with_content_gets_its_index(make_post):
    make_post(title="Hybrid logical clocks")
    SearchDocument.objects.all().delete()
    _index_existing_content(sender=apps.get_app_config("portal"), using="default")
    assert search.search("hybrid").count() == 1


def test_migrating_restores_what_the_engine_needs(make_post):
    from django.db import connection

    if connection.vendor == "sqlite":  # as a table rebuild by a later migration would
        with connection.cursor() as cursor:
            for trigger in search.SQLiteEngine.TRIGGERS:
                cursor.execute(f"DROP TRIGGER {trigger}")
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX portal_searchdocument_vector_gin")
    _index_existing_content(sender=apps.get_app_config("portal"), using="default")
    make_post(title="Vector clocks")
    assert search.search("vector").count() == 1
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_indexes WHERE indexname = %s",
                ["portal_searchdocument_vector_gin"],
            )
            assert cursor.fetchone()


def test_bench_search_prints_figures_and_leaves_nothing_behind(make_post):
    make_post(title="Existing post")
    before = (Post.objects.count(), SearchDocument.objects.count())
    out = StringIO()
    call_command("bench_search", posts=30, talks=5, sessions=4, papers=8, repeat=2, stdout=out)
    report = out.getvalue()
    assert "Built 30 posts, 5 talks, 4 sessions and 8 papers" in report
    assert "median ms" in report and "p95 ms" in report
    row = next(line for line in report.splitlines() if line.startswith("consensus "))
    matches, queries = row.split()[1:3]
    assert int(matches) > 0 and int(queries) == 2
    assert (Post.objects.count(), SearchDocument.objects.count()) == before
