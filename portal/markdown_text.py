"""
Markdown as plain text, for the text part of emails and calendar descriptions:
what a reader of the page sees, without the Markdown source's markers
(`**bold**` reads "bold", a link reads "text (https://…)", a list item "- item").

It reads the HTML of the one Markdown pipeline (`portal.markdown`), so every
extension the pages know (tables, footnotes, code blocks) reads the same here.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from portal.links import absolute_url
from portal.markdown import render_markdown

_VOID = {"br", "hr", "img", "wbr", "col", "input", "source"}
_BLOCK = {
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "dd",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
}
# A <br> while inline text is gathered: a line break that white space collapsing keeps.
_LINE_BREAK = "\x00"
# Links that only make sense on the page: a heading's permalink, a footnote's way back.
_PAGE_ONLY_LINKS = {"headerlink", "footnote-backref"}


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list["_Element | str"] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Element("root")
        self._open = [self.root]

    def handle_starttag(self, tag, attrs):
        element = _Element(tag, {name: value or "" for name, value in attrs})
        self._open[-1].children.append(element)
        if tag not in _VOID:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self._open[-1].children.append(_Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        # Close up to the matching element; a stray end tag closes nothing.
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data):
        self._open[-1].children.append(data)


def _raw_text(node: _Element | str) -> str:
    if isinstance(node, str):
        return node
    return "".join(_raw_text(child) for child in node.children)


def _inline(node: _Element | str) -> str:
    """The text of inline content; line breaks only where a <br> is."""
    if isinstance(node, str):
        return node
    text = "".join(_inline(child) for child in node.children)
    match node.tag:
        case "br":
            return _LINE_BREAK
        case "img":
            alt = node.attrs.get("alt", "").strip()
            return f"[{alt}]" if alt else ""
        case "a":
            return _link(node, text)
        case "sup" if any(
            isinstance(child, _Element) and "footnote-ref" in child.classes
            for child in node.children
        ):
            return f"[{text.strip()}]"
    return text


def _link(node: _Element, text: str) -> str:
    if node.classes & _PAGE_ONLY_LINKS:
        return ""
    href = node.attrs.get("href", "").strip()
    label = " ".join(text.split())
    if not href or href.startswith("#"):
        return text
    url = absolute_url(href) if href.startswith("/") else href
    shown = url.removeprefix("mailto:")
    if not label or label in (url, href, shown):
        return shown
    return f"{label} ({shown})"


def _collapse(text: str) -> str:
    """White space collapsed as a browser would, keeping the line breaks of <br>."""
    return "\n".join(" ".join(line.split()) for line in text.split(_LINE_BREAK)).strip()


def _indent(text: str, first: str, rest: str) -> str:
    lines = text.split("\n")
    return "\n".join([first + lines[0], *(rest + line if line else line for line in lines[1:])])


def _blocks(children: list[_Element | str]) -> list[str]:
    """Paragraphs of text, in order: runs of inline content and block elements."""
    blocks: list[str] = []
    run: list[str] = []

    def flush():
        text = _collapse("".join(run))
        if text:
            blocks.append(text)
        run.clear()

    for child in children:
        if isinstance(child, _Element) and child.tag in _BLOCK:
            flush()
            blocks.extend(block for block in _block(child) if block)
        else:
            run.append(_inline(child))
    flush()
    return blocks


def _block(element: _Element) -> list[str]:
    match element.tag:
        case "hr":
            return ["----"]
        case "pre":
            code = _raw_text(element).strip("\n")
            return [_indent(code, "    ", "    ")]
        case "blockquote":
            quoted = "\n\n".join(_blocks(element.children))
            return ["\n".join(f"> {line}".rstrip() for line in quoted.split("\n"))]
        case "ul" | "ol":
            return [_list(element)]
        case "table":
            return [_table(element)]
        case "dd":
            return [_indent("\n".join(_blocks(element.children)), "    ", "    ")]
    return _blocks(element.children)


def _list(element: _Element) -> str:
    number = int(element.attrs.get("start") or 1) if element.tag == "ol" else 0
    items = []
    for child in element.children:
        if not isinstance(child, _Element) or child.tag != "li":
            continue
        marker = f"{number}. " if element.tag == "ol" else "- "
        number += 1
        body = "\n".join(_blocks(child.children))
        items.append(_indent(body, marker, " " * len(marker)))
    return "\n".join(items)


def _rows(element: _Element):
    for child in element.children:
        if isinstance(child, _Element):
            if child.tag == "tr":
                yield child
            elif child.tag in ("thead", "tbody", "tfoot"):
                yield from _rows(child)


def _table(element: _Element) -> str:
    lines = []
    for row in _rows(element):
        cells = [
            _collapse(_inline(cell)).replace("\n", " ")
            for cell in row.children
            if isinstance(cell, _Element) and cell.tag in ("td", "th")
        ]
        lines.append(" | ".join(cells))
    return "\n".join(lines)


def text_from_html(rendered: str) -> str:
    """The plain text of HTML rendered by the Markdown pipeline, paragraphs apart."""
    builder = _TreeBuilder()
    builder.feed(rendered or "")
    builder.close()
    return "\n\n".join(_blocks(builder.root.children))


def markdown_as_text(source: str) -> str:
    """The plain text of Markdown `source`, as a reader of its page would read it."""
    return text_from_html(render_markdown(source))
