"""
The site `bench_pages` serves: a blog, a talk list and a paper club of the size
people bring from a static site (500 posts, 150 talks, one series with 120 past
sessions, each with its full reading list). Texts are Markdown rendered by the
portal's own pipeline, with code blocks, tables and footnotes, as real posts have.

Models are looked up by name: the shared kernel imports no app.
"""

import random
from dataclasses import dataclass
from datetime import time, timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from portal import search
from portal.markdown import render_markdown


@dataclass(frozen=True)
class Sizes:
    posts: int = 500
    talks: int = 150
    past_sessions: int = 120
    upcoming_sessions: int = 2
    upcoming_talks: int = 2


TOPICS = [
    "distributed-systems",
    "consensus",
    "raft",
    "paxos",
    "networking",
    "quic",
    "tls",
    "databases",
    "storage",
    "crdt",
    "dht",
    "security",
    "performance",
    "testing",
    "rust",
    "python",
    "observability",
    "scheduling",
    "time",
    "replication",
]
EVENTS = [
    ("FOSDEM", "Brussels, Belgium"),
    ("Papers We Love Berlin", "Berlin, Germany"),
    ("RustConf", "Portland, USA"),
    ("PyCon DE", "Berlin, Germany"),
    ("EuroPython", "Prague, Czechia"),
    ("Strange Loop", "St. Louis, USA"),
    ("QCon London", "London, United Kingdom"),
    ("Systems Distributed", "Amsterdam, Netherlands"),
    ("NetDev", "Lisbon, Portugal"),
    ("P99 CONF", ""),
    ("Devoxx", "Antwerp, Belgium"),
    ("GOTO Aarhus", "Aarhus, Denmark"),
]
# The words of every text, in a random order.
PROSE = (
    "the leader appends entries to its log and replicates them to a quorum of followers "
    "before it answers the client a commit index moves forward only for entries of the "
    "current term which is the rule most implementations get wrong at first packets arrive "
    "out of order and the receiver keeps a window of acknowledged ranges while congestion "
    "control paces the sender we measured tail latency under load and found that the "
    "garbage collector and the page cache dominate long before the network does"
)
WORDS = PROSE.split()
AUTHORS = [
    "Leslie Lamport",
    "Diego Ongaro",
    "John Ousterhout",
    "Barbara Liskov",
    "Nancy Lynch",
    "Michael J. Fischer",
    "Marc Shapiro",
    "Martin Kleppmann",
    "Heidi Howard",
    "Ion Stoica",
    "Robert Morris",
    "Frans Kaashoek",
    "Jeffrey Dean",
    "Sanjay Ghemawat",
    "Werner Vogels",
    "Kyle Kingsbury",
]
VENUES = ["SOSP", "OSDI", "NSDI", "USENIX ATC", "EuroSys", "PODC", "VLDB", "SIGCOMM"]


