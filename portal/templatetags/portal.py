import functools
import json
import re
import weakref
from datetime import datetime

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.defaulttags import querystring
from django.template.loader import get_template
from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockNode
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

from portal.markdown_text import text_from_html

register = template.Library()

# Characters that could close the <script> element or open a comment inside it.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def jsonld(data):
    """
    A schema.org JSON-LD block. It is a data block, which browsers never run, so the
    Content-Security-Policy does not apply to it (HTML's "prepare the script element"
    stops before the CSP check): it needs no nonce, and the page stays the same for
    every visitor, as the page cache needs.
    """
    if not data:
        return ""
    payload = json.dumps(data, ensure_ascii=False, default=str).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


@register.simple_tag(takes_context=True)
def page_query(context, number, keep=None):
    """
    The query string of page `number` of a list: `?page=N`, after the query
    parameters `keep` (a mapping, e.g. request.GET) that every page of the list
    carries along; none when `keep` is not given.
    """
    return querystring(context, keep or {}, page=number)


@register.simple_tag
def pagination(page, keep=None, previous_label="", next_label=""):
    """
    The pager of a list (portal/partials.html#pagination): its links to the
    previous and next page of `page`, after the query parameters `keep` (a
    mapping, e.g. request.GET), rendered once per distinct page, query and labels
    in this process and copied after that: through an include, on every list
    page, it cost as much as the rest of the page's template.
    """
    if hasattr(keep, "lists"):  # a QueryDict: every value of each parameter
        query = tuple((name, tuple(values)) for name, values in keep.lists())
    else:
        query = tuple((keep or {}).items())
    paginator = getattr(page, "paginator", None)
    key = (
        page.number,
        page.has_previous(),
        page.has_next(),
        paginator.num_pages if paginator is not None else None,
        query,
        previous_label,
        next_label,
    )
    html = _pagers.get(key)
    if html is None:
        context = {
            "page": page,
            "keep": keep,
            "previous_label": previous_label,
            "next_label": next_label,
        }
        html = mark_safe(get_template("portal/partials.html#pagination").render(context))
        if len(_pagers) >= OncePerNode.MAX_COPIES:
            _pagers.clear()
        _pagers[key] = html
    return html


_pagers: dict[tuple, SafeString] = {}
setting_changed.connect(lambda **kwargs: _pagers.clear(), weak=False, dispatch_uid="portal.pager")


@register.simple_tag
def fixed_url(name):
    """
    {% fixed_url "blog:post_list" %}: the address of a view that takes no arguments, as
    {% url %} gives it ("" when no such view is installed, as `{% url … as x %}`), worked
    out once per URLconf: every page's header and footer link the same few views.
    """
    return _fixed_url(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.cache
def _fixed_url(name: str, urlconf: str, prefix: str) -> str:
    try:
        return reverse(name, urlconf=urlconf)
    except NoReverseMatch:
        return ""


setting_changed.connect(
    lambda **kwargs: _fixed_url.cache_clear(), weak=False, dispatch_uid="portal.fixed_url"
)


# --- the site's chrome --------------------------------------------------------------------

# Cleared when settings change (tests override them): the chrome shows settings too.
_once_per_nodes: "weakref.WeakSet[OncePerNode]" = weakref.WeakSet()


@register.tag
def once_per(parser, token):
    """
    {% once_per a b %}…{% endonce_per %}: the enclosed markup, rendered once for each
    distinct value of its arguments in this process and copied after that. For the
    header, footer and style sheet links that every page repeats: what is inside may
    depend only on the arguments and on settings, and may set no variable or block
    that the rest of the page reads, since a copy renders nothing.
    """
    keys = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endonce_per",))
    parser.delete_first_token()
    return OncePerNode(nodelist, keys)


class OncePerNode(template.Node):
    child_nodelists = ("nodelist",)
    # A bound on what a process keeps, should an argument take many values.
    MAX_COPIES = 64

    def __init__(self, nodelist, keys):
        self.nodelist = nodelist
        self.keys = keys
        self.copies: dict[tuple, SafeString] = {}
        _once_per_nodes.add(self)

    def render(self, context):
        key = tuple(expression.resolve(context) for expression in self.keys)
        html = self.copies.get(key)
        if html is None:
            html = mark_safe(self.nodelist.render(context))
            if len(self.copies) >= self.MAX_COPIES:
                self.copies.clear()
            self.copies[key] = html
        return html


def _forget_copies(**kwargs):
    for node in list(_once_per_nodes):
        node.copies.clear()


setting_changed.connect(_forget_copies, weak=False, dispatch_uid="portal.once_per")


# --- link previews ----------------------------------------------------------------------

_SHARING_TAG = re.compile(r"""<meta\s[^>]*?(?:property|name)=["']((?:og|twitter):[\w:]+)["']""")


@register.tag
def sharing(parser, token):
    """
    {% sharing %}…{% endsharing %}: the page's own meta tags, followed by Open Graph
    and Twitter card defaults for every property the page did not set itself: the
    title, description and canonical address come from the page's blocks. Blocks
    placed inside are rendered once and read from there; others are rendered again.
    """
    nodelist = parser.parse(("endsharing",))
    parser.delete_first_token()
    return SharingNode(nodelist)


class SharingNode(template.Node):
    child_nodelists = ("nodelist",)  # so that blocks inside can be overridden

    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        parts, shown = [], {}
        for node in self.nodelist:
            part = node.render_annotated(context)
            parts.append(part)
            if isinstance(node, BlockNode) and node.name in _SHARED_BLOCKS:
                shown[node.name] = part
        own = "".join(str(part) for part in parts)
        present = set(_SHARING_TAG.findall(own))
        site_name = context.get("site_name", "")
        title = _block_text(context, "title", shown) or site_name
        # “Post title · Site name” → “Post title”: og:site_name carries the rest.
        title = mark_safe(title.removesuffix(f" · {conditional_escape(site_name)}") or title)
        description = _block_text(context, "description", shown) or context.get(
            "site_description", ""
        )
        url = _block_text(context, "canonical", shown) or context.get("canonical_url", "")
        defaults = [
            ("property", "og:type", "website"),
            ("property", "og:title", title),
            ("property", "og:description", description),
            ("property", "og:url", url),
            ("property", "og:site_name", site_name),
            ("name", "twitter:card", "summary"),
            ("name", "twitter:title", title),
            ("name", "twitter:description", description),
        ]
        tags = [
            format_html('<meta {}="{}" content="{}">', attribute, name, value)
            for attribute, name, value in defaults
            if value and name not in present
        ]
        return mark_safe(own + "\n  ".join(["", *tags]))


_SHARED_BLOCKS = ("title", "description", "canonical")


def _block_text(context, name: str, shown: dict[str, str]) -> SafeString:
    """The text of the page's block `name` (as overridden), tags stripped."""
    if name in shown:
        html = shown[name]
    else:
        block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
        block = block_context.get_block(name) if block_context else None
        if block is None:
            return mark_safe("")
        html = block.render(context)
    # Already escaped by its own rendering: keep entities, drop tags and stray quotes.
    text = " ".join(strip_tags(html).split()).replace('"', "&quot;")
    return mark_safe(text)


@register.filter
def as_text(rendered):
    """Rendered Markdown as plain text (for text emails): `{{ post.body_html|as_text }}`."""
    return text_from_html(str(rendered or ""))


@register.filter
def iso(value):
    """
    A date or time for a `datetime` attribute, to the second: HTML allows at most
    three digits of a second's fraction, and a page has no use for any.
    """
    if not value:
        return ""
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()
