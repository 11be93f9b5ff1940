"""The rules that tell a session's readings from the other links of its post, one by one."""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from meetups.hugo.readings import looks_like_reference, read_post


def _titles(body: str) -> list[str]:
    return [reading.title for reading in read_post(body).readings]


@pytest.mark.parametrize(
    ("body", "titles"),
    [
        (
            "This time we read [The Log][log] by Jay Kreps; the [slides][s] are online.\n\n"
            "[log]: https://engineering.linkedin.com/distributed-systems/log\n"
            "[s]: https://speakerdeck.com/club/log\n",
            ["The Log"],
        ),
        (
            "We read *[Paxos Made Simple](https://example.org/paxos.pdf)*, which builds on "
            "[The Part-Time Parliament](https://example.org/parliament.pdf).\n",
            ["Paxos Made Simple"],
        ),
        (
            "Our paper: [Dynamo](https://example.org/dynamo.pdf).\n\n"
            "Next time: *[Cassandra](https://example.org/cassandra.pdf)*.\n",
            ["Dynamo"],
        ),
        (
            "This time we read:\n\n- [Spanner](https://example.org/spanner.pdf)\n"
            "- [Recording](https://vimeo.com/1)\n- [Ana](https://ana.example.org/)\n",
            ["Spanner"],
        ),
        (
            "We read about Raft [1]; leader election works as in Paxos [2].\n\n---\n\n"
            '[1] Ongaro, Diego, and John Ousterhout. "In search of an understandable consensus '
            'algorithm." USENIX ATC. 2014.\n\n'
            '[2] Lamport, Leslie. "Paxos made simple." ACM SIGACT News 32.4 (2001): 18-25.\n',
            ["In search of an understandable consensus algorithm"],
        ),
        (
            'We read "Viewstamped Replication Revisited" by Liskov and Cowling (2012): '
            "https://example.org/vr-revisited.pdf\n",
            ["Viewstamped Replication Revisited"],
        ),
    ],
    ids=[
        "reference-style-links",
        "italics-versus-in-passing",
        "next-time",
        "introduced-list-without-material-and-homepages",
        "numbered-cited-only-in-passing",
        "title-in-quotes-beside-a-bare-link",
    ],
)
def test_which_links_are_readings(body, titles):
    assert _titles(body) == titles


def test_every_guess_is_said_and_the_links_stay_in_the_write_up():
    body = (
        "This time we read *[Chord](https://example.org/chord.pdf)*. "
        "Alice presented from [her slides](https://example.org/chord-slides).\n"
    )
    reading = read_post(body)
    assert reading.write_up == body
    assert reading.notes == [
        "read “Chord” as a reading: in “This time we read *…*.”.",
        "not a reading, kept as a link: “her slides” (slides, not a paper).",
    ]


def test_a_link_titled_pdf_takes_the_title_of_its_list_item():
    (reading,) = read_post(
        "Papers:\n\n- Paxos Made Simple ([PDF](https://example.org/paxos.pdf))\n"
    ).readings
    assert (reading.title, reading.title_guessed) == ("Paxos Made Simple", False)
    assert reading.pdf_url == "https://example.org/paxos.pdf"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'Corbett, James C., et al. "Spanner: Google\'s globally distributed database." 2013.',
            True,
        ),
        ("Lamport, L. (2001). Paxos made simple. ACM SIGACT News, 32(4), 18–25.", True),
        ("Lamport, L., 2001. Paxos made simple. ACM SIGACT News, 32(4), pp.18-25.", True),
        ('We discussed "Paxos Made Simple" in 2019 again.', False),
        ("Paxos Made Simple", False),
    ],
    ids=["mla", "apa", "harvard", "a-sentence", "a-title"],
)
def test_what_counts_as_a_whole_reference(text, expected):
    assert looks_like_reference(text) is expected


_MARKDOWN = st.lists(
    st.sampled_from(list('ab [](){}*_>-#:.,"“”\n1/') + ["https://x.org/p.pdf", "\n\n", "[1]"]),
    max_size=120,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(_MARKDOWN)
@example("//[")  # not a link: urlsplit refuses it
def test_any_text_is_read_without_error(body):
    reading = read_post(body)
    assert all(0 < len(reference.title) <= 500 for reference in reading.readings)
    assert isinstance(reading.write_up, str)
