"""
The reader against a corpus of 100 citations of well-known papers, written the
ways people paste them (Google Scholar's MLA, APA, Chicago and Harvard, IEEE,
Vancouver, BibTeX, bare DOIs, arXiv ids and links, publisher links), each with the fields
a careful reader would take from it. `make bench-citations` prints the same
figures per style and per field.
"""

from pathlib import Path

from meetups.citations.benchmark import load_corpus, score_reader

CORPUS = Path(__file__).parent / "corpus.json"


def test_the_corpus_covers_the_ways_people_cite():
    corpus = load_corpus(CORPUS)
    styles = {item["style"].split("-")[0] for item in corpus}
    assert len(corpus) >= 60
    assert {"mla", "apa", "chicago", "harvard", "ieee", "bibtex", "doi", "arxiv"} <= styles


def test_the_reader_gets_at_least_95_percent_of_the_fields_right(capsys):
    report = score_reader(load_corpus(CORPUS))
    with capsys.disabled():
        print("\n" + "\n".join(report.lines()))
        for miss in report.misses:
            print(f"  missed {miss.field} ({miss.style}): {miss.got!r} for {miss.expected!r}")
    assert report.overall.share >= 0.95, [
        (miss.field, miss.expected, miss.got) for miss in report.misses
    ]
