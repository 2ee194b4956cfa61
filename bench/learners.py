"""Benchmark: many learners at once (locust), against the production shape.

    .venv/bin/python -m bench.learners [--users 200] [--seconds 90] [--pace 8]
                                       [--database-url postgres://...] [--redis-url URL]

Prepares a fresh database (bench.learners_setup: the demo, --users enrolled learners with a
signed-in session each, a 10-question quiz, a generated course of 64 lessons), flushes the
Redis db it is given (cache, sessions and Celery broker), serves the site with gunicorn
(gunicorn.conf.py, production settings) and one Celery worker, then:

1. baseline: the bare view (/healthz/) and the signed-in lesson page, closed loop, from
   --baseline-clients clients, in the same server (throughput ratio and query counts);
2. load: locust, headless, --users learners with constant pacing (--pace seconds per action),
   so the offered load is fixed: reading lessons, saving their place, completing lessons,
   "My learning" and quizzes (start, attempt page, submit). Only the steady state is counted
   (statistics reset once every user has started).

Resident memory of gunicorn (master and workers) and of the Celery worker is sampled every
--sample-every seconds. Reports achieved vs offered requests per second, p50/p95/p99 and
errors per endpoint, the goals, and writes bench/results/<UTC time>-learners.json.
bench.soak is the same load, longer, with fewer users.
"""

from __future__ import annotations

import argparse
import csv
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from . import runner

SETUP_TIMEOUT = 900
BARE = "/healthz/"


def parse_args(argv=None, *, name="learners", users=200, seconds=90.0) -> argparse.Namespace:
    parser = runner.scenario_parser(name, __doc__)
    parser.add_argument("--users", type=int, default=users, help=f"simulated learners ({users})")
    parser.add_argument(
        "--seconds", type=float, default=seconds, help=f"seconds of steady load ({seconds:g})"
    )
    parser.add_argument(
        "--pace", type=float, default=8, help="seconds between one learner's actions (8)"
    )
    parser.add_argument(
        "--spawn-rate",
        type=float,
        default=None,
        help="users started per second (default: all of them over one pace, so their actions "
        "spread evenly; started faster, they act in bursts)",
    )
    parser.add_argument(
        "--sample-every", type=float, default=5, help="seconds between memory samples (5)"
    )
    parser.add_argument("--baseline-clients", type=int, default=20)
    parser.add_argument(
        "--baseline-seconds", type=float, default=5, help="closed-loop seconds per endpoint"
    )
    parser.add_argument("--celery-processes", type=int, default=1)
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/3",
        help="Redis for cache, sessions and broker; this db is flushed (default REDIS_URL)",
    )
    runner.add_server_arguments(parser)
    parser.add_argument("--time-limit", type=float, default=None)
    args = parser.parse_args(argv)
    if args.spawn_rate is None and args.users > 0 and args.pace > 0:
        # 200 learners started in 4 s with an 8 s pace all act in the same half of every
        # pace: twice the offered rate, then nothing (p50 480 ms, against 260 ms spread out).
        args.spawn_rate = args.users / args.pace
    if min(args.users, args.seconds, args.pace, args.spawn_rate or 0, args.sample_every) <= 0:
        parser.error("--users, --seconds, --pace, --spawn-rate and --sample-every must be positive")
    if args.time_limit is None:
        args.time_limit = SETUP_TIMEOUT + args.seconds + 120
    args.name = name
    return args


def environment(database_url: str, redis_url: str) -> dict[str, str]:
    """Production settings (bench.settings) on plain HTTP with Redis as cache and broker."""
    return runner.site_environment(
        database_url,
        redis_url=redis_url,
        broker=True,
        MEDIA_ROOT=str(runner.WORK_DIR / "learners-media"),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
    )


def redis_command(url: str, command: bytes) -> bytes:
    """Send one inline command to the Redis db of `url`; BenchError when Redis is missing."""
    parts = urlsplit(url)
    db = (parts.path or "/0").strip("/") or "0"
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 5) as s:
            s.sendall(f"SELECT {int(db)}\r\n".encode() + command + b"\r\n")
            time.sleep(0.1)
            return s.recv(256)
    except OSError as error:
        raise runner.BenchError(
            f"Redis is not reachable at {url}: {error}. Start redis-server or pass --redis-url."
        ) from error


def prepare(env: dict, args) -> dict:
    setup = runner.run_setup(
        "bench.learners_setup",
        args.name,
        env,
        ["--learners", str(args.users)],
        timeout=SETUP_TIMEOUT,
    )
    setup["file"] = str(runner.WORK_DIR / f"{args.name}-setup.json")
    return setup


