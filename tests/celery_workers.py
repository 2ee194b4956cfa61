"""A real Celery worker for tests that need one (marked `services`): a prefork worker on a
private queue, sharing the test's database, and a polling helper to wait on it."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from tests.conftest import ROOT, database_url_for_subprocess


def wait_for(predicate, message, *, timeout=90.0, check=None):
    """Poll until `predicate()` is true; `check()` may raise to stop early (a dead worker)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check is not None:
            check()
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"{message} within {timeout} s")


class Worker:
    """A prefork Celery worker on a private queue of `broker_url`, sharing the test's
    database; the tasks it queues itself stay on that queue."""

    def __init__(self, broker_url, queue, *, concurrency=1, env=None):
        self.queue = queue
        self.log_path = ROOT / "var" / f"{queue}-{uuid.uuid4().hex[:6]}.log"
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lms.settings.test",
            "DATABASE_URL": database_url_for_subprocess(),
            "CELERY_BROKER_URL": broker_url,
            "REDIS_URL": broker_url,
            "PEERPATH_TEST_EAGER": "0",
            "PEERPATH_TEST_QUEUE": queue,
            **(env or {}),
        }
        self.log = open(self.log_path, "w")  # noqa: SIM115 - open for the worker's life
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.celery_test_app",  # the project's app plus the hooks tests ask for
                "worker",
                "--pool=prefork",
                f"--concurrency={concurrency}",
                "--queues",
                queue,
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname={queue}-{uuid.uuid4().hex[:6]}@%h",
            ],
            cwd=ROOT,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.child_pids: set[int] = set()

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            pids = [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []
        self.child_pids.update(pids)
        return pids

    def text(self) -> str:
        return self.log_path.read_text()

    def alive(self):
        assert self.process.poll() is None, f"the worker exited; see {self.log_path}"

    def wait_ready(self):
        wait_for(lambda: " ready." in self.text(), "the worker did not start", check=self.alive)
        self.children()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        # Children orphaned by a killed main process: never leave them running.
        for pid in self.child_pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        self.log.close()
