"""
Site search as a visitor meets it: what is found, in which order, with which
snippet. Runs on the database of the run: CI's SQLite run exercises FTS5, its
PostgreSQL run the tsvector engine, with the same expectations.
"""

import random
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from portal import search
from portal.models import SearchDocument

pytestmark = pytest.mark.django_db


def titles(query, **kwargs):
    return [result.title for result in search.search(query, **kwargs)[0:50]]


def test_a_word_in_the_title_ranks_above_the_same_word_in_the_body(make_post):
    make_post(title="Notes from a conference", body="We spent the evening talking about gossip.")
    make_post(title="Gossip protocols, explained", body="How rumours spread in a cluster.")
    make_post(title="Unrelated", body="Nothing to see here.")
    assert titles("gossip") == ["Gossip protocols, explained", "Notes from a conference"]


def test_a_tag_ranks_between_title_and_body(make_post):
    make_post(title="In the body", body="A post that mentions kademlia once.")
    make_post(title="In the tags", body="Routing tables.", tags=["kademlia"])
    make_post(title="Kademlia in the title", body="Routing tables.")
    assert titles("kademlia") == ["Kademlia in the title", "In the tags", "In the body"]


@pytest.mark.parametrize(
    "query, text",
    [
        ("punching", "How to punch holes in NATs."),
        ("punch", "Hole punching through NATs."),
        ("handshakes", "One handshake, one round trip."),
        ("replicated", "State machine replication."),
    ],
    ids=["punching-finds-punch", "punch-finds-punching", "plural", "verb-finds-noun"],
)
def test_stemming_finds_other_forms_of_a_word(make_post, query, text):
    make_post(title="A post", body=text)
    assert titles(query) == ["A post"]


@pytest.mark.parametrize(
    "query, text",
    [
        ("cafe", "Notes from the Café Central."),
        ("CAFÉ", "notes from the cafe central"),
        ("creme brulee", "Crème brûlée at the conference dinner."),
        ("Gödel", "Goedel? No: Godel, without the umlaut."),
        ("lodz", "A meetup in Łódź."),
    ],
    ids=["plain-finds-accented", "accented-finds-plain", "several", "umlaut", "stroke"],
)
def test_accents_and_case_do_not_matter(make_post, query, text):
    make_post(title="A post", body=text)
    assert titles(query) == ["A post"]


def test_every_word_of_the_query_must_appear_and_stop_words_are_ignored(make_post):
    make_post(title="Raft", body="The leader election of Raft.")
    make_post(title="Paxos", body="The leader of Paxos.")
    assert titles("the leader election") == ["Raft"]
    assert titles("raft leader") == ["Raft"]


def test_snippet_highlights_matches_and_keeps_the_original_accents(make_post):
    make_post(title="Dinner", body="After the talks we went to the Café Central for dinner.")
    [result] = search.search("cafe")[0:1]
    assert "<mark>Café</mark> Central" in result.snippet


def test_snippet_is_escaped_text_not_html(make_post):
    make_post(title="Markup", body='Write `<b onclick="x()">quic</b>` & see what happens.')
    [result] = search.search("quic")[0:1]
    assert "<b" not in result.snippet
    assert "&lt;b onclick=" in result.snippet
    assert "<mark>quic</mark>" in result.snippet
    assert "&amp; see" in result.snippet


def test_a_word_deep_in_a_long_post_is_found(make_post):
    make_post(title="A long post", body="Many words about other things. " * 2000 + "Fencing.")
    [result] = search.search("fencing")[0:1]
    assert result.title == "A long post"
    assert result.snippet  # from where the match is, or the beginning of a very long text


def test_words_in_neighbouring_blocks_stay_apart(make_post):
    post = make_post(title="Blocks", body="x")
    type(post).objects.filter(pk=post.pk).update(body_html="<p>Above.</p><p>Consensus</p>")
    search.index_update(source=search.get_source("post"), pks=[post.pk])
    assert titles("consensus") == ["Blocks"]


