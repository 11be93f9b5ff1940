"""
What an import tells the organizer: the counts and lists it collects while it
runs (`ImportReport`), and what `import_hugo` prints from them: a progress bar
while it works and a summary table at the end.
"""

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import OutputWrapper


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Printed under the table when some are unchanged and that needs saying.
    unchanged_means: str = ""

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def count(self, *, created: bool, changed: bool) -> None:
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1

    def counts(self) -> tuple[int, int, int]:
        return self.created, self.updated, self.unchanged

    def restore(self, counts: tuple[int, int, int]) -> None:
        self.created, self.updated, self.unchanged = counts


@dataclass
class ImportReport:
    site: Path
    dry_run: bool
    files: int = 0
    # The table's rows in order: each kind of page, what is saved along with it
    # (papers), the redirects. `page_rows` names the rows that count pages.
    tallies: dict[str, Tally] = field(default_factory=dict)
    page_rows: list[str] = field(default_factory=list)
    files_copied: int = 0
    files_unchanged: int = 0
    pages: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # (file, kind, path, outcome)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (file, what was guessed)
    messages: list[str] = field(default_factory=list)  # before the table: where sessions went
    seconds: float = 0.0

    def tally(self, row: str) -> Tally:
        """The counts on the table's row `row`, a new row at the end if there is none yet."""
        return self.tallies.setdefault(row, Tally())

    @property
    def imported(self) -> int:
        return sum(self.tallies[row].total for row in self.page_rows)


class ProgressBar:
    """
    One line redrawn with a carriage return on a terminal; on anything else (a
    log file, a pipe) a plain line every `every` files so the output stays readable.
    """

    def __init__(self, stream: OutputWrapper, *, is_terminal: bool, every: int = 10):
        self.stream = stream
        self.is_terminal = is_terminal
        self.every = every
        self._drawn = False

    def __call__(self, done: int, total: int, name: str) -> None:
        if self.is_terminal:
            width = 24
            filled = width * done // max(total, 1)
            columns = shutil.get_terminal_size((80, 20)).columns
            line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name}"
            self.stream.write("\r" + line[: columns - 1].ljust(columns - 1), ending="")
            self._drawn = True
        elif done == total or done % self.every == 0:
            self.stream.write(f"{done}/{total} files done")
        self.stream.flush()

    def finish(self) -> None:
        if self._drawn:
            self.stream.write("")
            self.stream.flush()


def _row(label: str, tally: Tally) -> str:
    return f"  {label:<14}{tally.total:>6}{tally.created:>8}{tally.updated:>9}{tally.unchanged:>11}"


def summary_lines(report: ImportReport, *, each_page: bool = False) -> list[str]:
    """
    The summary table, the skipped files with reasons and the guesses to check;
    with `each_page`, first a line per imported page and where it went.
    """
    would = report.dry_run
    lines = []
    if each_page and report.pages:
        width = max(len(name) for name, *_ in report.pages)
        lines += [
            f"  {name:<{width}}  {kind:<8} {outcome:<10} {path}"
            for name, kind, path, outcome in sorted(report.pages)
        ]
        lines.append("")
    for message in report.messages:
        lines += [message, ""]
    lines += [
        f"  {'':<14}{'total':>6}{'new':>8}{'updated':>9}{'unchanged':>11}",
        *(_row(row, tally) for row, tally in report.tallies.items()),
        f"  {'files to copy' if would else 'files copied':<14}{report.files_copied:>6}"
        + (f"   ({report.files_unchanged} already there)" if report.files_unchanged else ""),
        f"  {'skipped':<14}{len(report.skipped):>6}",
        "",
    ]
    for tally in report.tallies.values():
        if tally.unchanged and tally.unchanged_means:
            lines.insert(-1, f"  ({tally.unchanged_means})")
    if report.skipped:
        lines.append("Skipped, nothing of them imported:")
        lines += [f"  {name}: {reason}" for name, reason in report.skipped]
        lines.append("")
    if report.notes:
        lines.append("Guesses and notes to check:")
        lines += [f"  {name}: {note}" for name, note in report.notes]
        lines.append("")
    verb = "Read" if would else "Imported"
    lines.append(
        f"{verb} {report.imported} of {report.files} files from {report.site} "
        f"in {report.seconds:.2f} s."
    )
    if would:
        lines.append("Dry run: nothing was written and no file was copied.")
    return lines
