"""
Demo talks for `make run`: several events and years, one with uploaded PDF slides,
one with a YouTube recording, one written up in a blog post, one upcoming and
one draft.
"""

from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from blog.models import Post
from portal import demo
from talks.models import Talk

WRITEUP_POST_SLUG = "quic-handshakes"

TALKS = [
    {
        "title": "QUIC from the inside: where the round trips went",
        "slug": "quic-from-the-inside",
        "event_name": "FOSDEM 2024",
        "event_url": "https://archive.fosdem.org/2024/",
        "city": "Brussels, Belgium",
        "date": date(2024, 2, 4),
        "tags": ["quic", "networking", "tls"],
        "writeup_post": WRITEUP_POST_SLUG,
        "slides_pdf": True,
        "abstract": """QUIC promises application data in the first flight. This talk follows one
connection packet by packet and counts where TCP and TLS spent their round trips.

- the handshake folded into the transport;
- 0-RTT resumption, and why it is replayable;
- what middleboxes made of it.
""",
        "links": [
            ("Packet captures used in the talk", "https://example.org/quic-captures/"),
            ("Code: a toy QUIC client", "https://example.org/toy-quic/"),
        ],
    },
    {
        "title": "Raft in practice: the commit rule nobody reads",
        "slug": "raft-in-practice",
        "event_name": "Papers We Love Berlin",
        "event_url": "https://example.org/papers-we-love-berlin/",
        "city": "Berlin, Germany",
        "date": date(2024, 10, 17),
        "tags": ["raft", "consensus", "papers"],
        "recording_url": "https://www.youtube.com/watch?v=Pq7xDemoRft",
        "slides_url": "https://example.org/slides/raft-in-practice/",
        "abstract": """Figure 8 of the Raft paper shows a log entry on a majority of servers that is
*still* overwritten. We replay it step by step and see why a leader only counts
replicas for entries from its own term.
""",
        "co_speakers": [("Grace Sample", "https://example.org/grace/")],
    },
    {
        "title": "Consistent hashing with bounded loads",
        "slug": "consistent-hashing-bounded-loads",
        "event_name": "Distributed Systems Days 2025",
        "event_url": "https://example.org/dsdays-2025/",
        "city": "",
        "is_online": True,
        "date": date(2025, 6, 12),
        "tags": ["distributed-systems", "hashing"],
        "recording_url": "https://vimeo.com/912345678",
        "writeup_url": "https://example.org/blog/bounded-loads-recap/",
        "abstract": """Plain consistent hashing balances keys, not load. With a capacity of
`c · average` per server, the maximum load stays within bounds at the price of a
few extra moves. A live demo on a ring of forty servers.
""",
    },
    {
        "title": "Sicherheit in verteilten Hashtabellen",
        "slug": "sicherheit-in-dhts",
        "event_name": "Datenspuren 2025",
        "event_url": "https://datenspuren.de/2025/",
        "city": "Dresden, Germany",
        "date": date(2025, 9, 20),
        "language": "de",
        "tags": ["dht", "security", "distributed-systems"],
        "slides_url": "https://example.org/slides/dht-sicherheit.pdf",
        "abstract": """Sybil-, Eclipse- und Routing-Angriffe haben eine gemeinsame Ursache:
Identitäten sind billig. Ein Überblick über Gegenmaßnahmen aus zwanzig Jahren
Forschung.
""",
    },
    {
        "title": "What CRDTs cost you: tombstones, metadata and causal stability",
        "slug": "what-crdts-cost",
        "event_name": "Local-First Conf",
        "event_url": "https://example.org/local-first-conf/",
        "city": "Amsterdam, Netherlands",
        "is_online": True,
        "days_from_now": 45,
        "tags": ["crdt", "distributed-systems"],
        "abstract": """Conflict-free replicated data types merge without coordination, but not
without cost. We measure the metadata real applications carry and when it can be
thrown away.
""",
    },
    {
        "title": "Draft: gossip protocols for the impatient",
        "slug": "gossip-protocols",
        "event_name": "To be announced",
        "city": "",
        "is_online": True,
        "days_from_now": 200,
        "draft": True,
        "tags": ["distributed-systems"],
        "abstract": "Notes for a talk that has not been accepted yet.",
    },
]


def minimal_pdf(*, title: str, lines: list[str]) -> bytes:
    """A small but valid one-page PDF showing `title` and `lines` in Helvetica."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = [f"BT /F1 24 Tf 72 720 Td ({escape(title)}) Tj ET"]
    for number, line in enumerate(lines):
        text.append(f"BT /F1 14 Tf 72 {680 - 22 * number} Td ({escape(line)}) Tj ET")
    stream = "\n".join(text).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    pdf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        pdf += b"%010d 00000 n \n" % offset
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(pdf)


def has_content() -> bool:
    return Talk.objects.exists()


def load(*, author) -> str:
    now = timezone.now()
    today = timezone.localdate()
    writeup_post = Post.objects.filter(slug=WRITEUP_POST_SLUG).first()
    for data in TALKS:
        talk_date = data.get("date") or today + timedelta(days=data["days_from_now"])
        if data.get("draft"):
            published_at = None
        elif talk_date > today:
            # An upcoming talk is announced ahead of time.
            published_at = now - timedelta(days=3)
        else:
            published_at = timezone.make_aware(datetime.combine(talk_date, time(18, 0)))
        talk = Talk(
            title=data["title"],
            slug=data["slug"],
            event_name=data["event_name"],
            event_url=data.get("event_url", ""),
            city=data.get("city", ""),
            is_online=data.get("is_online", False),
            date=talk_date,
            language=data.get("language", "en"),
            abstract=data["abstract"],
            slides_url=data.get("slides_url", ""),
            recording_url=data.get("recording_url", ""),
            writeup_url=data.get("writeup_url", ""),
            published_at=published_at,
        )
        if data.get("writeup_post"):
            # Without the blog's demo post the talk simply has no write-up.
            talk.writeup_post = writeup_post
        if data.get("slides_pdf"):
            pdf = minimal_pdf(
                title=data["title"],
                lines=[data["event_name"], f"{talk_date:%d %B %Y}", "Demo slides"],
            )
            talk.slides_file.save(f"{data['slug']}.pdf", ContentFile(pdf), save=False)
        talk.full_clean()
        talk.save()
        talk.tags.set(data["tags"])
        for position, (label, url) in enumerate(data.get("links", []), start=1):
            talk.links.create(label=label, url=url, position=position)
        for position, (name, url) in enumerate(data.get("co_speakers", []), start=1):
            talk.co_speakers.create(name=name, url=url, position=position)
    if writeup_post:
        writeup = "a write-up post"
    else:
        writeup = f"no write-up post (“{WRITEUP_POST_SLUG}” is missing)"
    return (
        f"{len(TALKS)} talks (one upcoming, one draft; PDF slides, a YouTube recording, {writeup})"
    )


demo.register(has_content=has_content, load=load)
