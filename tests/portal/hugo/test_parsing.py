"""Titles, a talk's link list and link rewriting: parsing without the database."""

import pytest

from portal.hugo.classify import Kind, classify, parse_session_title, parse_talk_title
from portal.hugo.links import convert_shortcodes, rewrite_links, split_talk_materials


@pytest.mark.parametrize(
    ("title", "name", "venue"),
    [
        ('Talk "Raft in production" @GopherCon EU', "Raft in production", "GopherCon EU"),
        ("Talk “Raft in production” @ GopherCon EU", "Raft in production", "GopherCon EU"),
        ("Talk: Tracing without tears", "Tracing without tears", ""),
        ("Talk - Tracing without tears", "Tracing without tears", ""),
        ('Talk "Quoted only"', "Quoted only", ""),
        ("Talk Unquoted name @FOSDEM 2020", "Unquoted name", "FOSDEM 2020"),
        ("Kafka at scale @Berlin Buzzwords", "Kafka at scale", "Berlin Buzzwords"),
        ("Kafka at scale", "Kafka at scale", ""),
    ],
)
def test_talk_titles(title, name, venue):
    parsed = parse_talk_title(title)
    assert (parsed.title, parsed.venue) == (name, venue)


@pytest.mark.parametrize(
    ("title", "number", "club", "topic"),
    [
        ("19th Distributed Systems Paper Club", 19, "Distributed Systems Paper Club", ""),
        ("24th DistSys Reading Group - BBR …", 24, "DistSys Reading Group", "BBR …"),
        (
            "21st Distributed Systems Paper Club – DHT security",
            21,
            "Distributed Systems Paper Club",
            "DHT security",
        ),
        ("2nd Paper Club: Dynamo", 2, "Paper Club", "Dynamo"),
    ],
)
def test_session_titles(title, number, club, topic):
    parsed = parse_session_title(title)
    assert (parsed.number, parsed.club, parsed.topic) == (number, club, topic)


class _Page:
    def __init__(self, title, tags=()):
        self.title, self.tags, self.notes = title, list(tags), []


@pytest.mark.parametrize(
    ("title", "tags", "kind"),
    [
        ("19th Distributed Systems Paper Club", ["paper"], Kind.SESSION),
        ("19th Distributed Systems Paper Club", [], Kind.SESSION),
        ("3rd time lucky - a paper", ["paper"], Kind.SESSION),
        ("1st impressions of Rust", [], Kind.POST),
        ("Reading list", ["paper"], Kind.POST),  # no number: a post, with a note
        ("Talk: Tracing", [], Kind.TALK),
        ("Kafka at scale", ["Talk"], Kind.TALK),
        ("Talking to strangers", [], Kind.POST),
        ("Talk is cheap", [], Kind.POST),
        ("Consensus", ["raft"], Kind.POST),
    ],
)
def test_classification(title, tags, kind):
    page = _Page(title, tags)
    assert classify(page) is kind


def test_a_talks_link_list_becomes_its_materials():
    body = "The abstract, with [a link](https://example.org) inside.\n\n## Links\n\n" + "\n".join(
        [
            "- [Recording](https://www.youtube.com/watch?v=abc)",
            "- [Slides](/static/x.pdf)",
            "* [Write-Up](/blog/2019-06-25-raft/)",
            "- [Workshop](https://github.com/ada/workshop)",
        ]
    )
    abstract, materials = split_talk_materials(body)
    assert abstract == "The abstract, with [a link](https://example.org) inside.\n"
    assert [(m.label, m.url, m.roles) for m in materials] == [
        ("Recording", "https://www.youtube.com/watch?v=abc", {"recording"}),
        ("Slides", "/static/x.pdf", {"slides"}),
        ("Write-Up", "/blog/2019-06-25-raft/", {"writeup"}),
        ("Workshop", "https://github.com/ada/workshop", set()),
    ]


def test_one_combined_link_and_links_on_one_line():
    abstract, materials = split_talk_materials(
        "Text.\n\n[Recording & slides](https://infoq.com/x)\n"
    )
    assert abstract == "Text.\n"
    assert materials[0].roles == {"recording", "slides"}
    _, materials = split_talk_materials(
        "Text.\n\n[Slides](/a.pdf) | [Video](https://vimeo.com/1)\n"
    )
    assert [m.label for m in materials] == ["Slides", "Video"]


def test_a_talk_without_links_keeps_its_body():
    assert split_talk_materials("Only text.\n") == ("Only text.\n", [])


def test_rewriting_links_everywhere_but_code():
    text = "\n".join(
        [
            '[a](/old/) ![b](/img.png "t") <a href=\'/old/\'>c</a> <img src="/img.png">',
            "[ref]: /old/",
            "<https://ada.example.org/old/>",
            "```",
            "[code](/old/)",
            "```",
            "[after](/old/#x) [kept](https://elsewhere.example/)",
        ]
    )
    mapping = {
        "/old/": "/blog/new/",
        "/img.png": "/media/imported/img.png",
        "https://ada.example.org/old/": "/blog/new/",
        "/old/#x": "/blog/new/#x",
    }
    result = rewrite_links(text, mapping.get)
    assert result.split("\n") == [
        "[a](/blog/new/) ![b](/media/imported/img.png \"t\") <a href='/blog/new/'>c</a> "
        '<img src="/media/imported/img.png">',
        "[ref]: /blog/new/",
        "</blog/new/>",
        "```",
        "[code](/old/)",
        "```",
        "[after](/blog/new/#x) [kept](https://elsewhere.example/)",
    ]


def test_shortcodes():
    text = "\n".join(
        [
            '[x]({{< ref "post/foo.md" >}}) and {{< relref "missing.md" >}}',
            '{{< figure src="/images/a.png" caption="A <diagram>" >}}',
            "{{< youtube dQw4w9WgXcQ >}}",
            "{{< highlight go >}}\nfmt.Println(1)\n{{< /highlight >}}",
            "{{< mystery >}}",
        ]
    )
    result, notes = convert_shortcodes(text, ref={"post/foo.md": "/blog/foo/"}.get)
    assert "[x](/blog/foo/) and missing.md" in result
    assert '<figure><img src="/images/a.png" alt="A &lt;diagram&gt;">' in result
    assert "<figcaption>A &lt;diagram&gt;</figcaption></figure>" in result
    assert "[Video on YouTube](https://www.youtube.com/watch?v=dQw4w9WgXcQ)" in result
    assert "```go\nfmt.Println(1)\n```" in result
    assert "{{< mystery >}}" in result
    assert any("missing.md" in note for note in notes)
    assert any("“mystery”" in note for note in notes)
