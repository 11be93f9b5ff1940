"""
The one Markdown pipeline: every model, the admin's live preview and imported
content go through `render_markdown`, so what the organizer previews is exactly
what visitors get.
"""

import html
import re

import markdown
import nh3
from django.utils.html import strip_tags
from django.utils.text import Truncator

MARKDOWN_EXTENSIONS = [
    "fenced_code",
    "codehilite",
    "tables",
    "footnotes",
    "toc",
    "sane_lists",
    "attr_list",
    "md_in_html",
]
MARKDOWN_EXTENSION_CONFIGS = {
    # CSS classes rather than inline styles: the Content-Security-Policy forbids
    # style attributes, and the page's stylesheet gives light and dark colours.
    "codehilite": {"css_class": "highlight", "guess_lang": False, "noclasses": False},
    "tables": {"use_align_attribute": True},
    "toc": {"permalink": "#", "permalink_title": "Link to this section"},
    "footnotes": {"BACKLINK_TITLE": "Back to reference %d"},
}

# What authors really write, and nothing that runs: no script, style, iframe,
# form, object, event handler or style attribute survives.
ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
}
_HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s>])")
_TOP_HEADING = re.compile(r"<h1[\s>]")
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "details": {"open"},
    "time": {"datetime"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(fragment: str) -> str:
    """Return `fragment` with everything executable removed."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Return the sanitized HTML for Markdown `text`."""
    # A Markdown instance keeps state between conversions (footnotes, anchors):
    # a fresh one per call keeps concurrent requests apart.
    converter = markdown.Markdown(
        extensions=MARKDOWN_EXTENSIONS,
        extension_configs=MARKDOWN_EXTENSION_CONFIGS,
        output_format="html",
    )
    return _focusable_code(_below_the_page_title(sanitize_html(converter.convert(text or ""))))


_PRE = re.compile(r"<pre(?=[\s>])")


def _focusable_code(fragment: str) -> str:
    """
    A code block wider than the page scrolls sideways: it takes the keyboard's
    focus (tabindex="0"), so that those who do not use a mouse can scroll it too.
    Added after sanitizing, which lets no author set a tabindex.
    """
    return _PRE.sub('<pre tabindex="0"', fragment)


def _below_the_page_title(fragment: str) -> str:
    """
    Every page's own title is its one <h1>: a text that uses "# Heading" (as many
    Hugo posts do) has all its headings moved one level down, h6 staying h6.
    """
    if not _TOP_HEADING.search(fragment):
        return fragment
    return _HEADING_TAG.sub(lambda match: f"<{match[1]}h{min(int(match[2]) + 1, 6)}", fragment)


_FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.DOTALL | re.IGNORECASE)
_FOOTNOTE_REF = re.compile(r"<sup\b[^>]*>.*?</sup>", re.DOTALL | re.IGNORECASE)


def excerpt_from_html(rendered: str, *, words: int = 50) -> str:
    """Return the plain text of the first paragraph of `rendered`, cut to `words` words."""
    match = _FIRST_PARAGRAPH.search(rendered or "")
    if not match:
        return ""
    paragraph = _FOOTNOTE_REF.sub("", match.group(1))
    text = " ".join(html.unescape(strip_tags(paragraph)).split())
    return Truncator(text).words(words, truncate="…")


_TAG = re.compile(r"<[^>]*>")


def count_words(rendered: str) -> int:
    """
    The number of words a reader sees in rendered HTML, for reading times: what
    lies between tags, split at white space. A regular expression, not an HTML
    parser: the HTML is the pipeline's own, and a page shows this on every view.
    """
    return len(_TAG.sub(" ", rendered or "").split())


def plain_text(rendered: str) -> str:
    """Return the visible text of rendered HTML, whitespace collapsed."""
    return " ".join(html.unescape(strip_tags(rendered or "")).split())
