"""Reading a talk page's HTML as a browser would: its elements and inline scripts."""

from html.parser import HTMLParser


class ElementCollector(HTMLParser):
    """Every start tag with its attributes, as a browser would see them."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []  # inline scripts: (attributes, text)
        self._script = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if tag == "script":
            self._script = attributes

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self.scripts.append((self._script, data))

    def find(self, tag):
        return [attrs for name, attrs in self.elements if name == tag]


def parse(html: str) -> ElementCollector:
    collector = ElementCollector()
    collector.feed(html)
    return collector