class SiteBuilder:
    """Builds the benchmark's content with bulk inserts; `build()` returns what to load."""

    def __init__(self, *, sizes: Sizes, seed: int = 12):
        self.sizes = sizes
        self.random = random.Random(seed)
        self.now = timezone.now()

    # --- text ---

    def sentence(self, words: int = 14) -> str:
        chosen = self.random.choices(WORDS, k=words)
        return " ".join(chosen).capitalize() + "."

    def paragraph(self, sentences: int = 5) -> str:
        return " ".join(self.sentence(self.random.randint(9, 18)) for _ in range(sentences))

    def title(self) -> str:
        return " ".join(self.random.choices(WORDS, k=self.random.randint(4, 8))).capitalize()

    def post_markdown(self) -> str:
        """About 900 words: sections, a code block, a list, a table and a footnote."""
        parts = [self.paragraph(4), "## " + self.title(), self.paragraph(6), self.paragraph(5)]
        parts.append(
            "```python\n"
            "def commit_index(match_index, current_term, log):\n"
            "    # Only entries of the current term are committed by counting replicas.\n"
            "    for index in sorted(match_index.values(), reverse=True):\n"
            "        if log[index].term == current_term:\n"
            "            return index\n"
            "    return None\n"
            "```"
        )
        parts += ["## " + self.title(), self.paragraph(6), "- " + self.sentence()]
        parts += ["- " + self.sentence(), "- " + self.sentence(), self.paragraph(5)]
        parts.append(
            "| nodes | p50 | p99 |\n|---:|---:|---:|\n| 3 | 1.2 ms | 4.8 ms |\n| 5 | 1.9 ms | 7.1 ms |"
        )
        parts += [self.paragraph(6) + "[^1]", "## " + self.title(), self.paragraph(6)]
        parts += [self.paragraph(5), "[^1]: " + self.sentence()]
        return "\n\n".join(parts)

    def rendered_variants(self, make, count: int) -> list[tuple[str, str]]:
        """`count` different Markdown texts with their HTML (rendering each item costs minutes)."""
        variants = []
        for _ in range(count):
            source = make()
            variants.append((source, render_markdown(source)))
        return variants

    # --- content ---

    def build(self) -> dict[str, str]:
        Post = apps.get_model("blog", "Post")
        Talk = apps.get_model("talks", "Talk")
        Series = apps.get_model("meetups", "Series")
        Session = apps.get_model("meetups", "Session")

        author = get_user_model().objects.create_user(
            username="bench-author", first_name="Ada", last_name="Example"
        )
        tags = [Tag.objects.create(name=name, slug=name) for name in TOPICS]
        posts = self.build_posts(Post, author)
        talks = self.build_talks(Talk, posts)
        series = Series.objects.create(
            name="Distributed Systems Paper Club",
            slug="distributed-systems",
            description="We read one or two papers on distributed systems every other week, "
            "then talk about them over pizza. Everyone is welcome, reading is optional.",
            time_zone="Europe/Berlin",
            cadence_weeks=2,
            cadence_weekday=1,
            cadence_time=time(19, 0),
            venue_name="Room 3.14, Example University",
            venue_address="Beispielstraße 12\n10999 Berlin",
        )
        sessions = self.build_sessions(Session, series)
        self.build_reading_lists(sessions)
        self.tag(tags, [(Post, posts), (Talk, talks), (Session, sessions)])
        search.index_rebuild()

        past_session = next(s for s in sessions if s.starts_at < self.now)
        return {
            "/": "/",
            "/talks/": "/talks/",
            "/club/<series>/": series.get_absolute_url(),
            "/blog/": "/blog/",
            "a post": posts[len(posts) // 2].get_absolute_url(),
            "a talk": talks[len(talks) // 2].get_absolute_url(),
            "a session": past_session.get_absolute_url(),
        }

    def build_posts(self, Post, author) -> list:
        variants = self.rendered_variants(self.post_markdown, 12)
        objects = []
        for index in range(self.sizes.posts):
            body, body_html = variants[index % len(variants)]
            objects.append(
                Post(
                    title=self.title(),
                    slug=f"post-{index + 1}",
                    author=author,
                    body=body,
                    body_html=body_html,
                    summary=self.sentence(24) if index % 3 == 0 else "",
                    published_at=self.now - timedelta(days=6 * index + 1, hours=index % 7),
                )
            )
        return Post.objects.bulk_create(objects, batch_size=250)

    def build_talks(self, Talk, posts) -> list:
        variants = self.rendered_variants(
            lambda: "\n\n".join([self.paragraph(4), self.paragraph(3)]), 8
        )
        objects = []
        for index in range(self.sizes.talks):
            if index < self.sizes.upcoming_talks:
                day = self.now + timedelta(days=30 * (index + 1))
            else:
                day = self.now - timedelta(days=23 * index)
            event, city = EVENTS[index % len(EVENTS)]
            abstract, abstract_html = variants[index % len(variants)]
            objects.append(
                Talk(
                    title=self.title(),
                    slug=f"talk-{index + 1}",
                    event_name=f"{event} {day.year}",
                    event_url="https://example.org/events/",
                    city=city,
                    is_online=not city,
                    date=day.date(),
                    abstract=abstract,
                    abstract_html=abstract_html,
                    slides_url="https://example.org/slides/" if index % 2 == 0 else "",
                    recording_url=(
                        f"https://www.youtube.com/watch?v=bench{index:06d}"
                        if index % 3 == 0
                        else ""
                    ),
                    writeup_post=posts[index * 3 % len(posts)]
                    if posts and index % 10 == 5
                    else None,
                    published_at=min(day, self.now) - timedelta(days=20),
                )
            )
        for talk in objects:
            talk.place_on_timeline()
        return Talk.objects.bulk_create(objects, batch_size=250)

    def build_sessions(self, Session, series) -> list:
        descriptions = self.rendered_variants(lambda: self.paragraph(3), 6)
        write_ups = self.rendered_variants(
            lambda: "\n\n".join([self.paragraph(4), "- " + self.sentence(), self.paragraph(3)]), 6
        )
        count = self.sizes.past_sessions + self.sizes.upcoming_sessions
        first = self.now - timedelta(weeks=2 * self.sizes.past_sessions)
        objects = []
        for index in range(count):
            starts = first + timedelta(weeks=2 * index)
            description, description_html = descriptions[index % len(descriptions)]
            past = starts < self.now
            write_up, write_up_html = write_ups[index % len(write_ups)] if past else ("", "")
            objects.append(
                Session(
                    series=series,
                    number=index + 1,
                    title=self.title(),
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    description=description,
                    description_html=description_html,
                    write_up=write_up,
                    write_up_html=write_up_html,
                    published_at=starts - timedelta(days=10),
                )
            )
        for session in objects:
            session.place_on_timeline()
        return Session.objects.bulk_create(objects, batch_size=250)

    def build_reading_lists(self, sessions) -> None:
        """Three to six papers per session, each with its identifiers, some presented."""
        Paper = apps.get_model("meetups", "Paper")
        ReadingListEntry = apps.get_model("meetups", "ReadingListEntry")
        lists = [self.random.randint(3, 6) for _ in sessions]
        papers = []
        for number in range(sum(lists)):
            authors = self.random.sample(AUTHORS, self.random.randint(1, 5))
            papers.append(
                Paper(
                    title=self.title(),
                    authors="\n".join(authors),
                    venue=self.random.choice(VENUES),
                    year=1978 + number % 47,
                    doi=f"10.1145/bench.{number}" if number % 2 == 0 else "",
                    arxiv_id=f"{1500 + number % 900}.{number:05d}" if number % 3 == 0 else "",
                    url="https://example.org/paper/" if number % 4 == 0 else "",
                )
            )
        papers = iter(Paper.objects.bulk_create(papers, batch_size=250))
        entries = []
        for session, length in zip(sessions, lists, strict=True):
            for position in range(1, length + 1):
                entries.append(
                    ReadingListEntry(
                        session=session,
                        paper=next(papers),
                        position=position,
                        presenter=self.random.choice(["", "Ada", "Bashir", "Chen"]),
                        note="Sections 1–4 are enough." if position == 2 else "",
                    )
                )
        ReadingListEntry.objects.bulk_create(entries, batch_size=250)

    def tag(self, tags, kinds) -> None:
        """Two or three tags on every post, talk and session."""
        tagged = []
        for model, objects in kinds:
            content_type = ContentType.objects.get_for_model(model)
            for obj in objects:
                for tag in self.random.sample(tags, self.random.randint(2, 3)):
                    tagged.append(TaggedItem(content_type=content_type, object_id=obj.pk, tag=tag))
        TaggedItem.objects.bulk_create(tagged, batch_size=500)
