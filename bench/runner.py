"""What every benchmark scenario needs: a database it may drop, a gunicorn server, simulated
clients with their own cookies, closed-loop load, statistics, and a description of the machine.

Standard library only (plus psycopg and dj-database-url, already dependencies, to re-create a
PostgreSQL database), so a benchmark adds nothing to the lock files. Linux is assumed for the
CPU figures (/proc); elsewhere they are left out.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import resource
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
# bench.suite points every scenario at its own run folder with BENCH_RESULTS_DIR.
RESULTS_DIR = Path(os.environ.get("BENCH_RESULTS_DIR") or BASE_DIR / "bench" / "results")
WORK_DIR = BASE_DIR / "var" / "bench"


class BenchError(Exception):
    """A benchmark could not run; the message says why and what to do."""


# --- What every scenario does around its measurement ----------------------------------------


def scenario_parser(name: str, doc: str) -> argparse.ArgumentParser:
    """The options parser of `python -m bench.<name>`, described by the first paragraph of
    the scenario's docstring."""
    return argparse.ArgumentParser(prog=f"python -m bench.{name}", description=doc.split("\n\n")[0])


def add_closed_loop_arguments(
    parser: argparse.ArgumentParser,
    *,
    clients: int,
    seconds: float,
    rounds: int,
    warmup: float,
    warmup_help: str,
    time_limit_help: str,
) -> None:
    """The options of a closed-loop scenario (learning, quiz) with their defaults, the
    server's options (add_server_arguments) and --time-limit. check_closed_loop_arguments
    checks them once parsed."""
    parser.add_argument(
        "--clients", type=int, default=clients, help=f"simulated learners ({clients})"
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=seconds,
        help=f"measured seconds per endpoint ({seconds:g})",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=rounds,
        help=f"rounds the measured seconds are split into ({rounds})",
    )
    parser.add_argument("--warmup", type=float, default=warmup, help=warmup_help)
    add_server_arguments(parser)
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help=f"stop the whole run after this many seconds (default: {time_limit_help})",
    )


def check_closed_loop_arguments(parser: argparse.ArgumentParser, args) -> None:
    if min(args.clients, args.seconds, args.rounds, args.workers, args.threads) <= 0:
        parser.error("--clients, --seconds, --rounds, --workers and --threads must be positive")
    if args.warmup < 0:
        parser.error("--warmup cannot be negative")


