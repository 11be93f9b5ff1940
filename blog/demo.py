"""Demo posts for `make run`: code, tables, footnotes, tags, a draft and a scheduled post."""

from datetime import timedelta

from django.utils import timezone

from blog.models import Post
from portal import demo

POSTS = [
    {
        "title": "Why QUIC handshakes are faster than TLS over TCP",
        "slug": "quic-handshakes",
        "days_ago": 400,
        "tags": ["quic", "networking", "tls"],
        "body": """A QUIC connection can carry application data in its **first** flight.
That is the whole trick, and the rest of this post explains where the round trips went.[^rfc]

## Counting round trips

| Stack | New connection | Resumed |
|---|:---:|:---:|
| TCP + TLS 1.2 | 3 RTT | 2 RTT |
| TCP + TLS 1.3 | 2 RTT | 1 RTT (0-RTT with early data) |
| QUIC | 1 RTT | 0 RTT |

The handshake is folded into the transport, so there is no separate TCP SYN exchange.

```python
def round_trips(stack: str, resumed: bool) -> int:
    table = {"tcp+tls12": (3, 2), "tcp+tls13": (2, 1), "quic": (1, 0)}
    new, again = table[stack]
    return again if resumed else new
```

<small>Numbers assume no packet loss and no HelloRetryRequest.</small>

[^rfc]: RFC 9000 and RFC 9001 describe the transport and how it uses TLS.
""",
    },
    {
        "title": "Reading Raft again, five years later",
        "slug": "reading-raft-again",
        "days_ago": 300,
        "tags": ["raft", "consensus", "papers"],
        "body": """The Raft paper set out to be *understandable*, and it mostly is. On a second
reading the parts that matter are the ones that look like details.

## The commit rule

A leader may only count replicas for entries **from its own term**. Entries from
earlier terms are committed indirectly.[^fig8]

```go
if rf.log[n].Term == rf.currentTerm && matched >= majority {
    rf.commitIndex = n
}
```

<details>
<summary>Why not count older entries?</summary>
Figure 8 of the paper shows a log entry replicated on a majority that is still overwritten.
</details>

[^fig8]: Ongaro and Ousterhout, *In Search of an Understandable Consensus Algorithm*, §5.4.2.
""",
    },
    {
        "title": "Notes from running a paper club for two years",
        "slug": "running-a-paper-club",
        "days_ago": 150,
        "tags": ["papers", "community"],
        "body": """Every other Tuesday, a dozen people read the same papers and argue about them
for ninety minutes. Some things we learned:

1. Announce the reading list **two weeks** ahead.
2. One presenter per paper, ten minutes, no slides required.
3. Write up what was discussed the same evening.

| Year | Sessions | Papers | Average attendance |
|---|---:|---:|---:|
| 2024 | 22 | 61 | 11 |
| 2025 | 24 | 70 | 14 |

The write-ups turned out to be the most read pages of the site.
""",
    },
    {
        "title": "Consistent hashing, bounded loads",
        "slug": "consistent-hashing-bounded-loads",
        "days_ago": 60,
        "tags": ["distributed-systems", "hashing"],
        "body": """Plain consistent hashing balances keys, not load. With bounded loads, each
server accepts at most `c · average` keys and passes the rest clockwise.

```rust
fn place(key: u64, ring: &Ring, cap: usize) -> ServerId {
    ring.successors(key).find(|s| s.load < cap).expect("ring not full")
}
```

With `c = 1.25` the maximum load stays within 25% of the average, at the cost of a
few extra moves when servers join.<sup>1</sup>
""",
    },
    {
        "title": "A checklist for DHT security",
        "slug": "dht-security-checklist",
        "days_ago": 20,
        "tags": ["dht", "security", "distributed-systems"],
        "body": """Sybil, eclipse and routing attacks share a root cause: identities are cheap.

- **Constrain identifiers**: derive node IDs from something costly.
- **Diversify routing tables**: not all contacts from one subnet.
- **Verify lookups**: query along several disjoint paths.

See the club's session on DHT security for the papers behind each point.
""",
    },
    {
        "title": "Draft: what I got wrong about CRDTs",
        "slug": "crdt-mistakes",
        "days_ago": None,
        "tags": ["crdt"],
        "body": "Work in progress: notes on tombstones and causal stability.",
    },
    {
        "title": "Upcoming: my QUIC talk, annotated",
        "slug": "quic-talk-annotated",
        "days_ago": -10,
        "tags": ["quic"],
        "body": "Scheduled: the annotated slides go live after the conference.",
    },
]


def has_content() -> bool:
    return Post.objects.exists()


def load(*, author) -> str:
    now = timezone.now()
    for data in POSTS:
        days_ago = data["days_ago"]
        post = Post.objects.create(
            title=data["title"],
            slug=data["slug"],
            author=author,
            body=data["body"],
            published_at=None if days_ago is None else now - timedelta(days=days_ago),
        )
        post.tags.set(data["tags"])
    return f"{len(POSTS)} posts (one draft, one scheduled)"


demo.register(has_content=has_content, load=load)