class CeleryWorker:
    """A real Celery worker (prefork) for the run, stopped with it."""

    def __init__(self, env: dict, processes: int, log_path: Path):
        self.env, self.processes, self.log_path = env, processes, log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                runner.celery_worker_command(self.processes),
                cwd=runner.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        time.sleep(3)
        if self.process.poll() is not None:
            raise runner.BenchError(f"The Celery worker exited at start; see {self.log_path}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def rss_mb(pid: int) -> float:
    """Resident memory of one process (VmRSS), in MB; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def group_rss(pid: int | None) -> dict:
    """Memory of a master process and its children: the sum, and the largest child."""
    if pid is None:
        return {"total_mb": 0.0, "largest_child_mb": 0.0, "processes": 0}
    children = runner._children(pid)
    sizes = [rss_mb(c) for c in children]
    return {
        "total_mb": round(rss_mb(pid) + sum(sizes), 1),
        "largest_child_mb": round(max(sizes, default=0.0), 1),
        "processes": 1 + len(children),
    }


class MemorySampler(threading.Thread):
    """Samples gunicorn's and the worker's memory every `every` seconds until stopped."""

    def __init__(self, server, worker, every: float):
        super().__init__(daemon=True)
        self.server, self.worker, self.every = server, worker, every
        self.samples: list[dict] = []
        self.stopping = threading.Event()
        self.started_at = time.monotonic()

    def run(self) -> None:
        while True:
            self.samples.append(
                {
                    "seconds": round(time.monotonic() - self.started_at, 1),
                    "gunicorn": group_rss(self.server.process.pid if self.server.process else None),
                    "celery": group_rss(self.worker.process.pid if self.worker.process else None),
                }
            )
            if self.stopping.wait(self.every):
                return


def baseline(server, setup, args) -> dict:
    """The bare view and the signed-in lesson page, closed loop, in the same server."""
    clients = []
    for index in range(args.baseline_clients):
        client = runner.Client("127.0.0.1", server.port, timeout=args.request_timeout)
        client.cookies["sessionid"] = setup["sessions"][index % len(setup["sessions"])]
        clients.append(client)
    lesson = setup["lessons"][len(setup["lessons"]) // 2]["path"]
    samples = {}
    for name, path in (("bare", BARE), ("lesson", lesson)):
        samples[name] = runner.summarise(
            [
                runner.closed_loop(
                    clients, path, server=server, warmup=1.5, seconds=args.baseline_seconds
                )
            ]
        )
    for client in clients:
        client.reset()
    bare, lesson_figures = samples["bare"], samples["lesson"]
    return {
        "clients": args.baseline_clients,
        "seconds_per_endpoint": args.baseline_seconds,
        "bare_rps": bare["rps"],
        "lesson_rps": lesson_figures["rps"],
        "lesson_rps_ratio_to_bare": round(lesson_figures["rps"] / bare["rps"], 3)
        if bare["rps"]
        else None,
        "bare": bare,
        "lesson": lesson_figures,
    }


def run_locust(server, setup, args, folder: Path) -> tuple[dict, dict]:
    """locust, headless, bounded by --seconds; its per-endpoint statistics and failures."""
    prefix = folder / f"{args.name}-locust"
    env = {
        **os.environ,
        "BENCH_LEARNERS_SETUP": setup["file"],
        "BENCH_LEARNERS_PACE": str(args.pace),
        "PYTHONPATH": str(runner.BASE_DIR),
    }
    ramp = args.users / args.spawn_rate
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(runner.BASE_DIR / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{int(args.seconds + ramp)}s",
        "--host",
        f"http://127.0.0.1:{server.port}",
        "--csv",
        str(prefix),
        "--reset-stats",
        "--only-summary",
        "--stop-timeout",
        "10",
        "--exit-code-on-error",
        "0",
        "--loglevel",
        "WARNING",
    ]
    log_path = folder / f"{args.name}-locust.log"
    with log_path.open("w") as log:
        try:
            result = subprocess.run(
                command,
                cwd=runner.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=args.seconds + ramp + 90,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise runner.BenchError(f"locust did not stop in time; see {log_path}") from error
    stats_path = Path(f"{prefix}_stats.csv")
    if result.returncode != 0 or not stats_path.exists():
        tail = "\n".join(log_path.read_text().splitlines()[-20:])
        raise runner.BenchError(f"locust failed (exit {result.returncode}):\n{tail}")
    endpoints, total = {}, {}
    with stats_path.open() as handle:
        for row in csv.DictReader(handle):

            def number(key, row=row):
                try:
                    return float(row[key])
                except (KeyError, ValueError):
                    return None

            figures = {
                "requests": int(number("Request Count") or 0),
                "errors": int(number("Failure Count") or 0),
                "rps": round(number("Requests/s") or 0, 2),
                "latency_ms": {
                    "p50": number("50%"),
                    "p95": number("95%"),
                    "p99": number("99%"),
                    "max": number("Max Response Time"),
                    "mean": round(number("Average Response Time") or 0, 1),
                },
            }
            if row["Name"] == "Aggregated":
                total = figures
            else:
                endpoints[row["Name"]] = figures
    failures = {}
    failures_path = Path(f"{prefix}_failures.csv")
    if failures_path.exists():
        with failures_path.open() as handle:
            for row in csv.DictReader(handle):
                failures[f"{row['Method']} {row['Name']}: {row['Error']}"[:300]] = int(
                    row["Occurrences"]
                )
    return {"endpoints": endpoints, "total": total, "failures": failures}, {
        "command": " ".join(["python", *command[1:]]),
        "ramp_seconds": round(ramp, 1),
    }


def memory_trend(samples: list[dict], key: str) -> dict:
    """Growth of a process group's memory from the end of the first fifth of the run (once
    caches are warm) to its end, in MB and percent."""
    if len(samples) < 3:
        return {"growth_mb": None, "growth_percent": None}
    start = samples[max(1, len(samples) // 5)][key]["total_mb"]
    end = samples[-1][key]["total_mb"]
    return {
        "from_mb": start,
        "to_mb": end,
        "growth_mb": round(end - start, 1),
        "growth_percent": round(100 * (end - start) / start, 1) if start else None,
    }


def main(argv=None, **defaults) -> int:
    args = parse_args(argv, **defaults)
    started = runner.utc_now()
    clock = time.monotonic()
    server = worker = sampler = None
    try:
        # SIGTERM too: the suite's time limit, so the run stops cleanly.
        with runner.time_limit(args.time_limit, on_sigterm=True):
            answer = redis_command(args.redis_url, b"FLUSHDB")
            if b"-ERR" in answer:
                raise runner.BenchError(f"Redis refused FLUSHDB on {args.redis_url}: {answer!r}")
            database = runner.prepared_database(args.database_url, args.name)
            if database.engine != "postgresql":
                print("Note: not PostgreSQL; the production shape is PostgreSQL.", flush=True)
            env = environment(database.url, args.redis_url)
            setup = prepare(env, args)
            server = runner.start_site(
                env,
                args,
                log_name=f"{args.name}-gunicorn.log",
                ready_path=BARE,
                timeout=int(args.request_timeout) + 20,
            )
            worker = CeleryWorker(
                env, args.celery_processes, runner.WORK_DIR / f"{args.name}-celery.log"
            )
            worker.start()
            print(f"Celery worker x {args.celery_processes}.", flush=True)
            sampler = MemorySampler(server, worker, args.sample_every)
            sampler.start()
            print("Baseline: bare view and lesson page, closed loop ...", flush=True)
            base = baseline(server, setup, args)
            print(
                f"  bare {base['bare_rps']} req/s, lesson {base['lesson_rps']} req/s "
                f"({base['lesson_rps_ratio_to_bare']} of bare)",
                flush=True,
            )
            print(
                f"locust: {args.users} users, one action every {args.pace:g}s each, for "
                f"{args.seconds:g}s ...",
                flush=True,
            )
            # Locust's own CSV files and log: beside the suite's results, else under var/bench.
            folder = Path(
                runner.RESULTS_DIR if os.environ.get("BENCH_RESULTS_DIR") else runner.WORK_DIR
            )
            folder.mkdir(parents=True, exist_ok=True)
            load, locust_info = run_locust(server, setup, args, folder)
            sampler.stopping.set()
            sampler.join(timeout=10)
            gunicorn_errors = server.log_tail(15)
    except runner.BenchError as error:
        print(f"\n{error}", file=sys.stderr)
        return 1
    finally:
        if sampler is not None:
            sampler.stopping.set()
        if worker is not None:
            worker.stop()
        if server is not None:
            server.stop()

    sys.path.insert(0, str(runner.BASE_DIR))
    os.environ["BENCH_LEARNERS_SETUP"] = setup["file"]
    from bench.locustfile import WEIGHTS, requests_per_task

    offered = round(args.users / args.pace * requests_per_task(), 2)
    achieved = load["total"].get("rps") or 0
    errors = load["total"].get("errors", 0)
    lesson = load["endpoints"].get("lesson page", {})
    queries = {slug: q["count"] for slug, q in setup["queries"].items()}
    goals = [
        _goal("errors", errors, "==", 0),
        _goal("achieved / offered requests per second", round(achieved / offered, 3), ">=", 0.95),
        _goal("lesson page p95", _get(lesson, "latency_ms", "p95"), "<", 150, " ms"),
        _goal("lesson page queries, small or large course", max(queries.values()), "<=", 6),
    ]
    if args.name == "learners":
        goals.append(
            _goal(
                "signed-in lesson throughput / bare view",
                base["lesson_rps_ratio_to_bare"],
                ">=",
                0.30,
            )
        )
    memory = {
        "samples": sampler.samples,
        "gunicorn": memory_trend(sampler.samples, "gunicorn"),
        "celery": memory_trend(sampler.samples, "celery"),
        "note": "VmRSS summed over the master and its children (shared pages count once per "
        "process); growth from the end of the first fifth of the run to its end",
    }
    if args.name == "soak":
        for key in ("gunicorn", "celery"):
            goals.append(
                _goal(f"{key} memory growth", memory[key]["growth_percent"], "<=", 10, " %")
            )
    results = {
        **runner.report_header(args.name, started, time.monotonic() - clock, argv),
        "database": {**setup["database"], "url": database.redacted_url},
        "server": {
            **server.describe(),
            "settings": "bench.settings (lms.settings.production)",
            "cache": setup["cache"],
            "celery_worker_processes": args.celery_processes,
        },
        "load": {
            "users": args.users,
            "pace_seconds": args.pace,
            "measured_seconds": args.seconds,
            "spawn_rate": args.spawn_rate,
            "task_weights": WEIGHTS,
            "requests_per_action": round(requests_per_task(), 3),
            "offered_rps": offered,
            "achieved_rps": achieved,
            "achieved_ratio": round(achieved / offered, 3),
            **locust_info,
            "model": "locust constant pacing: each user starts one action every pace seconds "
            "(sooner never; later when the last action took longer), statistics reset once "
            "all users have started",
        },
        "baseline": base,
        "endpoints": load["endpoints"],
        "total": load["total"],
        "failures": load["failures"],
        "queries": setup["queries"],
        "large_course": setup["large_course"],
        "memory": memory,
        "gunicorn_log_tail": gunicorn_errors,
        "goals": goals,
    }
    return runner.finish(args.name, started, results, print_summary)


def _get(data, *keys):
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _goal(name, value, op, limit, unit=""):
    from .suite import goal

    return goal(name, value, op, limit, unit)


def print_summary(results: dict) -> None:
    load = results["load"]
    print(
        f"\n{load['users']} users for {load['measured_seconds']:g}s: offered "
        f"{load['offered_rps']} req/s, achieved {load['achieved_rps']} req/s"
    )
    header = f"{'endpoint':<20} {'requests':>8} {'errors':>6} {'p50':>6} {'p95':>6} {'p99':>6}"
    print(header)
    for name, entry in {**results["endpoints"], "all": results["total"]}.items():
        lat = entry.get("latency_ms", {})
        print(
            f"{name:<20} {entry.get('requests', 0):>8} {entry.get('errors', 0):>6} "
            f"{lat.get('p50') or 0:>6.0f} {lat.get('p95') or 0:>6.0f} {lat.get('p99') or 0:>6.0f}"
        )
    for kind, count in results["failures"].items():
        print(f"  failure x{count}: {kind}")
    print(
        "queries per lesson page: "
        + ", ".join(
            f"{slug} ({q['lessons_in_course']} lessons) {q['count']}"
            for slug, q in results["queries"].items()
        )
    )
    for key in ("gunicorn", "celery"):
        trend = results["memory"][key]
        print(f"{key} memory: {trend.get('from_mb')} -> {trend.get('to_mb')} MB")
    for g in results["goals"]:
        state = {True: "met", False: "NOT met", None: "n/a"}[g["passed"]]
        print(f"  goal {g['goal']} {g['op']} {g['limit']}{g['unit']}: {g['value']} ({state})")


if __name__ == "__main__":
    sys.exit(main())
