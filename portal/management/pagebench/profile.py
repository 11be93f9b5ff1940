"""
`bench_pages --profile`: where each page's time goes, measured in-process on the
benchmark's site (the page cache is off there), before anyone guesses what to
optimize. With pyinstrument installed (`pip install pyinstrument`) it prints
pyinstrument's call tree; without it, cProfile's busiest functions.
"""

import cProfile
import io
import pstats
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

REQUESTS = 20
TOP = 25


def profile_pages(pages: dict[str, str], *, stdout) -> None:
    client = Client()
    for label, path in pages.items():
        response = client.get(path)  # first request: imports, template loading
        if response.status_code != 200:
            stdout.write(f"{path} answered {response.status_code}; skipped.")
            continue
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        query_count = len(queries)  # now: later requests empty the query log
        # CPU time of this process: on a busy machine, wall time would count the others too.
        started = time.process_time()
        for _ in range(REQUESTS):
            client.get(path)
        per_request = (time.process_time() - started) / REQUESTS * 1000
        stdout.write(
            f"\n=== {label} ({path}): {per_request:.1f} ms of CPU per request without the profiler, "
            f"{query_count} queries, {len(response.content) / 1024:.1f} KiB; "
            f"{REQUESTS} requests profiled ==="
        )
        stdout.write(_profile(lambda path=path: [client.get(path) for _ in range(REQUESTS)]))


def _profile(run) -> str:
    try:
        from pyinstrument import Profiler
    except ImportError:
        return _cprofile(run)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    run()
    profiler.stop()
    return profiler.output_text(unicode=True, show_all=False, short_mode=True)


def _cprofile(run) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    report = io.StringIO()
    stats = pstats.Stats(profiler, stream=report).strip_dirs()
    stats.sort_stats("tottime").print_stats(TOP)
    lines = [line for line in report.getvalue().splitlines() if line.strip()]
    return "\n".join(line for line in lines if not line.lstrip().startswith(("Ordered by", "List")))
