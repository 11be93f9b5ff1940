"""
Demo paper club for `make run`: the Distributed Systems Paper Club in Berlin,
every other Tuesday at 19:00, eight past sessions (one cancelled) with reading
lists of real papers and write-ups, and the next two sessions.
"""

from datetime import time, timedelta

from django.utils import timezone

from meetups.enums import PaperKind, SubscriptionStatus
from meetups.models import Paper, ReadingListEntry, Series, Session, Subscription
from meetups.services import next_cadence_dates
from meetups.zones import combine
from portal import demo

A = PaperKind.ARTICLE
C = PaperKind.INPROCEEDINGS

PAPERS = {
    "lamport-clocks": {
        "title": "Time, Clocks, and the Ordering of Events in a Distributed System",
        "authors": ["Leslie Lamport"],
        "kind": A,
        "venue": "Communications of the ACM 21(7)",
        "year": 1978,
        "doi": "10.1145/359545.359563",
        "pdf_url": "https://lamport.azurewebsites.net/pubs/time-clocks.pdf",
    },
    "flp": {
        "title": "Impossibility of Distributed Consensus with One Faulty Process",
        "authors": ["Michael J. Fischer", "Nancy A. Lynch", "Michael S. Paterson"],
        "kind": A,
        "venue": "Journal of the ACM 32(2)",
        "year": 1985,
        "doi": "10.1145/3149.214121",
    },
    "part-time-parliament": {
        "title": "The Part-Time Parliament",
        "authors": ["Leslie Lamport"],
        "kind": A,
        "venue": "ACM Transactions on Computer Systems 16(2)",
        "year": 1998,
        "doi": "10.1145/279227.279229",
    },
    "paxos-made-simple": {
        "title": "Paxos Made Simple",
        "authors": ["Leslie Lamport"],
        "kind": A,
        "venue": "ACM SIGACT News 32(4)",
        "year": 2001,
        "doi": "10.1145/568425.568433",
        "pdf_url": "https://lamport.azurewebsites.net/pubs/paxos-simple.pdf",
    },
    "flexible-paxos": {
        "title": "Flexible Paxos: Quorum Intersection Revisited",
        "authors": ["Heidi Howard", "Dahlia Malkhi", "Alexander Spiegelman"],
        "kind": C,
        "venue": "OPODIS 2016",
        "year": 2016,
        "arxiv_id": "1608.06696",
    },
    "raft": {
        "title": "In Search of an Understandable Consensus Algorithm",
        "authors": ["Diego Ongaro", "John Ousterhout"],
        "kind": C,
        "venue": "USENIX Annual Technical Conference (USENIX ATC 14)",
        "year": 2014,
        "url": "https://www.usenix.org/conference/atc14/technical-sessions/presentation/ongaro",
        "pdf_url": "https://raft.github.io/raft.pdf",
    },
    "paxos-vs-raft": {
        "title": "Paxos vs Raft: Have We Reached Consensus on Distributed Consensus?",
        "authors": ["Heidi Howard", "Richard Mortier"],
        "kind": C,
        "venue": "PaPoC 2020",
        "year": 2020,
        "doi": "10.1145/3380787.3393681",
        "arxiv_id": "2004.05074",
    },
    "dynamo": {
        "title": "Dynamo: Amazon's Highly Available Key-value Store",
        "authors": [
            "Giuseppe DeCandia",
            "Deniz Hastorun",
            "Madan Jampani",
            "Gunavardhan Kakulapati",
            "Avinash Lakshman",
            "Alex Pilchin",
            "Swaminathan Sivasubramanian",
            "Peter Vosshall",
            "Werner Vogels",
        ],
        "kind": C,
        "venue": "SOSP 2007",
        "year": 2007,
        "doi": "10.1145/1294261.1294281",
    },
    "consistent-hashing": {
        "title": "Consistent Hashing and Random Trees: Distributed Caching Protocols for "
        "Relieving Hot Spots on the World Wide Web",
        "authors": [
            "David Karger",
            "Eric Lehman",
            "Tom Leighton",
            "Rina Panigrahy",
            "Matthew Levine",
            "Daniel Lewin",
        ],
        "kind": C,
        "venue": "STOC 1997",
        "year": 1997,
        "doi": "10.1145/258533.258660",
    },
    "bounded-loads": {
        "title": "Consistent Hashing with Bounded Loads",
        "authors": ["Vahab Mirrokni", "Mikkel Thorup", "Morteza Zadimoghaddam"],
        "kind": C,
        "venue": "SODA 2018",
        "year": 2018,
        "arxiv_id": "1608.01350",
    },
    "crdt": {
        "title": "Conflict-Free Replicated Data Types",
        "authors": ["Marc Shapiro", "Nuno Preguiça", "Carlos Baquero", "Marek Zawirski"],
        "kind": C,
        "venue": "SSS 2011",
        "year": 2011,
        "doi": "10.1007/978-3-642-24550-3_29",
    },
    "gfs": {
        "title": "The Google File System",
        "authors": ["Sanjay Ghemawat", "Howard Gobioff", "Shun-Tak Leung"],
        "kind": C,
        "venue": "SOSP 2003",
        "year": 2003,
        "doi": "10.1145/945445.945450",
    },
    "bigtable": {
        "title": "Bigtable: A Distributed Storage System for Structured Data",
        "authors": [
            "Fay Chang",
            "Jeffrey Dean",
            "Sanjay Ghemawat",
            "Wilson C. Hsieh",
            "Deborah A. Wallach",
            "Mike Burrows",
            "Tushar Chandra",
            "Andrew Fikes",
            "Robert E. Gruber",
        ],
        "kind": A,
        "venue": "ACM Transactions on Computer Systems 26(2)",
        "year": 2008,
        "doi": "10.1145/1365815.1365816",
    },
    "spanner": {
        "title": "Spanner: Google's Globally Distributed Database",
        "authors": [
            "James C. Corbett",
            "Jeffrey Dean",
            "Michael Epstein",
            "Andrew Fikes",
            "Christopher Frost",
            "J. J. Furman",
            "Sanjay Ghemawat",
            "Andrey Gubarev",
            "Christopher Heiser",
            "Peter Hochschild",
            "Wilson Hsieh",
            "Sebastian Kanthak",
            "Eugene Kogan",
            "Hongyi Li",
            "Alexander Lloyd",
            "Sergey Melnik",
            "David Mwaura",
            "David Nagle",
            "Sean Quinlan",
            "Rajesh Rao",
            "Lindsay Rolig",
            "Yasushi Saito",
            "Michal Szymaniak",
            "Christopher Taylor",
            "Ruth Wang",
            "Dale Woodford",
        ],
        "kind": A,
        "venue": "ACM Transactions on Computer Systems 31(3)",
        "year": 2013,
        "doi": "10.1145/2491245",
    },
    "chord": {
        "title": "Chord: A Scalable Peer-to-peer Lookup Service for Internet Applications",
        "authors": [
            "Ion Stoica",
            "Robert Morris",
            "David Karger",
            "M. Frans Kaashoek",
            "Hari Balakrishnan",
        ],
        "kind": C,
        "venue": "SIGCOMM 2001",
        "year": 2001,
        "doi": "10.1145/383059.383071",
    },
    "kademlia": {
        "title": "Kademlia: A Peer-to-Peer Information System Based on the XOR Metric",
        "authors": ["Petar Maymounkov", "David Mazières"],
        "kind": C,
        "venue": "IPTPS 2002",
        "year": 2002,
        "doi": "10.1007/3-540-45748-8_5",
    },
    "pastry": {
        "title": "Pastry: Scalable, Decentralized Object Location, and Routing for Large-Scale "
        "Peer-to-Peer Systems",
        "authors": ["Antony Rowstron", "Peter Druschel"],
        "kind": C,
        "venue": "Middleware 2001",
        "year": 2001,
        "doi": "10.1007/3-540-45518-3_18",
    },
    "sybil": {
        "title": "The Sybil Attack",
        "authors": ["John R. Douceur"],
        "kind": C,
        "venue": "IPTPS 2002",
        "year": 2002,
        "doi": "10.1007/3-540-45748-8_24",
    },
    "secure-routing": {
        "title": "Secure Routing for Structured Peer-to-Peer Overlay Networks",
        "authors": [
            "Miguel Castro",
            "Peter Druschel",
            "Ayalvadi Ganesh",
            "Antony Rowstron",
            "Dan S. Wallach",
        ],
        "kind": C,
        "venue": "OSDI 2002",
        "year": 2002,
        "doi": "10.1145/844128.844156",
    },
    "s-kademlia": {
        "title": "S/Kademlia: A Practicable Approach Towards Secure Key-Based Routing",
        "authors": ["Ingmar Baumgart", "Sebastian Mies"],
        "kind": C,
        "venue": "ICPADS 2007",
        "year": 2007,
        "doi": "10.1109/ICPADS.2007.4447808",
    },
    "eclipse": {
        "title": "Eclipse Attacks on Bitcoin's Peer-to-Peer Network",
        "authors": ["Ethan Heilman", "Alison Kendler", "Aviv Zohar", "Sharon Goldberg"],
        "kind": C,
        "venue": "USENIX Security 2015",
        "year": 2015,
        "url": "https://www.usenix.org/conference/usenixsecurity15/technical-sessions/"
        "presentation/heilman",
    },
    "dht-survey": {
        "title": "A Survey of DHT Security Techniques",
        "authors": ["Guido Urdaneta", "Guillaume Pierre", "Maarten van Steen"],
        "kind": A,
        "venue": "ACM Computing Surveys 43(2)",
        "year": 2011,
        "doi": "10.1145/1883612.1883615",
    },
    "pbft": {
        "title": "Practical Byzantine Fault Tolerance",
        "authors": ["Miguel Castro", "Barbara Liskov"],
        "kind": C,
        "venue": "OSDI 1999",
        "year": 1999,
        "pdf_url": "https://pmg.csail.mit.edu/papers/osdi99.pdf",
    },
    "hotstuff": {
        "title": "HotStuff: BFT Consensus with Linearity and Responsiveness",
        "authors": [
            "Maofan Yin",
            "Dahlia Malkhi",
            "Michael K. Reiter",
            "Guy Golan Gueta",
            "Ittai Abraham",
        ],
        "kind": C,
        "venue": "PODC 2019",
        "year": 2019,
        "doi": "10.1145/3293611.3331591",
        "arxiv_id": "1803.05069",
    },
    "linearizability": {
        "title": "Linearizability: A Correctness Condition for Concurrent Objects",
        "authors": ["Maurice P. Herlihy", "Jeannette M. Wing"],
        "kind": A,
        "venue": "ACM Transactions on Programming Languages and Systems 12(3)",
        "year": 1990,
        "doi": "10.1145/78969.78972",
    },
    "cap": {
        "title": "Brewer's Conjecture and the Feasibility of Consistent, Available, "
        "Partition-Tolerant Web Services",
        "authors": ["Seth Gilbert", "Nancy Lynch"],
        "kind": A,
        "venue": "ACM SIGACT News 33(2)",
        "year": 2002,
        "doi": "10.1145/564585.564601",
    },
    "hat": {
        "title": "Highly Available Transactions: Virtues and Limitations",
        "authors": [
            "Peter Bailis",
            "Aaron Davidson",
            "Alan Fekete",
            "Ali Ghodsi",
            "Joseph M. Hellerstein",
            "Ion Stoica",
        ],
        "kind": A,
        "venue": "Proceedings of the VLDB Endowment 7(3)",
        "year": 2013,
        "arxiv_id": "1302.0309",
    },
}

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
    for key, data in PAPERS.items():
        paper = Paper(**{**data, "authors": "\n".join(data["authors"])})
        paper.full_clean()
        paper.save()
        papers[key] = paper

    now = timezone.now()
    (next_day,) = next_cadence_dates(series, count=1, now=now)
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
    past = sum(1 for data in SESSIONS if data["slot"] < 0)
    return (
        f"the {series.name}: {past} past sessions (one cancelled), "
        f"{len(SESSIONS) - past} upcoming, {len(PAPERS)} papers, "
        f"{len(DEMO_SUBSCRIBERS)} confirmed subscribers"
    )


demo.register(has_content=has_content, load=load)