def celery_worker_command(processes: int) -> list[str]:
    """A Celery worker of the project with `processes` prefork children, quiet and alone
    (no gossip, mingle or heartbeat with other workers)."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "lms",
        "worker",
        "--pool=prefork",
        f"--concurrency={processes}",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]


# Variables of the caller's environment a benchmarked site never inherits.
SITE_ONLY_VARIABLES = {"REDIS_URL", "CELERY_BROKER_URL", "DEBUG", "DJANGO_SETTINGS_MODULE"}


def site_environment(
    database_url: str, *, redis_url: str | None = None, broker: bool = False, **settings: str
) -> dict[str, str]:
    """The environment of the site under benchmark: production settings (bench.settings) on
    plain HTTP with a throwaway key and the given database. With `redis_url`, Redis is the
    cache (and, with `broker`, the Celery broker; else tasks run in-process); without it, each
    process caches in its own memory. `settings` adds or overrides variables."""
    env = {k: v for k, v in os.environ.items() if k not in SITE_ONLY_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        PYTHONUNBUFFERED="1",
    )
    if redis_url:
        env.update(REDIS_URL=redis_url, CELERY_BROKER_URL=redis_url if broker else "")
    env.update(settings)
    return env


def setup_django_in_process(
    env: dict[str, str], *, migrate: bool = True, collectstatic: bool = False
) -> None:
    """Run Django in this process with `env` (from site_environment), on a migrated database
    unless `migrate` is false; `collectstatic` for pages rendered with production settings
    (hashed static names)."""
    for name in SITE_ONLY_VARIABLES - env.keys():
        os.environ.pop(name, None)  # as site_environment left them out
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    if migrate:
        call_command("migrate", interactive=False, verbosity=0)
    if collectstatic:
        call_command("collectstatic", interactive=False, verbosity=0)


def prepared_database(requested: str | None, name: str) -> BenchDatabase:
    """The scenario's database (resolve_database; SQLite var/bench/<name>.sqlite3 unless a
    URL is given), dropped and re-created, with a line saying which."""
    database = resolve_database(requested, WORK_DIR / f"{name}.sqlite3")
    if database.note:
        print(f"Note: {database.note}.")
    print(f"Preparing {database.engine} database {database.redacted_url} ...", flush=True)
    database.reset()
    return database


def start_site(env: dict[str, str], args, *, log_name: str, ready_path: str, **options):
    """gunicorn serving the site with the scenario's --workers and --threads, answering
    `ready_path`; stopped again if it does not start. `options` go to GunicornServer."""
    server = GunicornServer(
        app="lms.wsgi",
        env=env,
        workers=args.workers,
        threads=args.threads,
        log_path=WORK_DIR / log_name,
        **options,
    )
    try:
        server.start(ready_path=ready_path)
    except BaseException:
        server.stop()
        raise
    print(
        f"gunicorn on 127.0.0.1:{server.port}: {server.workers} {server.worker_class} "
        f"workers x {server.threads} thread(s).",
        flush=True,
    )
    return server


def run_setup(
    module: str,
    label: str,
    env: dict[str, str],
    arguments: list[str],
    *,
    timeout: float,
    output_option: str = "--output",
) -> dict:
    """Prepare a scenario's data in a subprocess with the site's environment:
    `python -m <module> <output_option> var/bench/<label>-setup.json <arguments>`, its output
    in var/bench/<label>-setup.log. Returns the JSON it wrote; BenchError with the end of the
    log when it fails or passes `timeout` seconds."""
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    output = WORK_DIR / f"{label}-setup.json"
    output.unlink(missing_ok=True)
    log_path = WORK_DIR / f"{label}-setup.log"
    command = [sys.executable, "-m", module, output_option, str(output), *arguments]
    with log_path.open("w") as log:
        try:
            result = subprocess.run(
                command,
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise BenchError(f"Setup took over {timeout:.0f}s; see {log_path}") from error
    if result.returncode != 0 or not output.exists():
        tail = "\n".join(log_path.read_text().splitlines()[-30:])
        raise BenchError(f"Setup failed (see {log_path}):\n{tail}")
    setup = json.loads(output.read_text())
    if timings := setup.get("timings_seconds"):
        print(
            f"  set up in {sum(timings.values()):.0f}s: "
            + ", ".join(f"{k} {v:g}s" for k, v in timings.items()),
            flush=True,
        )
    return setup


@contextmanager
def time_limit(seconds: float, *, on_sigterm: bool = False) -> Iterator[None]:
    """Raise BenchError in the run when it passes `seconds` (and, with `on_sigterm`, when the
    suite stops it), so that the scenario stops its processes and reports."""

    def out_of_time(signum, frame):
        raise BenchError(f"Stopped: the run passed its time limit of {seconds:.0f}s")

    previous = {signal.SIGALRM: signal.signal(signal.SIGALRM, out_of_time)}
    if on_sigterm:
        previous[signal.SIGTERM] = signal.signal(signal.SIGTERM, out_of_time)
    signal.alarm(max(1, int(seconds)))
    try:
        yield
    finally:
        signal.alarm(0)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def finish(name: str, started: datetime, results: dict, print_summary: Callable) -> int:
    """Write the results (bench/results/<time>-<name>.json), print the summary and where
    the file is; the scenario's exit status."""
    path = write_results(name, started, results)
    print_summary(results)
    shown = path.relative_to(BASE_DIR) if path.is_relative_to(BASE_DIR) else path
    print(f"\nWrote {shown}")
    return 0


