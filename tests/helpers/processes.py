"""
The portal in other processes, against the test database: management commands,
gunicorn app servers, and a small cookie-keeping HTTP client to talk to them.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url(db: dict | None = None) -> str:
    """A database's settings (the test database's by default) as another process reads them."""
    db = db or connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


def child_env(**overrides: str) -> dict[str, str]:
    """The environment of a portal process on the test database, in production mode."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "false",
        "PAGE_CACHE_GENERATION_FILE": str(settings.PAGE_CACHE_GENERATION_FILE),
        **overrides,
    }


def manage(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `manage.py *args` in its own process; its output is in the result."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, *, timeout: float, what: str):
    """The first true value of `predicate()`, polled until `timeout` seconds are up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.1)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}")


class AppServer:
    """gunicorn serving the portal on a free loopback port, until stop()."""

    def __init__(self, env: dict[str, str], log: Path, *, workers: int = 1):
        self.workers = workers
        self.log = Path(log)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "portal.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(self._answers, timeout=60, what=f"gunicorn on port {self.port}")
        except AssertionError:
            self.stop()
            raise AssertionError(self.log.read_text(errors="replace")[-3000:]) from None

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(
                f"gunicorn exited with {self.process.returncode}:\n"
                + self.log.read_text(errors="replace")[-3000:]
            )
        try:
            # Any HTTP answer will do: a server with its database out of reach still answers.
            urllib.request.urlopen(self.url + "/robots.txt", timeout=5).close()
        except urllib.error.HTTPError:
            pass
        except OSError:
            return False
        # Every worker is up, not only the first: requests are shared between them.
        booted = self.log.read_text(errors="replace").count("Booting worker with pid")
        return booted >= self.workers

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """
    An HTTP client that keeps cookies and shows redirects rather than following them:
    `request(path, data, headers)` → (status, headers, text), whatever the status.
    """

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects()
        )

    def request(self, path: str, data: dict | None = None, *, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, error.read().decode(errors="replace")

    def csrf_token(self, path: str) -> str:
        """The CSRF token of the form on `path` (its cookie is kept)."""
        _, _, page = self.request(path)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
