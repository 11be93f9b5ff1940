"""
The importer's reading lists over a corpus of paper-club posts written the ways
people write them (corpus/*.md), against the readings a person sees in each
(corpus/expected.json): recall and precision, printed and held to 90%.
"""

import json
import re
from pathlib import Path

import pytest

from meetups.hugo.readings import read_post
from meetups.hugo.references import Reference
from portal.hugo.pages import split_front_matter

CORPUS = Path(__file__).parent / "corpus"


def expected_readings() -> dict[str, list[dict]]:
    data = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    return {name: readings for name, readings in data.items() if not name.startswith("_")}


def _comparable(title: str) -> str:
    return re.sub(r"\W+", " ", title.casefold()).strip()


def _matches(expected: dict, found) -> bool:
    if expected["title"] is not None:
        return not found.title_guessed and _comparable(found.title) == _comparable(
            expected["title"]
        )
    # The post gives no title: the paper is known by its link, and the title is a guess.
    return found.title_guessed and any(
        expected.get(name) and getattr(found, name) == expected[name]
        for name in ("doi", "arxiv_id", "url", "pdf_url")
    )


def score(expected: list[dict], found: list) -> tuple[int, list[dict], list]:
    """(readings matched, expected ones missed, found ones that are no reading)."""
    unmatched = list(found)
    missed = []
    for reading in expected:
        twin = next((item for item in unmatched if _matches(reading, item)), None)
        if twin is None:
            missed.append(reading)
        else:
            unmatched.remove(twin)
    return len(expected) - len(missed), missed, unmatched


def test_the_corpus_is_big_enough_and_every_post_has_its_readings():
    posts = sorted(path.name for path in CORPUS.glob("*.md"))
    assert len(posts) >= 12
    assert posts == sorted(expected_readings())


def test_reading_lists_over_the_corpus_reach_90_percent_recall_and_precision(capsys):
    matched = expected_total = found_total = 0
    lines = []
    for name, expected in expected_readings().items():
        _, body = split_front_matter((CORPUS / name).read_text(encoding="utf-8"))
        found = read_post(body).readings
        hits, missed, wrong = score(expected, found)
        matched += hits
        expected_total += len(expected)
        found_total += len(found)
        lines.append(f"  {name:<20} {hits}/{len(expected)} found, {len(wrong)} wrong")
        lines += [f"      missed: {reading['title'] or reading}" for reading in missed]
        lines += [f"      wrong:  {item.title} ({item.why})" for item in wrong]
    recall, precision = matched / expected_total, matched / max(found_total, 1)
    report = "\n".join(
        [
            f"Hugo importer over {len(expected_readings())} posts: {expected_total} readings expected, "
            f"{found_total} found, {matched} right.",
            *lines,
            f"recall {recall:.1%}, precision {precision:.1%}",
        ]
    )
    with capsys.disabled():
        print("\n" + report)
    assert recall >= 0.9, report
    assert precision >= 0.9, report


@pytest.mark.parametrize(
    ("expected", "titles", "ratio"),
    [
        ([{"title": "Paxos Made Simple"}], ["paxos made simple."], (1, 0, 0)),
        ([{"title": "Paxos Made Simple"}], ["Paxos"], (0, 1, 1)),
        ([{"title": None, "arxiv_id": "2004.05074"}], [None], (1, 0, 0)),
    ],
    ids=["case-and-punctuation", "another-title", "known-by-link"],
)
def test_the_scoring_itself(expected, titles, ratio):
    found = [
        Reference(title=title or "arXiv:2004.05074", arxiv_id="2004.05074", title_guessed=not title)
        for title in titles
    ]
    hits, missed, wrong = score(expected, found)
    assert (hits, len(missed), len(wrong)) == ratio