def report_header(name: str, started: datetime, duration: float, argv=None) -> dict:
    """The first entries of a scenario's results: what ran, when, for how long, on which
    revision and machine."""
    return {
        "benchmark": name,
        "started_at": started.isoformat(timespec="seconds"),
        "duration_seconds": round(duration, 1),
        "command": " ".join([f"python -m bench.{name}", *(argv or sys.argv[1:])]),
        "revision": git_revision(),
        "machine": machine(),
    }


def site_report(setup: dict, database: BenchDatabase, server: GunicornServer) -> dict:
    """The database and server entries of a closed-loop scenario's results (learning, quiz)."""
    return {
        "database": {
            **setup["database"],
            "url": database.redacted_url,
            **({"note": database.note} if database.note else {}),
        },
        "server": {
            **server.describe(),
            "settings": "bench.settings (lms.settings.production; static files in var/bench)",
            "debug": False,
            "cache": setup["cache"] + " (one per worker)",
        },
    }


def port_open(url: str, default_port: int = 6379) -> bool:
    """Whether the server of `url` (Redis by default) accepts connections."""
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def ratio(value, baseline, *, digits: int = 3) -> float | None:
    """value / baseline, rounded; None when either is missing."""
    if value is None or not baseline:
        return None
    return round(value / baseline, digits)


def num(value, digits: int = 1) -> str:
    """A figure for a summary table; "-" when missing."""
    return "-" if value is None else f"{value:.{digits}f}"


# --- Database --------------------------------------------------------------------------------


@dataclass
class BenchDatabase:
    """The database a benchmark drops and re-creates. Its name always contains "bench", so
    a DATABASE_URL meant for real data is never the one dropped."""

    url: str
    engine: str  # "sqlite" or "postgresql"
    note: str = ""

    @property
    def redacted_url(self) -> str:
        parts = urlsplit(self.url)
        if parts.password:
            netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
            return urlunsplit(parts._replace(netloc=netloc))
        return self.url

    def connection_options(self, dbname: str) -> dict:
        """psycopg.connect() arguments for database `dbname` on this server, in autocommit."""
        import dj_database_url

        config = dj_database_url.parse(self.url)
        options = {
            "dbname": dbname,
            "host": config.get("HOST") or None,
            "port": config.get("PORT") or None,
            "user": config.get("USER") or None,
            "password": config.get("PASSWORD") or None,
            "autocommit": True,
        }
        return {k: v for k, v in options.items() if v is not None}

    def reset(self) -> None:
        if self.engine == "sqlite":
            path = Path(urlsplit(self.url).path[1:])
            path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            return
        import dj_database_url
        import psycopg
        from psycopg import sql

        name = sql.Identifier(dj_database_url.parse(self.url)["NAME"])
        try:
            with psycopg.connect(**self.connection_options("postgres"), connect_timeout=10) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
                conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
        except psycopg.Error as error:
            raise BenchError(
                f"Could not re-create {self.redacted_url}: {error}".strip()
                + "\nIs PostgreSQL running, and may this user create databases?"
            ) from error


def resolve_database(requested: str | None, default_sqlite: Path) -> BenchDatabase:
    """The benchmark database for a requested URL (from --database-url or DATABASE_URL).
    SQLite by default. A URL whose database name lacks "bench" is not used as it is: SQLite
    falls back to the default file, PostgreSQL to "<name>_bench" on the same server."""
    if not requested:
        return BenchDatabase(f"sqlite:///{default_sqlite}", "sqlite")
    parts = urlsplit(requested)
    scheme = parts.scheme.split("+")[0]
    if scheme.startswith("sqlite"):
        name = parts.path[1:]
        if "bench" in Path(name).name:
            path = Path(name) if Path(name).is_absolute() else BASE_DIR / name
            return BenchDatabase(f"sqlite:///{path}", "sqlite")
        return BenchDatabase(
            f"sqlite:///{default_sqlite}",
            "sqlite",
            note=f"{requested} is not named for benchmarks; using {default_sqlite} instead",
        )
    if scheme in {"postgres", "postgresql", "pgsql"}:
        name = parts.path.lstrip("/") or "peerpath"
        note = ""
        if "bench" not in name:
            note = f"database {name!r} is not named for benchmarks; using {name}_bench instead"
            name = f"{name}_bench"
        return BenchDatabase(urlunsplit(parts._replace(path=f"/{name}")), "postgresql", note)
    raise BenchError(f"Unsupported database URL {requested!r}: use sqlite:// or postgres://.")


