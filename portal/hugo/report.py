"""What `import_hugo` prints: a progress bar while it works and a summary table at the end."""

import shutil

from django.core.management.base import OutputWrapper

from portal.hugo.services import ImportReport, Tally


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
    if report.series_message:
        lines += [report.series_message, ""]
    lines += [
        f"  {'':<14}{'total':>6}{'new':>8}{'updated':>9}{'unchanged':>11}",
        _row("posts", report.posts),
        _row("talks", report.talks),
        _row("sessions", report.sessions),
        _row("papers", report.papers),
        _row("redirects", report.redirects),
        f"  {'files to copy' if would else 'files copied':<14}{report.files_copied:>6}"
        + (f"   ({report.files_unchanged} already there)" if report.files_unchanged else ""),
        f"  {'skipped':<14}{len(report.skipped):>6}",
        "",
    ]
    if report.papers.unchanged:
        lines.insert(-1, "  (papers “unchanged” were already in the library and are reused)")
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