def test_drafts_and_scheduled_items_are_never_found(make_post, make_talk):
    make_post(title="Draft about zookeeper", published=False)
    make_post(title="Scheduled zookeeper", published_at=timezone.now() + timedelta(days=2))
    make_talk(title="Draft zookeeper talk", published=False)
    make_post(title="Published zookeeper")
    assert titles("zookeeper") == ["Published zookeeper"]
    assert search.search("zookeeper").count() == 1


def test_a_scheduled_item_is_found_once_its_time_has_come(make_post):
    make_post(title="Scheduled etcd", published_at=timezone.now() + timedelta(days=2))
    assert titles("etcd") == []
    later = timezone.now() + timedelta(days=3)
    with mock.patch.object(timezone, "now", return_value=later):
        assert titles("etcd") == ["Scheduled etcd"]


def test_edits_unpublishing_and_deletion_are_reflected(make_post):
    post = make_post(title="Vector clocks", body="Causality.")
    assert titles("vector") == ["Vector clocks"]
    post.title = "Lamport clocks"
    post.save()
    assert titles("vector") == []
    assert titles("lamport") == ["Lamport clocks"]
    post.unpublish()
    assert titles("lamport") == []
    post.publish()
    assert titles("lamport") == ["Lamport clocks"]
    post.delete()
    assert titles("lamport") == []
    assert not SearchDocument.objects.filter(kind="post").exists()


def test_tags_added_removed_and_renamed_are_reflected(make_post):
    post = make_post(title="A post", body="Nothing special.")
    post.tags.add("observability")
    assert titles("observability") == ["A post"]
    tag = post.tags.get()
    tag.name = "telemetry"
    tag.save()
    assert titles("telemetry") == ["A post"]
    assert titles("observability") == []
    post.tags.clear()
    assert titles("telemetry") == []


def test_talks_are_found_by_event_and_abstract(make_talk):
    make_talk(title="Where the round trips went", event_name="Strange Loop", abstract="QUIC.")
    assert titles("strange loop") == ["Where the round trips went"]
    assert [r.kind_label for r in search.search("quic")[0:5]] == ["Talk"]


def test_sessions_are_found_by_the_papers_they_read(make_session, make_paper):
    raft = make_paper(
        title="In Search of an Understandable Consensus Algorithm",
        authors="Diego Ongaro\nJohn Ousterhout",
    )
    make_session(title="Consensus night", papers=[raft])
    results = search.search("understandable")[0:5]
    assert {(r.kind_label, r.title) for r in results} == {
        ("Session", "1st Distributed Systems Paper Club: Consensus night"),
        ("Paper", "In Search of an Understandable Consensus Algorithm"),
    }


def test_a_paper_is_found_only_once_a_published_session_reads_it(make_session, make_paper):
    paper = make_paper(title="Chord: a scalable peer-to-peer lookup service")
    assert titles("chord", kind="paper") == []
    draft = make_session(title="DHTs", papers=[paper], published=False)
    assert titles("chord", kind="paper") == []
    draft.publish()
    assert titles("chord", kind="paper") == ["Chord: a scalable peer-to-peer lookup service"]
    draft.unpublish()
    assert titles("chord", kind="paper") == []


def test_renaming_a_series_renames_its_sessions_in_results(make_session, club):
    make_session(title="Byzantine generals")
    club.name = "Consensus Reading Group"
    club.save()
    assert titles("byzantine") == ["1st Consensus Reading Group: Byzantine generals"]


def test_results_can_be_limited_to_one_kind(make_post, make_talk):
    make_post(title="Tracing post")
    make_talk(title="Tracing talk")
    assert titles("tracing", kind="talk") == ["Tracing talk"]
    assert search.search("tracing").counts_by_kind() == {"post": 1, "talk": 1}


