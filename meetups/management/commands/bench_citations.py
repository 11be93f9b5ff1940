"""
Benchmark: the citation reader over its corpus (tests/meetups/citations/corpus.json
or --corpus): the share of fields right overall, per style and per field, every
field it missed, and how many citations it reads per second. Offline: nothing
is looked up and the database is not touched.
"""

import contextlib
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from meetups.citations import CitationError, read_citation
from meetups.citations.benchmark import load_corpus, score_reader


class Command(BaseCommand):
    help = "Print how well the citation reader reads its corpus of citations."

    def add_arguments(self, parser):
        parser.add_argument(
            "--corpus",
            default=str(Path(settings.BASE_DIR) / "tests/meetups/citations/corpus.json"),
            help="A JSON list of {style, text, expected}.",
        )
        parser.add_argument("--rounds", type=int, default=20, help="Passes for the timing.")

    def handle(self, *args, corpus, rounds, **options):
        try:
            items = load_corpus(Path(corpus))
        except (OSError, ValueError) as error:
            raise CommandError(f"{corpus}: {error}") from error
        report = score_reader(items)
        for line in report.lines():
            self.stdout.write(line)
        for miss in report.misses:
            self.stdout.write(
                f"  missed {miss.field} ({miss.style}): got {miss.got!r}, "
                f"expected {miss.expected!r}\n      {miss.text[:120]}"
            )
        started = time.perf_counter()
        for _ in range(rounds):
            for item in items:
                with contextlib.suppress(CitationError):
                    read_citation(item["text"])
        elapsed = time.perf_counter() - started
        count = rounds * len(items)
        self.stdout.write(
            f"Speed: {count / elapsed:,.0f} citations per second "
            f"({elapsed / count * 1e3:.2f} ms each, {count} reads)"
        )
