"""
How well the reader does on a corpus of citations with their expected fields:
the share of fields right, overall, per style and per field. Used by the
test that holds the reader to its mark and by `manage.py bench_citations`.

A corpus is a JSON list of {"style", "text", "expected": {field: value}};
only the fields an entry lists are scored, and "title": "" says that no title
may be made up (an identifier alone has none until it is looked up).
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from meetups.citations.model import Citation, CitationError
from meetups.citations.reader import read_citation


@dataclass
class Miss:
    style: str
    text: str
    field: str
    expected: object
    got: object


@dataclass
class Score:
    right: int = 0
    total: int = 0

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class ReaderReport:
    overall: Score = field(default_factory=Score)
    by_style: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    by_field: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    misses: list[Miss] = field(default_factory=list)
    citations: int = 0

    def lines(self) -> list[str]:
        out = [
            f"Reader: {self.overall.right}/{self.overall.total} fields right "
            f"({self.overall.share:.1%}) on {self.citations} citations",
            "  per style:",
        ]
        for name, score in sorted(self.by_style.items()):
            out.append(f"    {name:<22} {score.right:>4}/{score.total:<4} {score.share:.1%}")
        out.append("  per field:")
        for name, score in sorted(self.by_field.items()):
            out.append(f"    {name:<22} {score.right:>4}/{score.total:<4} {score.share:.1%}")
        return out


def _value(citation: Citation, name: str):
    value = getattr(citation, name)
    if name == "kind":
        return str(value.value if hasattr(value, "value") else value)
    if isinstance(value, str):
        return " ".join(value.split())
    return value


def load_corpus(path: Path) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def score_reader(corpus: list[dict]) -> ReaderReport:
    report = ReaderReport(citations=len(corpus))
    for item in corpus:
        try:
            citation = read_citation(item["text"])
        except CitationError as error:
            citation = error.understood
        for name, expected in item["expected"].items():
            got = _value(citation, name)
            right = got == expected
            for score in (report.overall, report.by_style[item["style"]], report.by_field[name]):
                score.total += 1
                score.right += right
            if not right:
                report.misses.append(Miss(item["style"], item["text"], name, expected, got))
    return report
