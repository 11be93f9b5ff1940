"""
Demo paper club for `make run`: the Distributed Systems Paper Club in Berlin,
every other Tuesday at 19:00, eight past sessions (one cancelled) with reading
lists of real papers and write-ups, and the next two sessions; three papers
members suggested, with their votes, and one offer to present waiting for the
organizer.
"""

import json
from datetime import time, timedelta
from pathlib import Path

from django.utils import timezone

from meetups.enums import (
    AnnouncementStatus,
    AttendanceStatus,
    ClaimStatus,
    DeliveryStatus,
    SubscriptionStatus,
    SuggestionStatus,
    VoteStatus,
)
from meetups.mailing.content import announcement_subject
from meetups.models import (
    Announcement,
    Attendance,
    Delivery,
    Paper,
    PresenterClaim,
    ReadingListEntry,
    Series,
    Session,
    Subscription,
    Suggestion,
    Vote,
)
from meetups.services import next_cadence_dates
from meetups.zones import combine
from portal import demo

# The real papers the sessions read and the members suggest, by the key that names them.
PAPERS_FILE = Path(__file__).with_name("demo_papers.json")

# Oldest first; `slot` counts cadence slots from the next session (negative: past).
SESSIONS = [
    {
        "number": 13,
        "slot": -8,
        "title": "Time and order",
        "tags": ["distributed-systems", "time"],
        "papers": [("lamport-clocks", "Ada", ""), ("flp", "Bashir", "Sections 1–3 are enough.")],
        "description": "Two classics that everything else builds on: logical clocks, and why "
        "consensus cannot be guaranteed in an asynchronous system with one crash.",
        "write_up": "We drew a lot of space-time diagrams. The surprise of the evening was how "
        "short the FLP proof is once the *bivalent configuration* idea clicks.\n\n"
        "- Lamport clocks give a total order consistent with causality, not *the* order.\n"
        "- FLP rules out deterministic consensus with guaranteed termination; randomization "
        "and partial synchrony are the usual ways out.",
    },
    {
        "number": 14,
        "slot": -7,
        "title": "Paxos, twice",
        "tags": ["consensus", "paxos"],
        "papers": [
            ("part-time-parliament", "Chen", "Skim the Paxon history, read §2."),
            ("paxos-made-simple", "Dolores", ""),
            ("flexible-paxos", "Emre", ""),
        ],
        "description": "The original parliament story, the short version, and the observation "
        "that only phase-1 and phase-2 quorums need to intersect.",
        "write_up": "Most of us preferred *Paxos Made Simple*, but the parliament paper is more "
        "fun than its reputation. Flexible Paxos led to a long discussion about "
        "quorum sizes in geo-replicated deployments.\n\n"
        "| Quorums | Phase 1 | Phase 2 |\n|---|:---:|:---:|\n| Classic (n=5) | 3 | 3 |\n"
        "| Flexible (n=5) | 4 | 2 |",
    },
    {
        "number": 15,
        "slot": -6,
        "title": "Raft",
        "tags": ["consensus", "raft"],
        "papers": [("raft", "Farah", "Read the extended version.")],
        "description": "The consensus algorithm designed to be understood. Bring your questions "
        "about the commit rule of figure 8.",
        "write_up": "We replayed figure 8 on the whiteboard three times. Consensus (ha): the "
        "leader may only count replicas for entries from its **own term**.",
    },
    {
        "number": 16,
        "slot": -5,
        "title": "Paxos vs Raft",
        "tags": ["consensus", "raft", "paxos"],
        "papers": [("paxos-vs-raft", "Ada", "")],
        "description": "Are the two algorithms really that different?",
        "cancelled": "The room was double-booked. Paxos vs Raft comes back later this year.",
    },
    {
        "number": 17,
        "slot": -4,
        "title": "Dynamo and its ring",
        "tags": ["distributed-systems", "hashing", "storage"],
        "papers": [
            ("dynamo", "Bashir", ""),
            ("consistent-hashing", "Chen", "Section 4 only."),
            ("bounded-loads", "Dolores", ""),
            ("crdt", "Emre", "Background for the shopping-cart discussion."),
        ],
        "description": "Amazon's always-writable key-value store, the hashing it is built on, "
        "and what replaced its shopping-cart merges.",
        "write_up": "Sloppy quorums and hinted handoff got the most attention. Several of us had "
        "run Cassandra and recognised every knob. Bounded loads is a neat two-page "
        "idea worth stealing.",
    },
    {
        "number": 18,
        "slot": -3,
        "title": "Google's storage stack",
        "tags": ["storage", "distributed-systems"],
        "papers": [
            ("gfs", "Farah", ""),
            ("bigtable", "Ada", ""),
            ("spanner", "Bashir", "TrueTime: sections 3 and 4."),
        ],
        "description": "From a file system to a globally consistent database in ten years.",
        "write_up": "TrueTime's commit wait stole the show: waiting out the clock uncertainty "
        "turns a physical clock into an ordering guarantee. GFS's single master "
        "aged better than expected.",
    },
    {
        "number": 19,
        "slot": -2,
        "title": "Structured overlays",
        "tags": ["dht", "p2p"],
        "papers": [("chord", "Chen", ""), ("kademlia", "Dolores", ""), ("pastry", "Emre", "")],
        "description": "Three ways to find a key among a million peers in O(log n) hops.",
        "write_up": "Kademlia's XOR metric won the evening: symmetric distance means every "
        "lookup also refreshes the routing table. Chord's finger table remains the "
        "easiest to draw.",
    },
    {
        "number": 20,
        "slot": -1,
        "title": "DHT security",
        "tags": ["dht", "security", "distributed-systems"],
        "papers": [
            ("sybil", "Farah", ""),
            ("secure-routing", "Ada", ""),
            ("s-kademlia", "Bashir", ""),
            ("eclipse", "Chen", ""),
            ("dht-survey", "Dolores", "Our map of the field."),
        ],
        "description": "Sybil, eclipse and routing attacks, and what structured overlays can do "
        "about cheap identities.",
        "write_up": "The common thread: identities are cheap. Constrained node IDs, diverse "
        "routing tables and lookups over disjoint paths each address one attack; "
        "none addresses all of them. See also the blog's checklist.",
    },
    {
        "number": 21,
        "slot": 0,
        "title": "Byzantine consensus",
        "tags": ["consensus", "bft"],
        "papers": [("pbft", "Emre", ""), ("hotstuff", "Farah", "")],
        "description": "From PBFT's three phases to HotStuff's linear view change.",
    },
    {
        "number": 22,
        "slot": 1,
        "title": "Consistency models",
        "tags": ["consistency", "distributed-systems"],
        "papers": [("linearizability", "Ada", ""), ("cap", "Bashir", ""), ("hat", "", "")],
        "description": "What “consistent” means, what it costs, and how much of it you can "
        "keep while staying available.",
    },
]

