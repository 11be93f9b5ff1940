"""
Links inside a Hugo page's Markdown: Hugo shortcodes turned into Markdown or
HTML, every link target handed to a resolver that may rewrite it, and the
link list at the end of a talk post split off into labelled materials.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

# The resolver gets a link target as written and returns its new target, or None to keep it.
Resolver = Callable[[str], str | None]

_FENCE = re.compile(r"^[ \t]{0,3}(```+|~~~+)")
_INLINE_LINK = re.compile(r"(\]\(\s*)(<[^>\n]*>|[^)\s]+)((?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\))")
_DEFINITION = re.compile(r"^([ \t]{0,3}\[[^\]\n]+\]:[ \t]*)(<[^>\n]*>|\S+)", re.MULTILINE)
_HTML_ATTRIBUTE = re.compile(r"(\b(?:href|src)\s*=\s*)(\"[^\"\n]*\"|'[^'\n]*')", re.IGNORECASE)
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")

_SHORTCODE = re.compile(r"\{\{([<%])\s*(/?)\s*([\w.-]+)(.*?)\s*[>%]\}\}", re.DOTALL)
_ARGUMENT = re.compile(r"""(?:(\w+)\s*=\s*)?("[^"]*"|'[^']*'|`[^`]*`|[^\s"'`]+)""")


def _code_aware(text: str, change: Callable[[str], str]) -> str:
    """Apply `change` to the Markdown outside fenced code blocks: code shows links as written."""
    out, chunk, fence = [], [], None
    for line in text.split("\n"):
        match = _FENCE.match(line)
        if fence is None and match:
            out.append(change("\n".join(chunk)) if chunk else None)
            chunk, fence = [line], match.group(1)[0] * 3
        elif fence is not None:
            chunk.append(line)
            if line.strip().startswith(fence):
                out.append("\n".join(chunk))
                chunk, fence = [], None
        else:
            chunk.append(line)
    if chunk:
        out.append("\n".join(chunk) if fence is not None else change("\n".join(chunk)))
    return "\n".join(part for part in out if part is not None)


def rewrite_links(text: str, resolve: Resolver) -> str:
    """`text` with every link and image target (Markdown or HTML) replaced where `resolve` says."""

    def target(raw: str) -> str:
        bracketed = raw.startswith("<") and raw.endswith(">")
        url = raw[1:-1] if bracketed else raw
        new = resolve(html.unescape(url))
        if new is None:
            return raw
        return f"<{new}>" if bracketed else new

    def quoted(raw: str) -> str:
        quote, url = raw[0], raw[1:-1]
        new = resolve(html.unescape(url))
        return raw if new is None else f"{quote}{html.escape(new, quote=True)}{quote}"

    def change(chunk: str) -> str:
        chunk = _INLINE_LINK.sub(lambda m: m.group(1) + target(m.group(2)) + m.group(3), chunk)
        chunk = _DEFINITION.sub(lambda m: m.group(1) + target(m.group(2)), chunk)
        chunk = _HTML_ATTRIBUTE.sub(lambda m: m.group(1) + quoted(m.group(2)), chunk)
        return _AUTOLINK.sub(lambda m: f"<{resolve(m.group(1)) or m.group(1)}>", chunk)

    return _code_aware(text, change)


# --- shortcodes -------------------------------------------------------------------------


def _arguments(raw: str) -> tuple[list[str], dict[str, str]]:
    positional, named = [], {}
    for name, value in _ARGUMENT.findall(raw):
        if value[:1] in {'"', "'", "`"}:
            value = value[1:-1]
        if name:
            named[name.lower()] = value
        else:
            positional.append(value)
    return positional, named


def _figure(named: dict[str, str]) -> str:
    src = named.get("src", "")
    alt = named.get("alt") or named.get("title") or named.get("caption") or ""
    image = f'<img src="{html.escape(src)}" alt="{html.escape(alt)}">'
    if named.get("link"):
        image = f'<a href="{html.escape(named["link"])}">{image}</a>'
    caption = named.get("caption") or named.get("title") or ""
    caption_html = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f"\n<figure>{image}{caption_html}</figure>\n"


