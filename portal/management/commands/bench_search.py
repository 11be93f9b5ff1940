"""
How fast is site search at the size the portal is built for? Builds 5,000 posts,
1,000 talks, 500 sessions and 2,000 papers (bulk inserts, then one bulk index),
times a handful of searches, and rolls everything back: the database is left
exactly as it was, whatever it held before.
"""

import itertools
import random
import statistics
import time
from datetime import timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from portal import search
from portal.pagination import PER_PAGE

QUERIES = [
    "consensus",  # in about a third of all documents: the worst case
    "punching",  # finds “punch” and “punched” too
    "café",  # finds “cafe” too
    "raft leader election",
    "quic handshake",
    "zyzzyva",
    "no such words anywhere",
]
# Technical words of the texts. The first ones are placed among the most frequent
# words of the language (“consensus” then is in most documents: the worst case);
# the others are spread over a long tail of filler words, as in real prose.
WORDS = [
    "system",
    "data",
    "time",
    "node",
    "network",
    "paper",
    "protocol",
    "state",
    "client",
    "server",
    "message",
    "request",
    "consensus",
    "replica",
    "leader",
    "log",
    "latency",
    "storage",
    "cache",
    "query",
    "index",
    "memory",
    "failure",
    "cluster",
    "write",
    "read",
    "commit",
    "quorum",
    "partition",
    "clock",
    "transaction",
    "lock",
    "thread",
    "queue",
    "handshake",
    "packet",
    "stream",
    "congestion",
    "routing",
    "peer",
    "hash",
    "ring",
    "key",
    "value",
    "shard",
    "batch",
    "election",
    "term",
    "vote",
    "snapshot",
    "compaction",
    "gossip",
    "membership",
    "lease",
    "fencing",
    "timeout",
    "retry",
    "backoff",
    "idempotent",
    "checkpoint",
    "recovery",
    "crash",
    "byzantine",
    "fault",
    "tolerance",
    "signature",
    "certificate",
    "quic",
    "tls",
    "tcp",
    "udp",
    "encryption",
    "rtt",
    "loss",
    "window",
    "pacing",
    "bbr",
    "cubic",
    "raft",
    "paxos",
    "chain",
    "replication",
    "crdt",
    "merge",
    "causal",
    "vector",
    "lamport",
    "linearizable",
    "serializable",
    "snapshot",
    "isolation",
    "anomaly",
    "skew",
    "drift",
    "ntp",
    "hybrid",
    "logical",
    "bloom",
    "filter",
    "skiplist",
    "btree",
    "lsm",
    "merkle",
    "tree",
    "proof",
    "sybil",
    "eclipse",
    "kademlia",
    "chord",
    "pastry",
    "dht",
    "punch",
    "punching",
    "punched",
    "hole",
    "nat",
    "traversal",
    "relay",
    "stun",
    "turn",
    "ice",
    "café",
    "naïve",
    "résumé",
    "zyzzyva",
    "hotstuff",
    "tendermint",
    "pbft",
    "honeybadger",
    "narwhal",
    "bullshark",
    "dag",
    "mempool",
]
COMMON_WORDS = 13
FILLER_WORDS = 4000
TOPICS = [
    "distributed-systems",
    "networking",
    "consensus",
    "databases",
    "security",
    "storage",
    "quic",
    "raft",
    "crdt",
    "dht",
    "performance",
    "testing",
]


