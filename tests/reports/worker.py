"""A real Celery worker process for integration tests, on the test's Redis broker and its PostgreSQL test database.

Each test gets its own queue name, so workers of other test runs sharing the Redis database never see its jobs.
The worker runs in its own session; it (with its pool children and their Chromium) is stopped by its process group
id at the end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")


def require_broker_and_postgres() -> None:
    if not settings.CELERY_BROKER_URL:
        pytest.skip("needs CELERY_BROKER_URL (Redis); `make test` sets it")
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs a shared PostgreSQL test database")


def database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def unique_queue() -> str:
    return f"test-reports-{uuid.uuid4().hex[:10]}"


class Worker:
    def __init__(self, *, queue: str, media_root: Path, log_path: Path, concurrency: int = 1):
        self.queue = queue
        self.media_root = media_root
        self.log_path = log_path
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Worker:
        env = {
            **os.environ,
            "DEBUG": "false",
            "TESTING": "true",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "test-only-secret-key",
            "DATABASE_URL": database_url(),
            "DATABASE_CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "VAELGKLOGT_REPORTS_QUEUE": self.queue,
            "MEDIA_ROOT": str(self.media_root),
        }
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "vaelgklogt",
                "worker",
                "--pool=prefork",
                f"--concurrency={self.concurrency}",
                "-Q",
                self.queue,
                "-n",
                f"{self.queue}-{uuid.uuid4().hex[:6]}@%h",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited with {self.process.returncode}:\n{self.log()}")
            if "ready." in self.log():
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"worker not ready after {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill_hard(self) -> None:
        """kill -9 the worker and its pool children (its own process group), as a crash or OOM kill would.

        Chromium runs in a session of its own (choreographer starts it so) and normally exits when its pipe closes;
        any of the worker's descendants still alive after a few seconds is killed by its id.
        """
        assert self.process is not None
        family = descendants(self.process.pid)
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while family and time.monotonic() < deadline:
            family = [pid for pid in family if _alive(pid)]
            time.sleep(0.2)
        for pid in family:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass


def descendants(root: int) -> list[int]:
    """Ids of every process below `root`, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@contextmanager
def running_worker(*, queue: str, media_root: Path, log_path: Path, concurrency: int = 1):
    worker = Worker(queue=queue, media_root=media_root, log_path=log_path, concurrency=concurrency).start()
    try:
        yield worker
    finally:
        worker.stop()


def wait_for(predicate, *, timeout: float, interval: float = 0.2, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message}")
