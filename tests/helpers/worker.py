"""
The real worker, `manage.py run_worker`, as a separate process against the test
database and a real SMTP server, for tests that kill it and start it again.
"""

import subprocess
import sys
from pathlib import Path

from tests.helpers.processes import database_url, wait_for

__all__ = ["WORKER_APPLICATION_NAME", "Worker", "worker_database_url", "wait_for"]

ROOT = Path(__file__).resolve().parents[2]


WORKER_APPLICATION_NAME = "portal-test-worker"


def worker_database_url() -> str:
    """The test database for the worker process, its PostgreSQL connections named."""
    url = database_url()
    if url.startswith("postgres://"):
        # Named, so that a test can cut exactly the worker's connections.
        url += f"?application_name={WORKER_APPLICATION_NAME}"
    return url


class Worker:
    def __init__(self, env: dict, log: Path):
        self.log = log
        self.worker_id = log.stem
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "run_worker",
                "--interval",
                "0.2",
                "--no-startup-delay",
                "--no-reload",
                "--worker-id",
                self.worker_id,
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no chance to finish the message in hand or to clean up."""
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
