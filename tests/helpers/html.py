"""Readers of the HTML a page serves."""

from html.parser import HTMLParser


class MetaTags(HTMLParser):
    """Every <meta property|name=… content=…> of a page, and its JSON-LD blocks."""

    def __init__(self, page: str):
        super().__init__()
        self.tags: list[tuple[str, str]] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.tags.append((attrs.get("property") or attrs.get("name"), attrs.get("content")))
        self._in_json_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(data)

    def handle_endtag(self, tag):
        self._in_json_ld = False

    def values(self, name: str) -> list[str]:
        return [content for key, content in self.tags if key == name]