class Command(BaseCommand):
    help = (
        "Time site search over 5,000 posts, 1,000 talks, 500 sessions and 2,000 papers, "
        "built inside a transaction that is rolled back at the end."
    )

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=5000)
        parser.add_argument("--talks", type=int, default=1000)
        parser.add_argument("--sessions", type=int, default=500)
        parser.add_argument("--papers", type=int, default=2000)
        parser.add_argument("--repeat", type=int, default=30, help="Runs per query.")

    def handle(self, *args, posts, talks, sessions, papers, repeat, **options):
        self.random = random.Random(7)
        self.now = timezone.now()
        self.stdout.write(f"Database: {connection.vendor}. Everything below is rolled back.")
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Rows of earlier (rolled-back) runs linger as dead tuples until vacuumed.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE portal_searchdocument")
        with transaction.atomic():
            started = time.perf_counter()
            self.build(posts=posts, talks=talks, sessions=sessions, papers=papers)
            built = time.perf_counter() - started
            started = time.perf_counter()
            indexed = search.index_rebuild()
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # statistics for the new rows
                    cursor.execute("ANALYZE portal_searchdocument")
            self.stdout.write(
                f"Built {posts} posts, {talks} talks, {sessions} sessions and {papers} papers "
                f"in {built:.1f} s; indexed {indexed} documents in "
                f"{time.perf_counter() - started:.1f} s."
            )
            self.measure(repeat)
            transaction.set_rollback(True)  # as an error on the way would
        self.stdout.write(self.style.SUCCESS("Rolled back: the database is as it was."))

    # --- data ---

    def vocabulary(self) -> tuple[list[str], list[float]]:
        """Words by frequency (Zipf): stop words, the common words, then a long tail."""
        syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
        filler = sorted({"".join(self.random.choices(syllables, k=3)) for _ in range(FILLER_WORDS)})
        tail = filler + WORDS[COMMON_WORDS:]
        self.random.shuffle(tail)
        words = sorted(search.STOP_WORDS) + WORDS[:COMMON_WORDS] + tail
        return words, [1 / rank for rank in range(1, len(words) + 1)]

    def text(self, words: int) -> str:
        chosen = self.random.choices(self.words, cum_weights=self.cum_weights, k=words)
        sentences = [" ".join(chosen[i : i + 12]).capitalize() + "." for i in range(0, words, 12)]
        return " ".join(sentences)

    def title(self) -> str:
        return self.text(6).rstrip(".")

    def published_at(self, index: int):
        # One in twenty is a draft, one in fifty scheduled: search must skip both.
        if index % 20 == 0:
            return None
        if index % 50 == 1:
            return self.now + timedelta(days=3)
        return self.now - timedelta(hours=index)

    def build(self, *, posts, talks, sessions, papers):
        words, weights = self.vocabulary()
        self.words, self.cum_weights = words, list(itertools.accumulate(weights))
        Post = apps.get_model("blog", "Post")
        Talk = apps.get_model("talks", "Talk")
        Series = apps.get_model("meetups", "Series")
        Session = apps.get_model("meetups", "Session")
        Paper = apps.get_model("meetups", "Paper")
        ReadingListEntry = apps.get_model("meetups", "ReadingListEntry")
        token = f"{self.random.getrandbits(32):08x}"
        author = get_user_model().objects.create(username=f"bench-{token}")

        def paragraphs(words):
            return "\n".join(f"<p>{self.text(words // 3)}</p>" for _ in range(3))

        post_objects = []
        for i in range(posts):
            html = paragraphs(400)
            post_objects.append(
                Post(
                    title=self.title(),
                    slug=f"bench-{token}-{i}",
                    author=author,
                    body=html,
                    body_html=html,
                    published_at=self.published_at(i),
                )
            )
        post_objects = Post.objects.bulk_create(post_objects, batch_size=500)
        talk_objects = []
        for i in range(talks):
            html = paragraphs(150)
            talk_objects.append(
                Talk(
                    title=self.title(),
                    slug=f"bench-{token}-{i}",
                    event_name="BenchConf",
                    city="Brussels",
                    date=(self.now - timedelta(days=i)).date(),
                    abstract=html,
                    abstract_html=html,
                    published_at=self.published_at(i),
                )
            )
        for talk in talk_objects:
            talk.place_on_timeline()
        talk_objects = Talk.objects.bulk_create(talk_objects, batch_size=500)
        series = Series.objects.create(name=f"Bench club {token}", slug=f"bench-{token}")
        session_objects = []
        for i in range(sessions):
            starts = self.now - timedelta(days=14 * i)
            description, write_up = paragraphs(90), paragraphs(150)
            session_objects.append(
                Session(
                    series=series,
                    number=i + 1,
                    title=self.title(),
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    description=description,
                    description_html=description,
                    write_up=write_up,
                    write_up_html=write_up,
                    published_at=self.published_at(i),
                )
            )
        for session in session_objects:
            session.place_on_timeline()
        session_objects = Session.objects.bulk_create(session_objects, batch_size=500)
        paper_objects = [
            Paper(
                title=self.title(),
                authors="Ada Example\nGrace Sample",
                venue="BenchConf",
                year=2000 + i % 25,
                abstract=self.text(150),
            )
            for i in range(papers)
        ]
        paper_objects = Paper.objects.bulk_create(paper_objects, batch_size=500)
        entries = (
            [
                ReadingListEntry(
                    session=session_objects[i % len(session_objects)],
                    paper=paper,
                    position=i // len(session_objects) + 1,
                )
                for i, paper in enumerate(paper_objects)
            ]
            if session_objects
            else []
        )
        ReadingListEntry.objects.bulk_create(entries, batch_size=500)
        tags = [Tag.objects.get_or_create(name=name, defaults={"slug": name})[0] for name in TOPICS]
        tagged = []
        tagged_kinds = [(Post, post_objects), (Talk, talk_objects), (Session, session_objects)]
        for model, objects in tagged_kinds:
            content_type = ContentType.objects.get_for_model(model)
            for obj in objects:
                for tag in self.random.sample(tags, 2):
                    tagged.append(TaggedItem(content_type=content_type, object_id=obj.pk, tag=tag))
        TaggedItem.objects.bulk_create(tagged, batch_size=1000)

    # --- timing ---

    def run(self, query: str) -> int:
        """What the search page asks: the counts, then the first page of results."""
        page = Paginator(search.search(query), PER_PAGE).page(1)
        list(page.object_list)
        return page.paginator.count

    def measure(self, repeat: int) -> None:
        self.stdout.write(
            f"\n{'query':<28} {'matches':>8} {'queries':>8} {'median ms':>10} {'p95 ms':>8}"
        )
        for query in QUERIES:
            with CaptureQueriesContext(connection) as captured:
                matches = self.run(query)
            timings = []
            for _ in range(repeat):
                started = time.perf_counter()
                self.run(query)
                timings.append((time.perf_counter() - started) * 1000)
            p95 = statistics.quantiles(timings, n=20, method="inclusive")[18]
            self.stdout.write(
                f"{query:<28} {matches:>8} {len(captured):>8} "
                f"{statistics.median(timings):>10.1f} {p95:>8.1f}"
            )
