"""
Benchmark: how many requests per second each kind of page answers, next to a
static file, the way a visitor's browser asks for them.

It never touches your database: the command starts itself again on a throwaway
SQLite file in a temporary folder, builds the content of a site people move
from a static one (500 posts, 150 talks, a club with 120 past sessions and their
reading lists), collects the static files there, and serves it with gunicorn in
production settings (DEBUG off) on 127.0.0.1. wrk loads each page and a CSS
file, once with the page cache off and once with it on. Needs wrk.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from portal.management.pagebench import load
from portal.management.pagebench.data import SiteBuilder, Sizes

THROWAWAY_ENV = "BENCH_PAGES_DIR"
STATIC_FILE = "portal/site.css"
MODES = {"off": 0, "on": 600}  # PAGE_CACHE_SECONDS
GOALS = {"off": 0.1, "on": 0.7}  # share of the static file's requests per second
CACHED_P99_GOAL_MS = 20
STATIC_AGAIN = "static file, again at the end"


class Command(BaseCommand):
    help = (
        "Serve a site of 500 posts, 150 talks and 120 club sessions with gunicorn on a "
        "throwaway database and load every kind of page and a static file with wrk, with "
        "the page cache off and on: requests per second, p50, p99, the share of the static "
        "file's rate and each worker's peak memory."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=5, help="Load per page (default 5).")
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
        parser.add_argument("--cache", choices=["both", "off", "on"], default="both")
        parser.add_argument(
            "--profile",
            action="store_true",
            help="Instead of loading pages over HTTP, profile each page's view in-process "
            "(cProfile, page cache off) and print where the time goes.",
        )

    def handle(self, *args, seconds, connections, workers, cache, profile, **options):
        if os.environ.get(THROWAWAY_ENV):
            return self.prepare(Path(os.environ[THROWAWAY_ENV]), profile=profile)
        if not 1 <= seconds <= 120:
            raise CommandError("--seconds must lie between 1 and 120.")
        if not 1 <= connections <= 1000 or not 1 <= workers <= 64:
            raise CommandError("--connections must lie in 1–1000 and --workers in 1–64.")
        if not profile and shutil.which("wrk") is None:
            raise CommandError(load.WRK_INSTALL_HINT)
        folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
        try:
            env = self.throwaway_env(folder)
            self.stdout.write("Building the site on a throwaway database…")
            command = [sys.executable, "manage.py", "bench_pages"]
            if profile:
                command.append("--profile")
            result = subprocess.run(command, cwd=settings.BASE_DIR, env=env)
            if result.returncode:
                raise CommandError("Building the benchmark's site failed (see above).")
            if profile:
                return
            pages = json.loads((folder / "pages.json").read_text())
            modes = ["off", "on"] if cache == "both" else [cache]
            script = load.write_wrk_script(folder)
            for mode in modes:
                self.run_mode(
                    mode,
                    pages=pages,
                    env=env,
                    folder=folder,
                    script=script,
                    seconds=seconds,
                    connections=connections,
                    workers=workers,
                )
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def throwaway_env(self, folder: Path) -> dict[str, str]:
        """Production settings on files inside `folder`, whatever your environment or .env say."""
        return {
            **os.environ,
            THROWAWAY_ENV: str(folder),
            "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "STATIC_ROOT": str(folder / "static"),
            "MEDIA_ROOT": str(folder / "media"),
            "EMAIL_FILE_PATH": str(folder / "mail"),
            "DEBUG": "false",
            "HTTPS": "false",
            "SECRET_KEY": "bench-" + os.urandom(24).hex(),
            "ALLOWED_HOSTS": "127.0.0.1,testserver",
            "CACHE_URL": "",
            "EMAIL_URL": "",
            "SERVE_MEDIA": "false",
            "LOG_LEVEL": "WARNING",
            "PAGE_CACHE_SECONDS": "0",
        }

    # --- inside the throwaway environment ---

    def prepare(self, folder: Path, *, profile: bool) -> None:
        if not str(settings.DATABASES["default"]["NAME"]).startswith(str(folder)):
            raise CommandError("Refusing to run: the database is not the benchmark's own file.")
        from django.templatetags.static import static

        call_command("migrate", verbosity=0, interactive=False)
        sizes = Sizes()
        pages = SiteBuilder(sizes=sizes).build()
        self.stdout.write(
            f"Built {sizes.posts} posts, {sizes.talks} talks and one series with "
            f"{sizes.past_sessions} past and {sizes.upcoming_sessions} coming sessions."
        )
        call_command("collectstatic", verbosity=0, interactive=False)
        if profile:
            from portal.management.pagebench.profile import profile_pages

            profile_pages(pages, stdout=self.stdout)
            return
        (folder / "pages.json").write_text(
            json.dumps({"static": static(STATIC_FILE), "pages": pages})
        )

    # --- loading the pages ---

    def run_mode(self, mode, *, pages, env, folder, script, seconds, connections, workers):
        port = load.free_port()
        env = {
            **env,
            "PAGE_CACHE_SECONDS": str(MODES[mode]),
            "SITE_URL": f"http://127.0.0.1:{port}",
        }
        load_before = load.load_average()
        urls = {f"static file ({STATIC_FILE})": pages["static"], **pages["pages"]}
        log = folder / f"gunicorn-{mode}.log"
        with load.Gunicorn(
            cwd=settings.BASE_DIR, env=env, port=port, workers=workers, log=log
        ) as server:
            server.wait_ready()
            sizes = {}
            for label, path in urls.items():
                status, body = load.fetch(server.base_url + path)
                if status != 200:
                    raise CommandError(f"{path} answered {status}; the server log: {log}")
                sizes[label] = len(body)
            for path in urls.values():  # warm up: imports, template loading, the page cache
                load.run_wrk(
                    server.base_url + path, script=script, connections=connections, seconds=1
                )
            results = {
                label: load.run_wrk(
                    server.base_url + path,
                    script=script,
                    connections=connections,
                    seconds=seconds,
                )
                for label, path in urls.items()
            }
            # The static file once more at the end: other work on the machine moves every
            # figure, and the shares are taken against both runs of the file.
            results[STATIC_AGAIN] = load.run_wrk(
                server.base_url + pages["static"],
                script=script,
                connections=connections,
                seconds=seconds,
            )
            sizes[STATIC_AGAIN] = sizes[next(iter(urls))]
            memory = [load.peak_memory_mb(pid) for pid in server.worker_pids()]
        self.print_table(
            mode,
            load_before=load_before,
            results=results,
            sizes=sizes,
            memory=memory,
            seconds=seconds,
            connections=connections,
            workers=workers,
        )

    def print_table(
        self, mode, *, load_before, results, sizes, memory, seconds, connections, workers
    ):
        goal = GOALS[mode]
        first_static = next(iter(results.values()))
        static_rate = (first_static.per_second + results[STATIC_AGAIN].per_second) / 2
        self.stdout.write(
            f"\nPage cache {mode} (PAGE_CACHE_SECONDS={MODES[mode]}): gunicorn with {workers} "
            f"workers, wrk with {connections} connections, {seconds:g} s per page, "
            f"{load.cpu_count()} CPUs, load average {load_before} before the run"
        )
        header = f"{'page':<34} {'KiB':>6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'× static':>9}"
        self.stdout.write(header + "  goal")
        self.stdout.write("-" * (len(header) + 6))
        shares = []
        for label, result in results.items():
            share = result.per_second / static_rate if static_rate else 0.0
            verdict = ""
            if result is not first_static and label != STATIC_AGAIN:
                shares.append(share)
                met = share >= goal and (mode == "off" or result.p99_ms < CACHED_P99_GOAL_MS)
                verdict = "ok" if met else "MISSED"
            errors = result.bad_status + result.socket_errors
            if not result.requests:
                verdict = "no answer in time (is the machine busy?)"
            elif errors:
                verdict += f" ({errors} errors of {result.requests})"
            self.stdout.write(
                f"{label:<34} {sizes[label] / 1024:>6.1f} {result.per_second:>8.0f} "
                f"{result.p50_ms:>8.1f} {result.p99_ms:>8.1f} {share:>9.2f}  {verdict}"
            )
        peaks = ", ".join(f"{mb:.0f} MB" for mb in memory if mb is not None) or "unknown"
        goal_text = f"≥ {goal}× the static file"
        if mode == "on":
            goal_text += f" and p99 < {CACHED_P99_GOAL_MS} ms"
        self.stdout.write(
            f"Shares are of the static file's mean rate over its two runs. "
            f"Goal: {goal_text}; median share {statistics.median(shares):.2f}. "
            f"Workers' peak memory (VmHWM): {peaks}."
        )
