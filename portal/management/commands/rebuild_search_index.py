"""Rebuild the site search index from every registered source (or some kinds)."""

from django.core.management.base import BaseCommand

from portal import search

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Rebuild the site search index: every post, talk, session, paper… is read again. "
        "Searches keep answering from the old index until the new one is complete."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind",
            action="append",
            dest="kinds",
            choices=[source.kind for source in search.sources()],
            help="Rebuild only this kind (may be given several times).",
        )

    def handle(self, *args, kinds=None, verbosity=1, **options):
        self.show_progress = verbosity > 0
        self.interactive = self.stdout.isatty()
        indexed = search.index_rebuild(kinds=kinds, progress=self.progress)
        if verbosity > 0:
            self.stdout.write(self.style.SUCCESS(f"Indexed {indexed} documents."))

    def progress(self, source, done: int, total: int) -> None:
        if not self.show_progress:
            return
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        line = (
            f"{source.kind_label_plural:<10} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
            f"{done}/{total}"
        )
        finished = done >= total
        if self.interactive:  # one line per kind, redrawn in place
            self.stdout.write("\r" + line, ending="\n" if finished else "")
            self.stdout.flush()
        elif finished:
            self.stdout.write(line)