def convert_shortcodes(text: str, *, ref: Resolver) -> tuple[str, list[str]]:
    """
    `text` with the Hugo shortcodes the portal can express replaced (ref/relref,
    figure, youtube, vimeo, highlight), and a note for each kind left as text.
    """
    notes: list[str] = []
    # {{< highlight go >}}…{{< /highlight >}} is a fenced code block.
    text = re.sub(
        r"\{\{[<%]\s*highlight\s+([\w+-]+)[^}]*[>%]\}\}\n?(.*?)\n?\{\{[<%]\s*/highlight\s*[>%]\}\}",
        lambda m: f"```{m.group(1)}\n{m.group(2)}\n```",
        text,
        flags=re.DOTALL,
    )
    unknown: set[str] = set()

    def replace(match: re.Match) -> str:
        closing, name, raw = match.group(2), match.group(3).lower(), match.group(4)
        if raw.strip().startswith("/*"):
            # {{</* x */>}} is how Hugo documents a shortcode without running it.
            return match.group(0).replace("/*", "", 1).replace("*/", "", 1)
        positional, named = _arguments(raw)
        first = positional[0] if positional else named.get("id", "")
        if closing:
            unknown.add(name)
            return match.group(0)
        match name:
            case "ref" | "relref":
                target = named.get("path") or first
                new = ref(target)
                if new is None:
                    notes.append(
                        f"the {name} to “{target}” points at no imported page: kept as written."
                    )
                    return target
                return new
            case "figure":
                return _figure(named)
            case "youtube":
                return f"[Video on YouTube](https://www.youtube.com/watch?v={first})"
            case "vimeo":
                return f"[Video on Vimeo](https://vimeo.com/{first})"
            case "gist":
                return f"[Gist](https://gist.github.com/{'/'.join(positional[:2])})"
            case "tweet" | "x":
                user, post = named.get("user", ""), named.get("id", first)
                return f"[Post on X](https://x.com/{user or 'i'}/status/{post})"
        unknown.add(name)
        return match.group(0)

    text = _code_aware(text, lambda chunk: _SHORTCODE.sub(replace, chunk))
    notes.extend(
        f"the shortcode “{name}” has no equivalent here: kept as text." for name in sorted(unknown)
    )
    return text, notes


# --- a talk's materials -------------------------------------------------------------------

_LINK = re.compile(r"\[([^\]\n]+)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_LINK_LINE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\[[^\]\n]+\]\([^)\n]+\)\s*(?:[|·•,/–-]\s*)?)+[.;]?\s*$"
)
_LIST_HEADING = re.compile(
    r"^\s*(?:#{1,6}\s*|\*\*)?(links|materials|resources|slides and recording|media)"
    r"\s*:?\s*(?:\*\*)?\s*:?\s*$",
    re.IGNORECASE,
)


@dataclass
class Material:
    label: str
    url: str

    @property
    def roles(self) -> set[str]:
        """What the link is: some of “recording”, “slides”, “writeup”; empty for any other link."""
        label = self.label.lower()
        roles = set()
        if any(word in label for word in ("recording", "video", "youtube", "vimeo", "watch")):
            roles.add("recording")
        if any(word in label for word in ("slide", "deck")):
            roles.add("slides")
        if any(word in label for word in ("write-up", "writeup", "write up", "blog post")):
            roles.add("writeup")
        return roles


def split_talk_materials(body: str) -> tuple[str, list[Material]]:
    """(the body without its closing link list, the list's links in order)."""
    lines = body.rstrip().split("\n")
    end = len(lines)
    start = end
    while start > 0 and (_LINK_LINE.match(lines[start - 1]) or not lines[start - 1].strip()):
        start -= 1
    materials = [
        Material(label=" ".join(label.split()), url=url)
        for line in lines[start:end]
        for label, url in _LINK.findall(line)
    ]
    if not materials:
        return body, []
    while start > 0 and not lines[start - 1].strip():
        start -= 1
    if start > 0 and _LIST_HEADING.match(lines[start - 1]):
        start -= 1
    return "\n".join(lines[:start]).rstrip() + "\n", materials