HOSTILE = [
    "",
    "   ",
    "x" * 10_000,
    "quic " * 3000,
    "!!!",
    "***",
    "'\"`",
    "' OR 1=1 --",
    "'; DROP TABLE portal_searchdocument; --",
    '"',
    '"quic',
    'quic"',
    "*",
    "quic*",
    "NEAR(",
    "NEAR(quic raft)",
    "quic AND",
    "AND OR NOT",
    "-quic",
    "quic -raft",
    "title:quic",
    "^quic",
    "(quic",
    "{quic}",
    "\\",
    "%",
    "_",
    "_quic_",
    "1.3",
    "e-mail",
    "\u202equic",
    "😀 quic",
    "ﬁle",
    "İstanbul",
    "\ue000quic\ue001",
    "quic\x00raft",
    "\x00",
    "&&",
    "||",
    "!quic",
    "<->",
    "quic:*",
    "a:1",
    "'",
    "''",
    "the",
    "\t\n",
    "ü" * 300,
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_give_an_answer_never_an_error(make_post, query):
    make_post(title="QUIC and raft", body="QUIC, raft, e-mail and TLS 1.3.")
    results = search.search(query)
    assert results.count() in (0, 1)
    assert len(results[0:20]) == results.count()


def test_random_unicode_never_breaks_the_engine(make_post):
    make_post(title="Anything", body="Some text to match against.")
    rng = random.Random(2024)
    alphabet = [
        chr(c)
        for c in [
            *range(0x20, 0x7F),
            *range(0xA0, 0x250),
            *range(0x370, 0x400),
            *range(0x2000, 0x2070),
            *range(0x3040, 0x30FF),
            *range(0xE000, 0xE010),
            0x1F600,
        ]
    ]
    for _ in range(200):
        query = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        results = search.search(query)
        results.count()
        results[0:20]


def test_query_terms_are_folded_deduplicated_and_limited():
    assert search.query_terms('The Café AND café -- "NEAR(" x') == ["Cafe", "NEAR(", "x"]
    assert search.query_terms("the of and") == []
    assert len(search.query_terms(" ".join(f"word{n}" for n in range(50)))) == search.MAX_TERMS
    assert search.query_terms("a" * 10_000) == ["a" * search.MAX_QUERY_LENGTH]


def test_folding_keeps_every_character_in_place():
    text = "Crème brûlée, Łódź, Ærøskøbing, 東京, ﬁ, \ue000, \x00"
    folded = search.fold(text)
    assert len(folded) == len(text)
    assert folded.startswith("Creme brulee, Lodz, ")


def test_snippet_markup_is_balanced_whatever_the_markers():
    marked = f"{search.MARK_END}<a>{search.MARK_START}x{search.MARK_START}y"
    assert search.render_snippet(marked) == "&lt;a&gt;<mark>xy</mark>"


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="tests the SQLite FTS5 engine; runs when the suite runs on SQLite",
)
def test_sqlite_keeps_the_fts5_table_in_step(make_post):
    post = make_post(title="Fencing tokens")
    table = search.FTS_TABLE
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {table} MATCH 'fencing'")
        assert cursor.fetchone()[0] == 1
        post.delete()
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {table} MATCH 'fencing'")
        assert cursor.fetchone()[0] == 0


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="tests the SQLite FTS5 engine; runs when the suite runs on SQLite",
)
def test_sqlite_triggers_lost_in_a_table_rebuild_come_back(make_post):
    make_post(title="Lease renewal")
    with connection.cursor() as cursor:
        for trigger in search.SQLiteEngine.TRIGGERS:
            cursor.execute(f"DROP TRIGGER {trigger}")
    search.index_rebuild()
    make_post(title="Lease expiry")
    assert sorted(titles("lease")) == ["Lease expiry", "Lease renewal"]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="tests the PostgreSQL engine; runs when DATABASE_URL points at PostgreSQL (CI's second run)",
)
def test_postgresql_stores_a_weighted_vector_with_a_gin_index(make_post):
    make_post(title="Quorum reads", body="Sloppy quorums.", tags=["dynamo"])
    vector = SearchDocument.objects.values_list("search_vector", flat=True).get()
    assert "'quorum':1A" in vector and "'dynamo'" in vector and "C" in vector
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'portal_searchdocument_vector_gin'"
        )
        assert "gin (search_vector)" in cursor.fetchone()[0]
