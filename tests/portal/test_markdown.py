import re
from html.parser import HTMLParser

import pytest

from portal.markdown import count_words, excerpt_from_html, render_markdown, sanitize_html

# Each payload is something an attacker (or a careless paste) could put into a
# post body. None of it may reach the page in a form a browser would execute.
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    '<math href="javascript:alert(1)">click</math>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1))",
    '<a href="java&#x09;script:alert(1)">tab</a>',
    '<a href="java\nscript:alert(1)">newline</a>',
    '<a href="  javascript:alert(1)">leading spaces</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">padded entities</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    "[data](data:text/html,<script>alert(1)</script>)",
    '<a href="vbscript:msgbox(1)">vb</a>',
    "![img](javascript:alert(1))",
    '<iframe src="https://evil.example/"></iframe>',
    '<form action="https://evil.example/"><input name="q"><button>Go</button></form>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div onmouseover="alert(1)">hover</div>',
    '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf">',
    '<a href="https://ok.example/" onclick="alert(1)">ok link, bad handler</a>',
    '<img """><script>alert(1)</script>">',
    '<details open ontoggle="alert(1)"><summary>x</summary></details>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<style>body{background:red}</style>",
    '<a href="javascript&colon;alert(1)">colon entity</a>',
    "<<script>script>alert(1)<</script>/script>",
    '<img src="x" srcset="javascript:alert(1)">',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
]

FORBIDDEN_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "form",
    "input",
    "button",
    "base",
    "meta",
    "link",
    "style",
    "svg",
    "math",
    "noscript",
}
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "xlink:href", "data"}
DANGEROUS_SCHEME = re.compile(r"^(javascript|data|vbscript):", re.I)


class ElementCollector(HTMLParser):
    """What a browser would build from the HTML: elements and their decoded attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def executable_parts(html: str) -> list[str]:
    collector = ElementCollector()
    collector.feed(html)
    problems = []
    for tag, attrs in collector.elements:
        if tag in FORBIDDEN_TAGS:
            problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                problems.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and value:
                # Browsers drop ASCII whitespace and control characters in URLs.
                squeezed = re.sub(r"[\x00-\x20]", "", value)
                if DANGEROUS_SCHEME.match(squeezed):
                    problems.append(f"{tag}[{name}={value!r}]")
    return problems


@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=range(len(XSS_PAYLOADS)))
def test_nothing_executable_survives(payload):
    html = render_markdown(payload)
    assert executable_parts(html) == [], html


def test_the_checker_itself_catches_executable_html():
    assert executable_parts('<img src=x onerror="alert(1)">') == ["img[onerror]"]
    assert executable_parts('<a href="java&#x09;script:x">') == ["a[href='java\\tscript:x']"]
    assert executable_parts("<script></script>") == ["<script>"]


def test_there_are_at_least_25_payloads():
    assert len(XSS_PAYLOADS) >= 25


@pytest.mark.parametrize(
    "source, expected",
    [
        ("a <small>footnote-sized</small> remark", "<small>footnote-sized</small>"),
        ("E = mc<sup>2</sup>", "<sup>2</sup>"),
        ("H<sub>2</sub>O", "<sub>2</sub>"),
        ("<details><summary>More</summary>Hidden text</details>", "<summary>More</summary>"),
        (
            "![A diagram](/media/uploads/ring.png)",
            '<img alt="A diagram" src="/media/uploads/ring.png">',
        ),
        (
            "[RFC 9000](https://www.rfc-editor.org/rfc/rfc9000)",
            'href="https://www.rfc-editor.org/rfc/rfc9000"',
        ),
        ("Mail [me](mailto:ada@example.org)", 'href="mailto:ada@example.org"'),
        ("Press <kbd>Ctrl</kbd>", "<kbd>Ctrl</kbd>"),
    ],
    ids=["small", "sup", "sub", "details", "image", "https-link", "mailto", "kbd"],
)
def test_harmless_html_survives(source, expected):
    assert expected in render_markdown(source)


def test_fenced_code_is_highlighted_with_classes():
    html = render_markdown("```python\ndef f():\n    return 1\n```")
    assert '<div class="highlight">' in html
    assert '<span class="k">def</span>' in html
    assert "style=" not in html


def test_tables_keep_alignment_without_style_attributes():
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |")
    assert "<table>" in html
    assert 'align="right"' in html


def test_footnotes_link_both_ways():
    html = render_markdown("Claim.[^1]\n\n[^1]: Source.")
    assert 'href="#fn:1"' in html
    assert 'id="fn:1"' in html
    assert 'href="#fnref:1"' in html


def test_headings_get_anchors():
    html = render_markdown("## Counting round trips")
    assert 'id="counting-round-trips"' in html
    assert 'href="#counting-round-trips"' in html


def test_a_text_with_top_level_headings_moves_them_below_the_page_title():
    html = render_markdown("# Part one\n\n## Detail\n\n###### Deepest\n\n<h1>Raw</h1>")
    assert "<h1" not in html
    assert '<h2 id="part-one">' in html and '<h3 id="detail">' in html
    assert "<h6" in html and "Deepest" in html and "<h2>Raw</h2>" in html


def test_a_text_without_top_level_headings_keeps_its_levels():
    html = render_markdown("## Section\n\n### Subsection")
    assert '<h2 id="section">' in html and '<h3 id="subsection">' in html


def test_links_get_noopener():
    assert 'rel="noopener noreferrer"' in render_markdown("[x](https://example.org/)")


def test_sanitize_keeps_text_of_removed_tags():
    assert "hello" in sanitize_html("<blink>hello</blink>")


def test_excerpt_is_first_paragraph_as_text():
    html = render_markdown("First **bold** claim.[^1]\n\nSecond paragraph.\n\n[^1]: note")
    assert excerpt_from_html(html) == "First bold claim."


def test_excerpt_is_cut_to_word_limit():
    html = render_markdown(" ".join(["word"] * 80))
    assert excerpt_from_html(html, words=10) == " ".join(["word"] * 10) + "…"


def test_words_are_counted_as_a_reader_sees_them():
    html = render_markdown(
        "A *short* post.\n\n```python\nx = 1\n```\n\n| a | b |\n|---|---|\n| c d | e |"
    )
    # Tags are never words, and words on either side of one stay apart.
    # A, short, post., x, =, 1, a, b, c, d, e
    assert count_words(html) == 11
    assert count_words("<p>one</p><p>two</p>") == 2
    assert count_words("") == 0
