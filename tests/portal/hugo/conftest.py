"""Hugo sites built in a temporary folder, with the quirks real sites have."""

import re
import textwrap
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from talks.demo import minimal_pdf


class HugoSite:
    def __init__(self, root: Path):
        self.root = root
        (root / "content").mkdir(parents=True, exist_ok=True)

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def write_bytes(self, relative: str, data: bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path


@pytest.fixture
def hugo_site(tmp_path):
    """Factory for an empty site: hugo_site() → HugoSite with a content/ folder."""

    def factory(name="site"):
        return HugoSite(tmp_path / name)

    return factory


@pytest.fixture
def run_import(organizer):
    """run_import(site, *args) → the command's output; the organizer owns the posts."""

    def run(site, *args):
        out = StringIO()
        call_command("import_hugo", str(site.root), *args, stdout=out, stderr=StringIO())
        return out.getvalue()

    return run


SLIDES_PDF = minimal_pdf(title="Raft in production", lines=["Slide one"])

# One page per quirk seen on real sites.
QUIRKY_SITE = {
    "config.toml": """
        baseURL = "https://ada.example.org/"
        title = "Ada's notes"
        timeZone = "Europe/Berlin"

        [permalinks]
          blog = "/:year/:month/:slug/"
        """,
    # YAML, a date with a time and Z, tags, aliases (absolute and relative), raw HTML,
    # an image and a PDF from static/.
    "content/post/2019-06-25-consensus.md": """
        ---
        title: "Consensus in practice"
        date: 2019-06-25T00:00:00Z
        tags: ["raft", "distributed-systems"]
        summary: "What running Raft taught me."
        aliases:
          - /old/consensus/
          - consensus-notes
        ShowToc: true
        cover:
          image: /images/diagram.png
        ---
        Raft is <small>mostly</small> understandable<sup>1</sup>.

        ![The diagram](/images/diagram.png)

        The [slides as PDF](/static/x.pdf) and <a href="/static/x.pdf">again</a>.

        ```
        [not a link](/static/x.pdf)
        ```
        """,
    # TOML, a date without time, no tags, a slug, .markdown, links to another page.
    "content/post/2020-02-01-notes.markdown": """
        +++
        title = "Field notes"
        date = 2022-04-29
        slug = "field-notes"
        +++
        Back to [consensus](/post/2019-06-25-consensus/#why), also via
        [ref]({{< ref "post/2019-06-25-consensus.md" >}}) and [relative](2019-06-25-consensus.md).
        """,
    # A draft in a section with a permalink pattern.
    "content/blog/drafty.md": """
        ---
        title: A draft
        date: 2021-05-03
        draft: true
        slug: half-done
        ---
        Not ready.
        """,
    # A talk with the tag, quotes and venue, and every kind of link.
    "content/post/2019-07-10-talk-raft.md": """
        ---
        title: 'Talk "Raft in production" @GopherCon EU'
        date: 2019-07-10
        tags: [talk, raft]
        ---
        How we ran Raft for three years.

        - [Recording](https://www.youtube.com/watch?v=abc123)
        - [Slides](/static/x.pdf)
        - [Write-Up](/post/2019-06-25-consensus/)
        - [Workshop](https://github.com/ada/raft-workshop)
        """,
    # A talk without the tag, without quotes and venue, with one combined link.
    "content/post/2021-03-03-talk-tracing.md": """
        ---
        title: "Talk: Tracing without tears"
        date: 2021-03-03
        ---
        Distributed tracing for the rest of us.

        [Recording & slides](https://www.infoq.com/presentations/tracing/)
        """,
    # A talk by its tag only, venue without quotes, links elsewhere.
    "content/talks/kafka.md": """
        ---
        title: Kafka at scale @Berlin Buzzwords
        date: 2018-06-12
        tags: [talk]
        ---
        Partitions, and what they cost.

        - [Slides](https://speakerdeck.com/ada/kafka)
        - [Write-Up](https://medium.com/@ada/kafka-at-scale)
        """,
    # Numbered references after the last rule, one with its URL on the next line.
    "content/post/2019-11-28-19th-paper-club.md": """
        ---
        title: "19th Distributed Systems Paper Club"
        date: 2019-11-28T00:00:00Z
        tags: [paper, dht]
        ---
        We read about DHT security [1] and the Sybil attack [2].

        ---

        [1] Guido Urdaneta, Guillaume Pierre, and Maarten van Steen, "A Survey of DHT Security Techniques." ACM Computing Surveys. 2011.
        https://doi.org/10.1145/1883612.1883615

        [2] John R. Douceur, "The Sybil Attack." IPTPS. 2002.
        """,
    # The other title style, references under a heading, a paper read before.
    "content/post/2019-12-12-24th.md": """
        ---
        title: "24th DistSys Reading Group - BBR congestion control"
        date: 2019-12-12
        tags: [paper]
        ---
        Is loss a signal of congestion?

        ## References

        [1] Neal Cardwell, Yuchung Cheng, C. Stephen Gunn, Soheil Hassas Yeganeh, and Van Jacobson, "BBR: Congestion-Based Congestion Control." ACM Queue 14(5). 2016. doi:10.1145/3012426.3022184

        [2] Guido Urdaneta, Guillaume Pierre, and Maarten van Steen, "A Survey of DHT Security Techniques." ACM Computing Surveys. 2011.

        ## Afterwards

        We went for pizza.
        """,
    # Bare PDF links, one from static/.
    "content/post/2020-01-09-25th-paper-club.md": """
        ---
        title: "25th Distributed Systems Paper Club"
        date: 2020-01-09
        tags: [paper]
        ---
        This time:

        https://arxiv.org/pdf/1608.06696v2.pdf

        /static/papers/chord.pdf
        """,
    # A bullet list of links; no 26th or 27th: gaps are fine.
    "content/post/2020-02-06-28th-paper-club.md": """
        ---
        title: "28th Distributed Systems Paper Club - Consistent hashing"
        date: 2020-02-06
        tags: [paper]
        ---
        Two classics.

        ---

        - [Consistent Hashing and Random Trees](https://dl.acm.org/doi/10.1145/258533.258660)
        - [Dynamo: Amazon's Highly Available Key-value Store](https://www.allthingsdistributed.com/files/amazon-dynamo-sosp2007.pdf)
        """,
    # A page at the top of content/.
    "content/about.md": """
        ---
        title: About
        ---
        I write about distributed systems.
        """,
    "content/post/_index.md": """
        ---
        title: Posts
        ---
        """,
    "content/post/broken.md": """
        ---
        title: "Broken
        date: 2019-01-01
        ---
        The quote is never closed.
        """,
    "content/post/untitled.md": """
        ---
        date: 2019-01-01
        ---
        Nobody named me.
        """,
    "static/images/diagram.png": b"\x89PNG\r\n\x1a\n fake image",
    "static/x.pdf": SLIDES_PDF,
    "static/papers/chord.pdf": minimal_pdf(title="Chord", lines=["Chord"]),
}


@pytest.fixture
def quirky_site(hugo_site):
    site = hugo_site()
    for relative, content in QUIRKY_SITE.items():
        if isinstance(content, bytes):
            site.write_bytes(relative, content)
        else:
            site.write(relative, content)
    return site


def summary_row(output: str, label: str) -> list[int]:
    """The numbers on the summary table's line for `label` (“posts”, “files copied”, …)."""
    for line in output.splitlines():
        if line.startswith(f"  {label} "):
            return [int(number) for number in re.findall(r"\d+", line[len(label) + 2 :])]
    raise AssertionError(f"no “{label}” line in:\n{output}")


@pytest.fixture(autouse=True)
def _no_paper_lookup(settings):
    """No import reaches the internet: papers known only by a link keep their guessed titles."""
    settings.PAPER_LOOKUP = False
