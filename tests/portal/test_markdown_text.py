"""Markdown as plain text: what the reader of a text email sees, without Markdown's markers."""

import pytest

from portal.markdown_text import markdown_as_text


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("We read **Spanner** and _Bigtable_.", "We read Spanner and Bigtable."),
        ("See [the paper](https://example.org/p).", "See the paper (https://example.org/p)."),
        ("<https://example.org/p>", "https://example.org/p"),
        ("[a post](/blog/2026/x/)", "a post (http://127.0.0.1:8000/blog/2026/x/)"),
        ("Write to [ada@example.org](mailto:ada@example.org)", "Write to ada@example.org"),
        ("- one\n- two `code`", "- one\n- two code"),
        ("3. third\n4. fourth", "3. third\n4. fourth"),
        ("> one\n> line\n>\n> two", "> one line\n>\n> two"),
        ("```\ndef f():\n    return 1\n```", "    def f():\n        return 1"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "a | b\n1 | 2"),
        ("![a diagram](/media/d.png)", "[a diagram]"),
        ("## Reading\n\nThree papers.", "Reading\n\nThree papers."),
        ("One line  \nand the next", "One line\nand the next"),
    ],
    ids=[
        "emphasis",
        "link",
        "autolink",
        "local-link",
        "mailto",
        "bullets",
        "numbers",
        "quote",
        "code-block",
        "table",
        "image",
        "heading",
        "line-break",
    ],
)
def test_markdown_reads_as_text(source, text):
    assert markdown_as_text(source) == text


def test_footnotes_keep_their_numbers_and_lose_the_way_back():
    text = markdown_as_text("As shown.[^1]\n\n[^1]: In [the paper](https://example.org/p).")
    assert text.startswith("As shown.[1]")
    assert text.endswith("1. In the paper (https://example.org/p).")
    assert "↩" not in text and "#fn" not in text


def test_a_script_is_never_text():
    assert markdown_as_text("Hi <script>alert(1)</script>") == "Hi"
