"""Benchmark: what learners do most, against a bare Django view, in the same run.

    .venv/bin/python -m bench.learning [--clients 50] [--seconds 20] [--database-url URL]

Prepares a fresh database (SQLite under var/bench/ unless --database-url or DATABASE_URL names
a PostgreSQL server), seeds the demo and enrols benchmark learners on Boundaries, serves the
site with gunicorn and production settings, signs every simulated learner in, then puts each
endpoint under closed-loop load from all of them at once: the bare view (/healthz/), the
dashboard and a lesson page. The measured seconds of each endpoint are split into rounds
that take the endpoints in turn, so a machine that slows down or speeds up during the run
affects them all alike; every round reports its own figures as well.

Prints a summary and writes bench/results/<UTC time>-learning.json. Ratios are to the bare
view: "rps / bare" is the share of the bare view's throughput an endpoint keeps, and
"p95 / bare" how many times slower its 95th-percentile response is.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

from . import runner

COURSE = "boundaries"
BARE = ("bare", "/healthz/")
ENDPOINTS = [
    ("dashboard", "/learn/"),
    ("lesson", "/courses/boundaries/roles/peer-role/"),
]
LOGIN_PATH = "/accounts/login/"
SETUP_TIMEOUT = 600  # seconds; migrate and seed take well under a minute on two cores


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.learning", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--clients", type=int, default=50, help="simulated learners (50)")
    parser.add_argument(
        "--seconds", type=float, default=20, help="measured seconds per endpoint (20)"
    )
    parser.add_argument(
        "--rounds", type=int, default=4, help="rounds the measured seconds are split into (4)"
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=3,
        help="unmeasured seconds before an endpoint's first round (3); 1 before later rounds",
    )
    runner.add_server_arguments(parser)
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="stop the whole run after this many seconds (default: 300 + the load time)",
    )
    args = parser.parse_args(argv)
    if min(args.clients, args.seconds, args.rounds, args.workers, args.threads) <= 0:
        parser.error("--clients, --seconds, --rounds, --workers and --threads must be positive")
    if args.warmup < 0:
        parser.error("--warmup cannot be negative")
    if args.time_limit is None:
        endpoints = len(ENDPOINTS) + 1
        load = endpoints * (args.seconds + args.warmup + (args.rounds - 1) * later_warmup(args))
        args.time_limit = 300 + load
    return args


def later_warmup(args) -> float:
    """Warm-up before an endpoint's later rounds: enough for every client to be under way."""
    return min(args.warmup, 1.0)


