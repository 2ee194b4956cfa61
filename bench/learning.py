"""Benchmark: what learners do most, against a bare Django view, in the same run.

    .venv/bin/python -m bench.learning [--clients 50] [--seconds 20] [--database-url URL]

Prepares a fresh database (SQLite under var/bench/ unless --database-url or DATABASE_URL names
a PostgreSQL server), seeds the demo and enrols benchmark learners on Boundaries, serves the
site with gunicorn and production settings, signs every simulated learner in, then puts each
endpoint under closed-loop load from all of them at once: the bare view (/healthz/), the
dashboard and a lesson page; then a trainee's placement page and the supervisor's page of
that placement (40 two-hour entries, 10 waiting for a decision), each from as many sessions
of that one person, made in the setup (the supervisor's past the code step). The measured
seconds of each endpoint are split into rounds
that take the endpoints in turn, so a machine that slows down or speeds up during the run
affects them all alike; every round reports its own figures as well.

Prints a summary and writes bench/results/<UTC time>-learning.json. Ratios are to the bare
view: "rps / bare" is the share of the bare view's throughput an endpoint keeps, and
"p95 / bare" how many times slower its 95th-percentile response is.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

from . import runner
from .runner import num, ratio

COURSE = "boundaries"
BARE = ("bare", "/healthz/")
ENDPOINTS = [
    ("dashboard", "/learn/"),
    ("lesson", "/courses/boundaries/roles/peer-role/"),
]
# Measured from the sessions of the placement's trainee and supervisor; paths from the setup.
PRACTICUM_ENDPOINTS = ("placement", "supervise")
LOGIN_PATH = "/accounts/login/"
SETUP_TIMEOUT = 600  # seconds; migrate and seed take well under a minute on two cores


def parse_args(argv=None) -> argparse.Namespace:
    parser = runner.scenario_parser("learning", __doc__)
    runner.add_closed_loop_arguments(
        parser,
        clients=50,
        seconds=20,
        rounds=4,
        warmup=3,
        warmup_help="unmeasured seconds before an endpoint's first round (3); 1 before the others",
        time_limit_help="300 + the load time",
    )
    args = parser.parse_args(argv)
    runner.check_closed_loop_arguments(parser, args)
    if args.time_limit is None:
        endpoints = len(ENDPOINTS) + len(PRACTICUM_ENDPOINTS) + 1
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
    server = None
    try:
        with runner.time_limit(args.time_limit):
            database = runner.prepared_database(args.database_url, "learning")
            env = server_environment(database.url)
            setup = prepare(env, clients=args.clients)
            server = runner.start_site(env, args, log_name="gunicorn.log", ready_path=BARE[1])
            print(f"Signing in {args.clients} learners ...", flush=True)
            signing_in = time.monotonic()
            learners = setup["learners"]
            clients = sign_in(server, learners["emails"], learners["password"], args)
            setup["timings_seconds"]["sign_in"] = round(time.monotonic() - signing_in, 2)
            phases = [(name, path, clients) for name, path in [BARE, *ENDPOINTS]]
            practicum = setup["practicum"]
            for name in PRACTICUM_ENDPOINTS:
                people = [session_client(server, key, args) for key in practicum["sessions"][name]]
                phases.append((name, practicum["paths"][name], people))

            samples = measure(phases, server, args)
    except runner.BenchError as error:
        print(f"\n{error}", file=sys.stderr)
        return 1
    finally:
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
    return runner.finish("learning", started, results, print_summary)


def session_client(server, session_key: str, args) -> runner.Client:
    """A client holding a session made in the setup."""
    client = runner.Client("127.0.0.1", server.port, timeout=args.request_timeout)
    client.cookies["sessionid"] = session_key
    return client


def measure(phases, server, args) -> dict[str, list[runner.Sample]]:
    """Every endpoint (name, path, clients), once per round, in an order that rotates from
    round to round."""
    samples: dict[str, list[runner.Sample]] = {name: [] for name, _path, _who in phases}
    seconds = args.seconds / args.rounds
    print(
        f"Measuring {len(phases)} endpoints in {args.rounds} rounds of {seconds:g}s each, "
        f"{args.clients} clients:",
        flush=True,
    )
    for number in range(args.rounds):
        turn = phases[number % len(phases) :] + phases[: number % len(phases)]
        print(f"  round {number + 1}:", end="", flush=True)
        for name, path, clients in turn:
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
    # In the suite: the cache (and cached sessions) in Redis, shared by the workers as in
    # production; tasks still run in-process, since this scenario starts no worker.
    shared = os.environ.get("BENCH_PRODUCTION_SHAPE") == "1"
    return runner.site_environment(database_url, redis_url=shared and os.environ.get("REDIS_URL"))


def prepare(env: dict[str, str], *, clients: int) -> dict:
    arguments = ["--learners", str(clients), "--course", COURSE]
    arguments += ["--practicum-sessions", str(clients)]
    arguments += [f"--measure={name}={path}" for name, path in [BARE, *ENDPOINTS]]
    return runner.run_setup(
        "bench.learning_setup", "learning", env, arguments, timeout=SETUP_TIMEOUT
    )


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
        entry["rps_ratio_to_bare"] = ratio(entry["rps"], bare["rps"])
        entry["p95_ratio_to_bare"] = ratio(entry["latency_ms"]["p95"], bare["latency_ms"]["p95"])
        # Round by round, each against the bare view's figure in the same round.
        entry["rps_ratio_to_bare_by_round"] = [
            ratio(mine.rps, theirs.rps)
            for mine, theirs in zip(samples[name], samples["bare"], strict=True)
        ]
        entry["rps_ratio_to_bare_median_of_rounds"] = ratio(
            statistics.median(entry["rps_ratio_to_bare_by_round"]), 1
        )
        # Server CPU per response hardly depends on what else the machine runs; rps does.
        entry["cpu_ratio_to_bare"] = ratio(
            entry.get("gunicorn_cpu_ms_per_response"), bare.get("gunicorn_cpu_ms_per_response")
        )
        queries = setup["queries"].get(name)
        if queries:
            entry["queries_per_request"] = queries["count"]
            entry["queries"] = queries["sql"]
    bare_rounds = bare["rps_by_round"]
    return {
        **runner.report_header("learning", started, duration),
        **runner.site_report(setup, database, server),
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
            "practicum": {
                "entries": setup["practicum"]["entries"],
                "waiting_for_the_supervisor": setup["practicum"]["waiting"],
                "sessions": "one per client for the trainee (placement) and for the "
                "supervisor (supervise, past the code step), made in the setup",
            },
        },
        "baseline": "bare",
        "baseline_spread": {
            "bare_rps_max_over_min": ratio(max(bare_rounds), min(bare_rounds)),
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
            for name in endpoints
            if name != "bare"
        },
    }


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
            f"{name:<10} {entry['rps']:>7.1f} {num(lat['p50']):>8} {num(lat['p95']):>8} "
            f"{num(lat['p99']):>8} {entry['errors']:>6} "
            f"{entry.get('queries_per_request', ''):>7} "
            f"{num(entry.get('gunicorn_cpu_ms_per_response')):>6} "
            f"{num(entry['rps_ratio_to_bare'], 3):>8} {num(entry['p95_ratio_to_bare'], 2):>8} "
            f"{num(entry['cpu_ratio_to_bare'], 1):>8}"
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


if __name__ == "__main__":
    sys.exit(main())
