"""
Lighthouse's four category scores (performance, accessibility, best practices, SEO)
for the home page, a post, a talk and a club session, as a visitor gets them from a
production-like server.

It never touches your database: the command starts itself again on a throwaway
SQLite file in a temporary folder, loads the demo content there, collects and
compresses the static files, and serves it with gunicorn in production settings
(DEBUG off, WhiteNoise) on 127.0.0.1. Lighthouse (npm) runs Chromium: CHROME_PATH,
or the first Chromium on PATH.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from portal import demo
from portal.models import SearchDocument

THROWAWAY_ENV = "LIGHTHOUSE_SITE_DIR"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGE_KINDS = ("post", "talk", "session")  # besides the home page
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class Command(BaseCommand):
    help = (
        "Lighthouse's performance, accessibility, best-practices and SEO scores for the "
        "home page, a post, a talk and a session of the demo site, served by gunicorn in "
        "production settings on a throwaway database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--lighthouse",
            default="lighthouse",
            help="The lighthouse command (default: `lighthouse` on PATH; `make lighthouse` "
            "installs one under .cache/).",
        )
        parser.add_argument(
            "--preset",
            choices=["mobile", "desktop"],
            default="mobile",
            help="Lighthouse's device and throttling (default: mobile, its own default).",
        )

    def handle(self, *args, lighthouse, preset, **options):
        if os.environ.get(THROWAWAY_ENV):
            return self.prepare(Path(os.environ[THROWAWAY_ENV]))
        lighthouse = shutil.which(lighthouse) or lighthouse
        if not Path(lighthouse).is_file():
            raise CommandError(f"{lighthouse} not found: run `make lighthouse`, which installs it.")
        chrome = os.environ.get("CHROME_PATH") or next(
            filter(None, map(shutil.which, CHROMIUM_NAMES)), None
        )
        if not chrome:
            raise CommandError("No Chromium found: `apt install chromium`, or set CHROME_PATH.")
        folder = Path(tempfile.mkdtemp(prefix="lighthouse-"))
        server = None
        try:
            port = _free_port()
            env = self.throwaway_env(folder, port)
            self.stdout.write("Loading the demo site on a throwaway database…")
            built = subprocess.run(
                [sys.executable, "manage.py", "lighthouse"], cwd=settings.BASE_DIR, env=env
            )
            if built.returncode:
                raise CommandError("Building the demo site failed (see above).")
            pages = json.loads((folder / "pages.json").read_text())
            server = self.serve(env, port, folder / "gunicorn.log")
            rows = []
            for name, path in pages.items():
                url = f"http://127.0.0.1:{port}{path}"
                self.stdout.write(f"Lighthouse: {name} {path}")
                rows.append((name, path, self.scores(lighthouse, chrome, url, preset, folder)))
            self.report(rows, preset)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=15)
            shutil.rmtree(folder, ignore_errors=True)

    def throwaway_env(self, folder: Path, port: int) -> dict[str, str]:
        """Production settings on files inside `folder`, whatever your environment or .env say."""
        return {
            **os.environ,
            THROWAWAY_ENV: str(folder),
            "DATABASE_URL": f"sqlite:///{folder / 'site.sqlite3'}",
            "STATIC_ROOT": str(folder / "static"),
            "MEDIA_ROOT": str(folder / "media"),
            "EMAIL_FILE_PATH": str(folder / "mail"),
            "PAGE_CACHE_GENERATION_FILE": str(folder / "page-cache-generation"),
            "DEBUG": "false",
            "HTTPS": "false",
            "SECRET_KEY": "lighthouse-" + os.urandom(24).hex(),
            "SITE_URL": f"http://127.0.0.1:{port}",
            "ALLOWED_HOSTS": "127.0.0.1",
            "CACHE_URL": "",
            "EMAIL_URL": "",
            "SERVE_MEDIA": "true",
            "PAPER_LOOKUP": "false",
            "LOG_LEVEL": "WARNING",
        }

    def serve(self, env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "2"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise CommandError(f"gunicorn exited:\n{log.read_text(errors='replace')[-3000:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=5).close()
                return process
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        process.terminate()
        raise CommandError("gunicorn did not answer within 60 s.")

    def scores(self, lighthouse, chrome, url, preset, folder) -> dict[str, int | None]:
        report_file = folder / "report.json"
        command = [
            lighthouse,
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report_file}",
            "--chrome-flags=--headless=new --no-sandbox",
            "--only-categories=" + ",".join(CATEGORIES),
        ]
        if preset == "desktop":
            command.append("--preset=desktop")
        completed = subprocess.run(
            command, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True, text=True
        )
        if completed.returncode or not report_file.is_file():
            raise CommandError(f"Lighthouse failed on {url}:\n{completed.stderr[-3000:]}")
        report = json.loads(report_file.read_text())
        report_file.unlink()
        failing = [
            audit["title"]
            for audit in report["audits"].values()
            if audit.get("score") is not None
            and audit["score"] < 1
            and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
        ]
        if failing:
            self.stdout.write("  below 1: " + "; ".join(failing[:12]))
        return {
            category: _percent(report["categories"][category]["score"]) for category in CATEGORIES
        }

    def report(self, rows, preset) -> None:
        self.stdout.write(f"\nLighthouse scores ({preset}):")
        self.stdout.write(f"{'page':<10} {'path':<44} " + " ".join(f"{c:>14}" for c in CATEGORIES))
        for name, path, scores in rows:
            self.stdout.write(
                f"{name:<10} {path:<44} "
                + " ".join(f"{'–' if scores[c] is None else scores[c]:>14}" for c in CATEGORIES)
            )

    # --- inside the throwaway environment ---

    def prepare(self, folder: Path) -> None:
        if not str(settings.DATABASES["default"]["NAME"]).startswith(str(folder)):
            raise CommandError("Refusing to run: the database is not this command's own file.")
        call_command("migrate", verbosity=0, interactive=False)
        author = get_user_model().objects.create_superuser(
            username="organizer", email="organizer@example.org", password=None
        )
        with transaction.atomic():
            for app_demo in demo.demos():
                app_demo.load(author=author)
        call_command("collectstatic", verbosity=0, interactive=False)
        pages = {"home": "/"}
        published = SearchDocument.objects.filter(published_at__lte=timezone.now())
        for kind in PAGE_KINDS:
            document = published.filter(kind=kind).order_by("-published_at").first()
            if document is None:
                raise CommandError(f"The demo content has no published {kind}.")
            pages[kind] = document.url
        (folder / "pages.json").write_text(json.dumps(pages))


def _percent(score: float | None) -> int | None:
    return None if score is None else round(score * 100)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
