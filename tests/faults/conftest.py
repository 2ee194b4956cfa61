"""Fault tests: private service processes the tests may stop, kill and restart (a Redis on a
free port, a PostgreSQL cluster in a temporary directory), and Celery workers bound to them.
The shared Redis and PostgreSQL are never touched. Each fixture skips with a reason when its
binary is missing (and fails under PEERPATH_REQUIRE_ALL=1)."""

import glob
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from celery import Celery

from tests.celery_workers import Worker, wait_for  # noqa: F401 - the fault tests import them here
from tests.conftest import skip_or_fail


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server of our own on a free port, without persistence, that a test may stop
    and start again on the same port."""

    def __init__(self, directory: Path):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.reachable, "the private Redis did not start", timeout=15)

    def reachable(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), 0.5):
                return True
        except OSError:
            return False

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self.process = None


@pytest.fixture
def private_redis(tmp_path):
    if shutil.which("redis-server") is None:
        skip_or_fail("redis-server is not installed (apt-get install redis-server).")
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture
def workers():
    """start(broker_url, queue, **options) -> Worker; every worker started is stopped."""
    started: list[Worker] = []

    def start(broker_url, queue, **options):
        worker = Worker(broker_url, queue, **options)
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()


def sender_app(broker_url: str, queue: str) -> Celery:
    """A Celery app bound to `broker_url` whose messages go to `queue`; never the current
    app, so tasks this process runs otherwise stay in-process."""
    app = Celery("faults-sender", broker=broker_url, set_as_current=False)
    app.conf.task_default_queue = queue
    return app


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    """A PostgreSQL cluster of our own (initdb in a temporary directory, a free port, trust
    authentication), which a test may stop, start and restart. As root it runs as the
    `postgres` OS user, since initdb refuses to run as root."""

    def __init__(self, bindir: Path, directory: Path, as_user: list[str]):
        self.bindir = bindir
        self.directory = directory
        self.data = directory / "data"
        self.log = directory / "server.log"
        self.port = free_port()
        self.as_user = as_user

    def run(self, *command: str, timeout=120):
        return subprocess.run(
            [*self.as_user, str(self.bindir / command[0]), *command[1:]],
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def init(self):
        self.run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )

    def _options(self) -> str:
        # fsync off: a test cluster; a killed server still leaves its writes with the OS.
        return f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"

    def start(self):
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-o",
            self._options(),
            "start",
        )

    def stop(self, mode="fast"):
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, mode="fast"):
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-m",
            mode,
            "-w",
            "-o",
            self._options(),
            "restart",
        )

    def running(self) -> bool:
        result = subprocess.run(
            [*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data), "status"],
            capture_output=True,
        )
        return result.returncode == 0

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str):
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')


@pytest.fixture
def private_postgres():
    import pwd
    import tempfile

    bindir = postgres_bin()
    if bindir is None:
        skip_or_fail(
            "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin "
            "(apt-get install postgresql)."
        )
    as_user: list[str] = []
    directory = Path(tempfile.mkdtemp(prefix="peerpath-pg-"))
    if os.geteuid() == 0:
        # initdb refuses to run as root: run the cluster as the postgres OS user.
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            skip_or_fail("Running as root and there is no `postgres` OS user to run initdb as.")
        if shutil.which("runuser") is None:
            skip_or_fail("Running as root and `runuser` is missing to run initdb as postgres.")
        as_user = ["runuser", "-u", "postgres", "--"]
        os.chown(directory, account.pw_uid, account.pw_gid)
    cluster = PrivatePostgres(bindir, directory, as_user)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        if cluster.running():
            cluster.stop("immediate")
        shutil.rmtree(directory, ignore_errors=True)