DESCRIPTION = """We read one to five papers on distributed systems every other Tuesday and
talk about them for two hours. Newcomers are welcome: nobody has to present, and
everybody has read a paper only halfway at some point.

**How a session goes**

1. Each paper gets a ten-minute introduction by its presenter (no slides needed).
2. Open discussion, one paper at a time.
3. Someone writes up what we discussed the same evening.
"""


DEMO_SUBSCRIBERS = ["grace@example.org", "barbara@example.org"]

# The next session's RSVPs, in the order they came: its six places fill, three wait, one cancelled.
DEMO_PLACES = 6
DEMO_RSVPS = [
    ("grace@example.org", "Grace", AttendanceStatus.GOING),
    ("barbara@example.org", "Barbara", AttendanceStatus.GOING),
    ("edsger@example.org", "Edsger", AttendanceStatus.CANCELLED),
    ("leslie@example.org", "Leslie", AttendanceStatus.GOING),
    ("nancy@example.org", "", AttendanceStatus.GOING),
    ("butler@example.org", "Butler", AttendanceStatus.GOING),
    ("tony@example.org", "Tony", AttendanceStatus.GOING),
    ("radia@example.org", "Radia", AttendanceStatus.WAITING),
    ("ken@example.org", "", AttendanceStatus.WAITING),
    ("frances@example.org", "Frances", AttendanceStatus.WAITING),
]

# Open suggestions: the paper, why (Markdown), and how many members voted (the suggester first).
SUGGESTIONS = [
    (
        "chain-replication",
        "Strong consistency with **high throughput**: the idea behind CRAQ and many object stores.",
        4,
    ),
    ("zab", "ZooKeeper's protocol: how it differs from Paxos and Raft in practice.", 2),
    ("vr-revisited", "The other consensus protocol from 1988, rewritten for readers.", 1),
]


def has_content() -> bool:
    return Series.objects.exists()