def main(argv=None) -> int:
    args = parse_args(argv)
    started = runner.utc_now()
    clock = time.monotonic()

    def out_of_time(signum, frame):
        raise runner.BenchError(f"Stopped: the run passed its time limit of {args.time_limit:.0f}s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(int(args.time_limit))
    server = None
    try:
        database = runner.resolve_database(args.database_url, runner.WORK_DIR / "learning.sqlite3")
        if database.note:
            print(f"Note: {database.note}.")
        env = server_environment(database.url)
        print(f"Preparing {database.engine} database {database.redacted_url} ...", flush=True)
        database.reset()
        setup = prepare(env, clients=args.clients)

        server = runner.GunicornServer(
            app="lms.wsgi",
            env=env,
            workers=args.workers,
            threads=args.threads,
            log_path=runner.WORK_DIR / "gunicorn.log",
        )
        server.start(ready_path=BARE[1])
        print(
            f"gunicorn on 127.0.0.1:{server.port}: {server.workers} {server.worker_class} "
            f"workers x {server.threads} thread(s). Signing in {args.clients} learners ...",
            flush=True,
        )
        signing_in = time.monotonic()
        clients = sign_in(server, setup["learners"]["emails"], setup["learners"]["password"], args)
        setup["timings_seconds"]["sign_in"] = round(time.monotonic() - signing_in, 2)

        samples = measure(clients, server, args)
    except runner.BenchError as error:
        print(f"\n{error}", file=sys.stderr)
        return 1
    finally:
        signal.alarm(0)
        if server is not None:
            server.stop()

    results = report(
        args=args,
        started=started,
        duration=time.monotonic() - clock,
        database=database,
        setup=setup,
        server=server,
        samples=samples,
    )
    path = runner.write_results("learning", started, results)
    print_summary(results)
    print(f"\nWrote {path.relative_to(runner.BASE_DIR)}")
    return 0


def measure(clients, server, args) -> dict[str, list[runner.Sample]]:
    """Every endpoint, once per round, in an order that rotates from round to round."""
    phases = [BARE, *ENDPOINTS]
    samples: dict[str, list[runner.Sample]] = {name: [] for name, _path in phases}
    seconds = args.seconds / args.rounds
    print(
        f"Measuring {len(phases)} endpoints in {args.rounds} rounds of {seconds:g}s each, "
        f"{args.clients} clients:",
        flush=True,
    )
    for number in range(args.rounds):
        turn = phases[number % len(phases) :] + phases[: number % len(phases)]
        print(f"  round {number + 1}:", end="", flush=True)
        for name, path in turn:
            warmup = args.warmup if number == 0 else later_warmup(args)
            sample = runner.closed_loop(
                clients, path, server=server, warmup=warmup, seconds=seconds
            )
            samples[name].append(sample)
            print(
                f" {name} {sample.rps:.1f} req/s",
                end=";" if name != turn[-1][0] else "\n",
                flush=True,
            )
    return samples


def server_environment(database_url: str) -> dict[str, str]:
    """Production settings (via bench.settings) on plain HTTP, with a throwaway key. No Redis:
    the cache is each worker's local memory and Celery tasks run in-process, as on a single
    machine without a broker."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "CELERY_BROKER_URL", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    if os.environ.get("BENCH_PRODUCTION_SHAPE") == "1" and os.environ.get("REDIS_URL"):
        # In the suite: the cache (and cached sessions) in Redis, shared by the workers as in
        # production; tasks still run in-process, since this scenario starts no worker.
        env.update(REDIS_URL=os.environ["REDIS_URL"], CELERY_BROKER_URL="")
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def prepare(env: dict[str, str], *, clients: int) -> dict:
    runner.WORK_DIR.mkdir(parents=True, exist_ok=True)
    output = runner.WORK_DIR / "learning-setup.json"
    output.unlink(missing_ok=True)
    log_path = runner.WORK_DIR / "learning-setup.log"
    command = [
        sys.executable,
        "-m",
        "bench.learning_setup",
        "--output",
        str(output),
        "--learners",
        str(clients),
        "--course",
        COURSE,
        *(f"--measure={name}={path}" for name, path in [BARE, *ENDPOINTS]),
    ]
    with log_path.open("w") as log:
        try:
            result = subprocess.run(
                command,
                cwd=runner.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=SETUP_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise runner.BenchError(f"Setup took over {SETUP_TIMEOUT}s; see {log_path}") from error
    if result.returncode != 0 or not output.exists():
        tail = "\n".join(log_path.read_text().splitlines()[-30:])
        raise runner.BenchError(f"Setup failed (see {log_path}):\n{tail}")
    setup = json.loads(output.read_text())
    print(
        f"  set up in {sum(setup['timings_seconds'].values()):.0f}s: "
        + ", ".join(f"{k} {v:g}s" for k, v in setup["timings_seconds"].items())
    )
    return setup


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def sign_in(
    server: runner.GunicornServer, emails: list[str], password: str, args
) -> list[runner.Client]:
    """One client per learner, signed in through the real login form (CSRF and all). A
    few at a time: each sign-in hashes a password, which is slow on purpose."""

    def one(email: str) -> runner.Client:
        client = runner.Client("127.0.0.1", server.port, timeout=30)
        status, _headers, body = client.request("GET", LOGIN_PATH)
        match = CSRF_FIELD.search(body.decode())
        if status != 200 or not match:
            raise runner.BenchError(f"GET {LOGIN_PATH} answered {status} without a CSRF token")
        form = urlencode({"csrfmiddlewaretoken": match[1], "username": email, "password": password})
        status, _headers, _body = client.request(
            "POST",
            LOGIN_PATH,
            body=form.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302 or "sessionid" not in client.cookies:
            raise runner.BenchError(f"Signing in {email} answered {status}, not a redirect")
        client.timeout = args.request_timeout
        client.conn.timeout = args.request_timeout
        client.reset()
        return client

    with ThreadPoolExecutor(max_workers=min(server.workers, 4)) as pool:
        return list(pool.map(one, emails))


def report(*, args, started, duration, database, setup, server, samples) -> dict:
    endpoints = {name: runner.summarise(runs) for name, runs in samples.items()}
    for entry in endpoints.values():
        if cores := entry["cpu"].get("gunicorn_cores"):
            entry["gunicorn_cpu_ms_per_response"] = round(1000 * cores / entry["rps"], 2)
    bare = endpoints["bare"]
    for name, entry in endpoints.items():
        entry["rps_ratio_to_bare"] = _ratio(entry["rps"], bare["rps"])
        entry["p95_ratio_to_bare"] = _ratio(entry["latency_ms"]["p95"], bare["latency_ms"]["p95"])
        # Round by round, each against the bare view's figure in the same round.
        entry["rps_ratio_to_bare_by_round"] = [
            _ratio(mine.rps, theirs.rps)
            for mine, theirs in zip(samples[name], samples["bare"], strict=True)
        ]
        entry["rps_ratio_to_bare_median_of_rounds"] = _ratio(
            statistics.median(entry["rps_ratio_to_bare_by_round"]), 1
        )
        # Server CPU per response hardly depends on what else the machine runs; rps does.
        entry["cpu_ratio_to_bare"] = _ratio(
            entry.get("gunicorn_cpu_ms_per_response"), bare.get("gunicorn_cpu_ms_per_response")
        )
        queries = setup["queries"].get(name)
        if queries:
            entry["queries_per_request"] = queries["count"]
            entry["queries"] = queries["sql"]
    bare_rounds = bare["rps_by_round"]
    return {
        "benchmark": "learning",
        "started_at": started.isoformat(timespec="seconds"),
        "duration_seconds": round(duration, 1),
        "command": " ".join(["python -m bench.learning", *sys.argv[1:]]),
        "revision": runner.git_revision(),
        "machine": runner.machine(),
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
        "load": {
            "clients": args.clients,
            "seconds_per_endpoint": args.seconds,
            "rounds": args.rounds,
            "warmup_seconds": {"first_round": args.warmup, "later_rounds": later_warmup(args)},
            "request_timeout_seconds": args.request_timeout,
            "model": "closed loop: each client sends its next request as soon as the last "
            "response is read; one signed-in session per client; requests run in threads "
            "of the benchmark process with http.client, on the same machine as the server",
        },
        "seed": {
            "demo": "seed_demo --quiet",
            "course": setup["learners"]["course"],
            "lessons_in_course": setup["learners"]["lessons_in_course"],
            "learners": setup["learners"]["count"],
            "completed_lessons": "learner N has completed N mod (lessons in course)",
            "queries_counted_for": setup["learners"]["sample_learner"],
            "setup_seconds": setup["timings_seconds"],
            "sign_in": "POST /accounts/login/ once per learner, with CSRF, four at a time",
        },
        "baseline": "bare",
        "baseline_spread": {
            "bare_rps_max_over_min": _ratio(max(bare_rounds), min(bare_rounds)),
            "meaning": "how far the bare view's throughput moved between rounds: the noise "
            "of the machine during the run",
        },
        "endpoints": endpoints,
        "ratios": {
            name: {
                "rps": endpoints[name]["rps_ratio_to_bare"],
                "p95": endpoints[name]["p95_ratio_to_bare"],
                "rps_median_of_rounds": endpoints[name]["rps_ratio_to_bare_median_of_rounds"],
                "cpu_per_response": endpoints[name]["cpu_ratio_to_bare"],
            }
            for name, _path in ENDPOINTS
        },
    }


def _ratio(value, baseline):
    if value is None or not baseline:
        return None
    return round(value / baseline, 3)


def print_summary(results: dict) -> None:
    db = results["database"]
    srv = results["server"]
    load = results["load"]
    print(
        f"\n{load['clients']} clients, {load['seconds_per_endpoint']:g}s per endpoint in "
        f"{load['rounds']} rounds; {db['engine']} {db['version']}; gunicorn {srv['workers']} "
        f"{srv['worker_class']} workers x {srv['threads']} thread(s); "
        f"{results['machine']['cpu_count']} cores"
    )
    header = (
        f"{'endpoint':<10} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'errors':>6} {'queries':>7} {'cpu ms':>6} "
        f"{'rps/bare':>8} {'p95/bare':>8} {'cpu/bare':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, entry in results["endpoints"].items():
        lat = entry["latency_ms"]
        print(
            f"{name:<10} {entry['rps']:>7.1f} {_num(lat['p50']):>8} {_num(lat['p95']):>8} "
            f"{_num(lat['p99']):>8} {entry['errors']:>6} "
            f"{entry.get('queries_per_request', ''):>7} "
            f"{_num(entry.get('gunicorn_cpu_ms_per_response')):>6} "
            f"{_num(entry['rps_ratio_to_bare'], 3):>8} {_num(entry['p95_ratio_to_bare'], 2):>8} "
            f"{_num(entry['cpu_ratio_to_bare'], 1):>8}"
        )
    print(
        "cpu ms: gunicorn CPU time per response. cpu/bare compares it with the bare view's;\n"
        "it moves least when other work shares the machine."
    )
    spread = results["baseline_spread"]["bare_rps_max_over_min"]
    if spread is not None and spread > 1.2:
        print(
            f"Warning: the bare view's throughput varied {spread:.2f}x between rounds; the "
            "machine was not steady (see cpu.other_processes_cores), so read the ratios as rough."
        )


def _num(value, digits=1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


if __name__ == "__main__":
    sys.exit(main())
