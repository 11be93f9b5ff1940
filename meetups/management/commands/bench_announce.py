"""
Benchmark: announce a session to N confirmed subscribers through the real
worker (`manage.py run_worker` in its own process) and a local SMTP sink.

It never touches your database: the command starts itself again on a
throwaway SQLite file in a temporary folder, and everything (the worker
included) runs there. Needs aiosmtpd (a development dependency).
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone

THROWAWAY_ENV = "BENCH_ANNOUNCE_DIR"


class CountingSink:
    """An SMTP server handler that accepts everything and counts messages and connections."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = 0
        self.connections = 0
        self.recipients = set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages += 1
            self.recipients.update(envelope.rcpt_tos)
        return "250 OK"


def _peak_memory_mb(pid: int) -> float | None:
    """The process's peak resident set (VmHWM) in MB; None where /proc is not available."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time the process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


class Command(BaseCommand):
    help = (
        "Announce a session to N confirmed subscribers through the real worker and a local "
        "SMTP sink, on a throwaway database; print the time, rate, worker memory and "
        "SMTP connections."
    )

    def add_arguments(self, parser):
        parser.add_argument("--subscribers", type=int, default=10_000)
        parser.add_argument("--timeout", type=float, default=600, help="Give up after this long.")

    def handle(self, *args, subscribers, timeout, **options):
        if subscribers < 1:
            raise CommandError("--subscribers must be at least 1.")
        if os.environ.get(THROWAWAY_ENV):
            return self.run_benchmark(subscribers=subscribers, timeout=timeout)
        folder = Path(tempfile.mkdtemp(prefix="bench-announce-"))
        try:
            env = {
                **os.environ,
                THROWAWAY_ENV: str(folder),
                "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
                "DEBUG": "false",
                "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-" + os.urandom(16).hex(),
                "CACHE_URL": "",
                "LOG_LEVEL": "WARNING",
            }
            env.pop("EMAIL_URL", None)
            command = [
                sys.executable,
                "manage.py",
                "bench_announce",
                f"--subscribers={subscribers}",
                f"--timeout={timeout}",
            ]
            result = subprocess.run(command, cwd=settings.BASE_DIR, env=env)
            if result.returncode:
                raise CommandError("The benchmark failed (see above).")
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def run_benchmark(self, *, subscribers: int, timeout: float):
        from meetups.enums import AnnouncementStatus
        from meetups.models import Announcement, Series, Session, Subscription
        from meetups.services import announcement_create

        folder = Path(os.environ[THROWAWAY_ENV])
        if not str(settings.DATABASES["default"]["NAME"]).startswith(str(folder)):
            raise CommandError("Refusing to run: the database is not the benchmark's own file.")
        try:
            from aiosmtpd.controller import Controller
        except ImportError as error:
            raise CommandError(
                "aiosmtpd is missing: it is a development dependency (make install)."
            ) from error

        call_command("migrate", verbosity=0, interactive=False)
        series = Series.objects.create(name="Benchmark Paper Club", slug="bench")
        starts_at = timezone.now() + timedelta(days=7)
        session = Session.objects.create(
            series=series,
            number=1,
            title="Throughput",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            published_at=timezone.now(),
            description="Ten thousand readers, one **reading list**.",
        )
        Subscription.objects.bulk_create(
            [
                Subscription(
                    series=series,
                    email=f"reader{n}@example.org",
                    status="confirmed",
                    confirmed_at=timezone.now(),
                )
                for n in range(subscribers)
            ],
            batch_size=2000,
        )

        sink = CountingSink()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        env = {**os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
        log = (folder / "worker.log").open("wb")
        worker = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "run_worker",
                "--interval",
                "0.1",
                "--no-startup-delay",
                "--no-reload",
                "--verbosity",
                "0",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            time.sleep(2)  # let the worker start: its boot is not what is measured
            if worker.poll() is not None:
                raise CommandError(f"The worker exited: {(folder / 'worker.log').read_text()}")
            self.stdout.write(
                f"Announcing to {subscribers:,} confirmed subscribers through `run_worker` and a "
                "local SMTP sink…"
            )
            started = time.perf_counter()
            announcement = announcement_create(session=session)
            queued = time.perf_counter() - started
            deadline = started + timeout
            while (
                Announcement.objects.get(pk=announcement.pk).status != AnnouncementStatus.FINISHED
            ):
                if time.perf_counter() > deadline:
                    raise CommandError(f"Not finished after {timeout:.0f} s.")
                if worker.poll() is not None:
                    raise CommandError(f"The worker died: {(folder / 'worker.log').read_text()}")
                time.sleep(0.05)
            total = time.perf_counter() - started
            peak = _peak_memory_mb(worker.pid)
            cpu = _cpu_seconds(worker.pid)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
            controller.stop()
            log.close()

        counts = dict(
            announcement.deliveries.order_by().values_list("status").annotate(n=Count("pk"))
        )
        rate = sink.messages / total if total else 0
        peak_text = f"{peak:.0f} MB (VmHWM)" if peak is not None else "not available here"
        rows = [
            ("announce request (queued)", f"{queued:.2f} s"),
            ("delivered", f"{sink.messages:,} messages to {len(sink.recipients):,} recipients"),
            ("deliveries", ", ".join(f"{n:,} {status}" for status, n in sorted(counts.items()))),
            ("total time", f"{total:.1f} s"),
            ("throughput", f"{rate:,.0f} messages/s"),
            ("worker peak memory", peak_text),
            ("worker CPU time", f"{cpu:.1f} s" if cpu is not None else "not available here"),
            ("SMTP connections opened", f"{sink.connections}"),
        ]
        for label, value in rows:
            self.stdout.write(f"  {label + ':':<26} {value}")
        verdicts = [
            ("under 60 s", total < 60),
            ("under 200 MB", peak is None or peak < 200),
            ("connections reused", sink.connections < max(2, sink.messages // 100)),
            ("every subscriber reached once", sink.messages == len(sink.recipients) == subscribers),
        ]
        self.stdout.write(
            "  targets: " + ", ".join(f"{name} {'✓' if ok else '✗'}" for name, ok in verdicts)
        )
        if not all(ok for _, ok in verdicts):
            raise CommandError("A target was missed.")