# --- Server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _proc_cpu_seconds(pid: int) -> float:
    # utime and stime, fields 14 and 15 of /proc/<pid>/stat, after the parenthesised name.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            children.append(int(entry.name))
    return children


@dataclass
class GunicornServer:
    """gunicorn serving a WSGI app on a free loopback port, with its log in a file."""

    app: str
    env: dict[str, str]
    workers: int
    threads: int
    log_path: Path
    timeout: int = 30
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def worker_class(self) -> str:
        return "gthread" if self.threads > 1 else "sync"

    @property
    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            self.app,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            self.worker_class,
            "--threads",
            str(self.threads),
            "--timeout",
            str(self.timeout),
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
            "--error-logfile",
            "-",
        ]

    def describe(self) -> dict:
        return {
            "app": self.app,
            "worker_class": self.worker_class,
            "workers": self.workers,
            "threads": self.threads,
            "timeout": self.timeout,
            "bind": f"127.0.0.1:{self.port}",
            "access_log": False,
            "command": " ".join(self.command[1:]),
            "gunicorn": _version("gunicorn"),
        }

    def start(self, *, ready_path: str, wait_seconds: float = 60) -> None:
        self.port = free_port()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            self.command, cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited at start-up:\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", ready_path)
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(
            f"gunicorn did not answer {ready_path} in {wait_seconds:.0f}s:\n{self.log_tail()}"
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # SIGTERM: graceful shutdown of the master and its workers
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def cpu_seconds(self) -> float | None:
        """CPU time of the master and its workers so far (Linux only)."""
        if self.process is None:
            return None
        try:
            pids = [self.process.pid, *_children(self.process.pid)]
            return sum(_proc_cpu_seconds(pid) for pid in pids)
        except (OSError, IndexError, ValueError):
            return None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text().splitlines()[-lines:])
        except OSError:
            return ""


# --- Clients ---------------------------------------------------------------------------------


class Client:
    """One simulated person: one connection (re-opened when the server closes it) and their
    own cookies. Secure cookies are kept and sent, since the benchmark is plain HTTP on the
    loopback standing in for HTTPS behind a proxy."""

    def __init__(self, host: str, port: int, *, timeout: float) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)

    def reset(self) -> None:
        self.conn.close()

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        all_headers = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=all_headers)
        response = self.conn.getresponse()
        data = response.read()
        for header in response.msg.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response.status, response.msg, data