def load(*, author) -> str:
    series = Series.objects.create(
        name="Distributed Systems Paper Club",
        slug="distributed-systems",
        description=DESCRIPTION,
        time_zone="Europe/Berlin",
        venue_name="Room 3.14, Example Co-working",
        venue_address="Beispielstraße 12\n10999 Berlin",
        venue_map_url="https://www.openstreetmap.org/#map=18/52.49900/13.41800",
        online_url="https://meet.example.org/distributed-systems-paper-club",
        cadence_weeks=2,
        cadence_weekday=1,
        cadence_time=time(19, 0),
        duration_minutes=120,
    )
    papers = {}
    for key, data in json.loads(PAPERS_FILE.read_text(encoding="utf-8")).items():
        paper = Paper(**{**data, "authors": "\n".join(data["authors"])})
        paper.full_clean()
        paper.save()
        papers[key] = paper

    now = timezone.now()
    (next_day,) = next_cadence_dates(series, count=1, now=now)
    # Loaded while a slot is under way, the last past session would still be running:
    # the demo's sessions take the other week's Tuesdays instead, so every past session
    # has ended and the next one is still open for RSVPs.
    previous_start = combine(
        next_day - timedelta(weeks=series.cadence_weeks), series.cadence_time, series.zone
    )
    if previous_start + series.duration > now:
        next_day -= timedelta(weeks=1)
    for data in SESSIONS:
        day = next_day + timedelta(weeks=series.cadence_weeks * data["slot"])
        starts_at = combine(day, series.cadence_time, series.zone)
        announced = starts_at - timedelta(days=12)
        session = Session(
            series=series,
            number=data["number"],
            title=data["title"],
            starts_at=starts_at,
            ends_at=starts_at + series.duration,
            description=data["description"],
            write_up=data.get("write_up", ""),
            published_at=min(announced, now - timedelta(hours=2 - data["slot"])),
        )
        session.full_clean()
        session.save()
        session.tags.set(data["tags"])
        for position, (key, presenter, note) in enumerate(data["papers"], start=1):
            ReadingListEntry.objects.create(
                session=session,
                paper=papers[key],
                position=position,
                presenter=presenter,
                note=note,
            )
        if data.get("cancelled"):
            session.cancel(reason=data["cancelled"])
    # Attendees who confirmed already, so that announcing a session has somebody to reach.
    for email in DEMO_SUBSCRIBERS:
        Subscription.objects.create(
            series=series, email=email, status=SubscriptionStatus.CONFIRMED, confirmed_at=now
        )
    _load_rsvps(series, now=now)
    _announce_then_move(series, now=now)
    _load_suggestions(series, papers, now=now)
    past = sum(1 for data in SESSIONS if data["slot"] < 0)
    return (
        f"the {series.name}: {past} past sessions (one cancelled), "
        f"{len(SESSIONS) - past} upcoming, {len(papers)} papers, "
        f"{len(DEMO_SUBSCRIBERS)} confirmed subscribers; the next session was announced, "
        f"has {DEMO_PLACES} places, all taken, and a waitlist of three, "
        "then moved to another room (its change notice is due on the organizer's desk); "
        f"{len(SUGGESTIONS)} open suggestions and an offer to present"
    )


def _load_rsvps(series: Series, *, now) -> None:
    """The next session is full and has a waitlist; the RSVPs came over the last days."""
    session = (
        Session.objects.filter(series=series, starts_at__gt=now)
        .not_cancelled()
        .order_by("starts_at")
        .first()
    )
    if session is None:
        return
    session.capacity = DEMO_PLACES
    session.save(update_fields=["capacity", "updated_at"])
    for hours_ago, (email, name, status) in zip(
        range(len(DEMO_RSVPS) * 5, 0, -5), DEMO_RSVPS, strict=True
    ):
        answered = now - timedelta(hours=hours_ago)
        Attendance.objects.create(
            session=session,
            email=email,
            name=name,
            status=status,
            queued_at=answered,
            confirmed_at=answered,
            cancelled_at=now - timedelta(hours=1) if status == AttendanceStatus.CANCELLED else None,
        )


def _announce_then_move(series: Series, *, now) -> None:
    """
    The next session was announced to the subscribers, then moved to another
    room: the organizer's desk shows its change notice as due. The announcement
    is recorded as sent; nobody is emailed.
    """
    session = (
        Session.objects.filter(series=series, starts_at__gt=now)
        .not_cancelled()
        .order_by("starts_at")
        .select_related("series")
        .first()
    )
    if session is None:
        return
    announcement = Announcement.objects.create(
        session=session,
        subject=announcement_subject(session),
        body_text="",
        body_html="",
        status=AnnouncementStatus.FINISHED,
        finished_at=now,
        sequence=session.sequence,
        session_state=session.calendar_state(),
    )
    Delivery.objects.bulk_create(
        Delivery(
            announcement=announcement,
            email=subscription.email,
            subscription=subscription,
            status=DeliveryStatus.SENT,
            attempts=1,
            sent_at=now,
        )
        for subscription in series.subscriptions.all()
    )
    session.venue_name = "Room 4.01, Example Co-working (Room 3.14 is being refurbished)"
    session.save()


def _load_suggestions(series: Series, papers: dict[str, Paper], *, now) -> None:
    for age, (key, why, votes) in enumerate(SUGGESTIONS, start=1):
        suggestion = Suggestion.objects.create(
            series=series,
            paper=papers[key],
            why=why,
            email=f"member{age}@example.org",
            status=SuggestionStatus.OPEN,
            confirmed_at=now - timedelta(days=3 * age),
        )
        voters = [suggestion.email, *(f"voter{n}@example.org" for n in range(1, votes))]
        Vote.objects.bulk_create(
            Vote(suggestion=suggestion, email=email, status=VoteStatus.COUNTED) for email in voters
        )
    # The next session's last paper has no presenter yet: someone offered, the organizer decides.
    entry = (
        ReadingListEntry.objects.filter(session__series=series, presenter="")
        .filter(session__starts_at__gt=now)
        .order_by("session__starts_at", "position")
        .first()
    )
    if entry is not None:
        PresenterClaim.objects.create(
            entry=entry, email="grace@example.org", name="Grace", status=ClaimStatus.PENDING
        )


demo.register(has_content=has_content, load=load)
