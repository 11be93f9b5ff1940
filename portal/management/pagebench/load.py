"""
What `bench_pages` runs against the site it built: gunicorn on the loopback
interface, and wrk (a C load generator, far faster than the pages it loads)
with a small Lua script that prints its figures in one parseable line.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

WRK_INSTALL_HINT = (
    "wrk is missing: the benchmark needs it to load the pages. Install it with "
    "`sudo apt-get install wrk` (Debian, Ubuntu), `brew install wrk` (macOS) or "
    "`sudo dnf install wrk` (Fedora), then run it again."
)

# wrk calls done() once at the end; latencies are in microseconds.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d\\n",
    summary.requests, summary.duration,
    latency:percentile(50.0), latency:percentile(99.0),
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
"""


# What a browser sends with every request (wrk alone sends only Host).
BROWSER_HEADERS = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-GB,en;q=0.5",
    "Accept-Encoding": "gzip, deflate, br, zstd",
}


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    bad_status: int  # answers other than 2xx and 3xx
    socket_errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, *, timeout: float = 30) -> tuple[int, bytes]:
    """The status and body of a GET of `url` (errors answered by the server included)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def peak_memory_mb(pid: int) -> float | None:
    """The process's peak resident set (VmHWM) in MB; None where /proc is not available."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def child_pids(parent: int) -> list[int]:
    """The processes whose parent is `parent` (gunicorn's workers), from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent:
            children.append(int(entry.name))
    return sorted(children)


class Gunicorn:
    """gunicorn serving the portal on 127.0.0.1:`port` with `env`; use it as a context manager."""

    def __init__(self, *, cwd: Path, env: dict[str, str], port: int, workers: int, log: Path):
        self.base_url = f"http://127.0.0.1:{port}"
        self.log = log
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--log-level=warning",
        ]
        self.workers = workers
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def wait_ready(self, *, path: str = "/robots.txt", timeout: float = 60) -> None:
        """Return once every worker is up and the site answers; raise RuntimeError if not."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start:\n{self.log.read_text()[-3000:]}")
            try:
                status, _ = fetch(self.base_url + path, timeout=5)
            except OSError:
                status = None
            if status == 200 and len(self.worker_pids()) >= self.workers:
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; its log: {self.log}")

    def worker_pids(self) -> list[int]:
        return child_pids(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def run_wrk(
    url: str, *, script: Path, connections: int, seconds: float, threads: int = 2
) -> LoadResult:
    """Load `url` for `seconds` with `connections` open connections; wrk's figures."""
    command = [
        "wrk",
        *(f"--header={name}: {value}" for name, value in BROWSER_HEADERS.items()),
        f"--threads={min(threads, connections)}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=10s",
        f"--script={script}",
        url,
    ]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    line = next((line for line in output.splitlines() if line.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures for {url}:\n{output}")
    requests, duration_us, p50_us, p99_us, bad_status, socket_errors = map(int, line.split()[1:])
    return LoadResult(
        requests=requests,
        seconds=duration_us / 1e6,
        p50_ms=p50_us / 1000,
        p99_ms=p99_us / 1000,
        bad_status=bad_status,
        socket_errors=socket_errors,
    )


def write_wrk_script(folder: Path) -> Path:
    script = folder / "figures.lua"
    script.write_text(WRK_SCRIPT)
    return script


def load_average() -> str:
    """The machine's load over the last minute, or "unknown": other work skews every figure."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except (OSError, IndexError):
        return "unknown"


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