def percentile(sorted_values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation between closest ranks."""
    if not sorted_values:
        return float("nan")
    rank = (len(sorted_values) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


def _machine_cpu_ticks() -> tuple[int, int] | None:
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values), idle


@dataclass
class _Snapshot:
    wall: float
    client_cpu: float
    server_cpu: float | None
    machine: tuple[int, int] | None

    @classmethod
    def take(cls, server: GunicornServer) -> _Snapshot:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return cls(
            time.perf_counter(),
            usage.ru_utime + usage.ru_stime,
            server.cpu_seconds(),
            _machine_cpu_ticks(),
        )


def _cpu_figures(spans: list[tuple[_Snapshot, _Snapshot]]) -> dict:
    """Cores used, on average over the spans, by the load generator (this process), gunicorn
    (master and workers) and everything else on the machine."""
    wall = sum(end.wall - start.wall for start, end in spans)
    client = sum(end.client_cpu - start.client_cpu for start, end in spans)
    figures = {"load_generator_cores": round(client / wall, 2)}
    if all(s.server_cpu is not None and e.server_cpu is not None for s, e in spans):
        server = sum(end.server_cpu - start.server_cpu for start, end in spans)
        figures["gunicorn_cores"] = round(server / wall, 2)
    if all(s.machine and e.machine for s, e in spans):
        total = sum(end.machine[0] - start.machine[0] for start, end in spans)
        idle = sum(end.machine[1] - start.machine[1] for start, end in spans)
        if total:
            busy = (total - idle) / total
            figures["machine_busy_percent"] = round(100 * busy, 1)
            if "gunicorn_cores" in figures:
                # Whatever else ran: the database server, and anything sharing the machine.
                ours = (server + client) / wall
                figures["other_processes_cores"] = round(
                    max(0.0, busy * (os.cpu_count() or 1) - ours), 2
                )
    return figures


@dataclass
class Sample:
    """What one closed-loop run measured, raw, so runs of one endpoint can be pooled."""

    path: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    bytes: int = 0
    errors: Counter = field(default_factory=Counter)
    span: tuple[_Snapshot, _Snapshot] | None = None

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds


def closed_loop(
    clients: list[Client],
    path: str,
    *,
    server: GunicornServer,
    warmup: float,
    seconds: float,
    expect_status: int = 200,
    exchange=None,
) -> Sample:
    """Each client runs one exchange, waits for the whole response and goes again at once,
    for `warmup` then `seconds` seconds. Only exchanges finished inside the measured window
    count: throughput is successful exchanges per second, latency is the timed part of each.

    The default exchange GETs `path` and times it from sending to the last byte; anything but
    `expect_status` is an error. A benchmark with a longer cycle passes its own
    `exchange(client, index) -> (sent, done, outcome, body)`, where `sent`/`done` bound the
    timed part (None when it never ran) and `outcome` is None or an error label."""

    def get(client: Client, _index: int):
        sent = time.perf_counter()
        status, _headers, body = client.request("GET", path)
        return (
            sent,
            time.perf_counter(),
            None if status == expect_status else f"HTTP {status}",
            body,
        )

    exchange = exchange or get
    tallies = [Sample(path, seconds) for _ in clients]
    window: dict[str, float] = {}

    def set_window():
        now = time.perf_counter()
        window["start"] = now + warmup
        window["stop"] = now + warmup + seconds

    barrier = threading.Barrier(len(clients) + 1, action=set_window)

    def work(client: Client, index: int, tally: Sample) -> None:
        client.reset()  # a fresh connection, not one the server closed while we were idle
        barrier.wait()
        start, stop = window["start"], window["stop"]
        while time.perf_counter() < stop:
            try:
                sent, done, outcome, body = exchange(client, index)
            except (OSError, http.client.HTTPException) as error:
                client.reset()
                sent, done, outcome, body = None, None, type(error).__name__, b""
            finished = done or time.perf_counter()
            if start <= finished <= stop:
                if outcome is None:
                    tally.latencies.append(done - sent)
                    tally.bytes += len(body)
                else:
                    tally.errors[outcome] += 1
            if outcome is not None:
                time.sleep(0.05)  # do not spin on a failing server

    threads = [
        threading.Thread(target=work, args=(c, i, t), daemon=True)
        for i, (c, t) in enumerate(zip(clients, tallies, strict=True))
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    time.sleep(max(0.0, window["start"] - time.perf_counter()))
    first = _Snapshot.take(server)
    time.sleep(max(0.0, window["stop"] - time.perf_counter()))
    last = _Snapshot.take(server)
    for thread in threads:
        thread.join(timeout=3 * clients[0].timeout + 5)

    return Sample(
        path,
        seconds,
        latencies=[x for t in tallies for x in t.latencies],
        bytes=sum(t.bytes for t in tallies),
        errors=sum((t.errors for t in tallies), Counter()),
        span=(first, last),
    )


def summarise(samples: list[Sample]) -> dict:
    """Pool samples of one endpoint: throughput over all measured seconds, latency
    percentiles over all responses, CPU use averaged over the measured windows."""
    latencies = sorted(x for s in samples for x in s.latencies)
    errors = sum((s.errors for s in samples), Counter())
    seconds = sum(s.seconds for s in samples)
    ok = len(latencies)

    def ms(value: float | None) -> float | None:
        return None if value is None or not ok else round(value * 1000, 2)

    return {
        "path": samples[0].path,
        "measured_seconds": round(seconds, 2),
        "responses_ok": ok,
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "rps": round(ok / seconds, 1),
        "rps_by_round": [round(s.rps, 1) for s in samples],
        "latency_ms": {
            "mean": ms(sum(latencies) / ok) if ok else None,
            "p50": ms(percentile(latencies, 50)) if ok else None,
            "p95": ms(percentile(latencies, 95)) if ok else None,
            "p99": ms(percentile(latencies, 99)) if ok else None,
            "max": ms(latencies[-1]) if ok else None,
        },
        "response_bytes_mean": round(sum(s.bytes for s in samples) / ok) if ok else None,
        "cpu": _cpu_figures([s.span for s in samples if s.span]),
    }


# --- Run description and results --------------------------------------------------------------


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _proc_field(path: str, prefix: str) -> str | None:
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return None
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith(prefix)), None)


def machine() -> dict:
    memory = _proc_field("/proc/meminfo", "MemTotal")  # "24683520 kB"
    affinity = getattr(os, "sched_getaffinity", None)
    return {
        "cpu_count": os.cpu_count(),
        "cpus_available": len(affinity(0)) if affinity else None,
        "cpu_model": _proc_field("/proc/cpuinfo", "model name"),
        "memory_mb": int(memory.split()[0]) // 1024 if memory else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": _version("Django"),
        "wagtail": _version("wagtail"),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def git_revision() -> dict:
    def git(*args: str) -> str:
        result = subprocess.run(
            ["git", *args], cwd=BASE_DIR, capture_output=True, text=True, timeout=10, check=False
        )
        return result.stdout.rstrip("\n")

    try:
        commit = git("rev-parse", "HEAD").strip()
        status = git("status", "--porcelain", "--untracked-files=all").splitlines()
    except (OSError, subprocess.TimeoutExpired):
        return {}
    # Results depend on uncommitted changes too, so name them (the benchmark's own aside).
    changed = sorted(line[3:] for line in status if not line[3:].startswith("bench/"))
    return {"commit": commit, "dirty": bool(changed), "uncommitted_files": changed}


def utc_now() -> datetime:
    return datetime.now(UTC)


def write_results(name: str, started: datetime, results: dict) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{started.strftime('%Y%m%dT%H%M%SZ')}-{name}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    return path


def gunicorn_config() -> dict:
    """The workers, threads and worker class gunicorn.conf.py chooses on this machine (the
    file production uses), so the benchmarks measure what is deployed."""
    values: dict = {}
    path = BASE_DIR / "gunicorn.conf.py"
    if path.exists():
        namespace: dict = {"__file__": str(path)}
        exec(compile(path.read_text(), str(path), "exec"), namespace)  # noqa: S102 - our own file
        values = {k: namespace[k] for k in ("workers", "threads", "worker_class") if k in namespace}
    cores = os.cpu_count() or 1
    values.setdefault("workers", 2 * cores + 1)
    values.setdefault("threads", 1)
    values.setdefault("worker_class", "gthread" if values["threads"] > 1 else "sync")
    values["file"] = "gunicorn.conf.py" if path.exists() else None
    return values


def add_server_arguments(parser) -> None:
    """Options every HTTP benchmark shares: the database and the gunicorn shape."""
    config = gunicorn_config()
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="sqlite:// or postgres:// URL (default: DATABASE_URL, else SQLite in var/bench/); "
        "the database is dropped and re-created, so a name without 'bench' gets '_bench' added",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=config["workers"],
        help=f"gunicorn worker processes (gunicorn.conf.py: {config['workers']})",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=config["threads"],
        help=f"threads per worker; above 1 uses gthread (gunicorn.conf.py: {config['threads']})",
    )
    parser.add_argument(
        "--request-timeout", type=float, default=10, help="seconds before a request fails (10)"
    )
