"""Benchmark: public verification (the page and the JSON), against the bare Django view
(/healthz/) measured in the same run, at several numbers of concurrent clients, with the
public-record cache cold and warm.

    .venv/bin/python -m bench.verify [--clients 8,32,50] [--seconds 6] [--certificates 500]
                                     [--database-url URL] [--redis-url URL]

Prepares a fresh database (SQLite under var/bench/ unless --database-url or DATABASE_URL names
PostgreSQL) with the demo site settings and --certificates issued certificates (made directly
in the database: no PDF is rendered, verification never reads it), counts the SQL queries of
one request to each endpoint cold and warm, then serves the site with gunicorn and production
settings (bench.settings) twice:

- cold: PEERPATH_VERIFY_CACHE_SECONDS=0, so every request looks the certificate up (the
  worst case: every code seen for the first time, or a cache that has just been cleared);
- warm: the default cache, so after the first request for a code its record comes from the
  cache (what an employer re-checking, or many checking one holder, sees).

The cache is Redis (--redis-url, default REDIS_URL, else db 5 on localhost), shared by the
workers as in production; without Redis, each worker's local memory. The rate limit is raised
(every simulated client comes from 127.0.0.1). Each client asks for the codes in turn, its own
starting point, so the requests spread over all the certificates.

Prints a summary and writes bench/results/<UTC time>-verify.json. Ratios are to the bare view
at the same concurrency in the same server: "rps / bare" is the share of its throughput an
endpoint keeps, "p95 / bare" how many times slower its 95th-percentile response is.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from . import runner

BARE = ("bare", "/healthz/")
ENDPOINTS = ("page", "json")
SETUP_TIMEOUT = 600


def parse_args(argv=None) -> argparse.Namespace:
    parser = runner.scenario_parser("verify", __doc__)
    parser.add_argument(
        "--clients", default="8,32,50", help="concurrent clients, comma-separated (8,32,50)"
    )
    parser.add_argument(
        "--seconds", type=float, default=6, help="measured seconds per endpoint and level (6)"
    )
    parser.add_argument("--warmup", type=float, default=1.5, help="unmeasured seconds first (1.5)")
    parser.add_argument("--certificates", type=int, default=500, help="certificates (500)")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/5",
        help="Redis for the cache (default REDIS_URL, else db 5 on localhost); 'none' for "
        "each worker's local memory",
    )
    parser.add_argument("--setup", type=Path, help=argparse.SUPPRESS)  # the setup subprocess
    runner.add_server_arguments(parser)
    args = parser.parse_args(argv)
    args.levels = [int(n) for n in str(args.clients).split(",") if n.strip()]
    if not args.levels or min(args.levels) <= 0 or args.seconds <= 0:
        parser.error("--clients and --seconds must be positive")
    return args


# --- Setup (a subprocess with the benchmark settings) -------------------------------------------


def setup(output: Path, count: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from bench.learning_setup import collect_static, describe_cache, describe_database

    timings = {}
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    timings["migrate"] = time.perf_counter() - started
    started = time.perf_counter()
    collect_static()
    timings["collectstatic"] = time.perf_counter() - started
    started = time.perf_counter()
    codes = make_certificates(count)
    timings["certificates"] = time.perf_counter() - started
    result = {
        "database": describe_database(),
        "cache": describe_cache(),
        "codes": codes,
        "queries": count_queries(codes[0]),
        "timings_seconds": {k: round(v, 2) for k, v in timings.items()},
    }
    output.write_text(json.dumps(result, indent=2))


def make_certificates(count: int) -> list[str]:
    """Issued certificates as the issuing service leaves them (a snapshot, a code, a PDF
    digest), made in bulk: verification reads only these columns."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from certification.credentials.models import Certificate
    from certification.credentials.services import codes
    from certification.credentials.services import loading as loading_services
    from certification.standards.models import Competency, Credential
    from certification.standards.services import credentials as standards_credentials
    from cms.demo import seed_site
    from lms.accounts.models import User

    seed_site()
    loading_services.load_frameworks()
    credential = Credential.objects.create(code="bench-verify", issued_by_product=True)
    version = standards_credentials.save_credential_version(
        credential=credential,
        actor=None,
        rules={"title": "Peer Worker Foundations Certificate", "validity_months": 24},
    )
    competencies = [
        {"code": c.key, "text": c.text}
        for c in Competency.objects.select_related("domain__framework")[:3]
    ]
    today = timezone.localdate()
    with transaction.atomic():
        users = User.objects.bulk_create(
            # "!" is Django's unusable password: bench holders never sign in.
            User(email=f"holder-{n}@bench.example", legal_name=f"Holder {n}", password="!")  # noqa: S106
            for n in range(count)
        )
        certificates = Certificate.objects.bulk_create(
            Certificate(
                verification_code=codes.generate_verification_code(),
                trainee=user,
                credential_version=version,
                status=Certificate.Status.ISSUED,
                holder_name=f"Bench Holder {n}",
                credential_code=credential.code,
                credential_title="Peer Worker Foundations Certificate",
                credential_version_number=version.number,
                alignment_statement="Content mapped to the SAMHSA Core Competencies (2015).",
                issuing_organisation="Northside Recovery College",
                competencies=competencies,
                issued_on=today - timedelta(days=n % 300),
                expires_on=today + timedelta(days=700 - n % 300),
                pdf_sha256=f"{n:064x}",
            )
            for n, user in enumerate(users)
        )
    return [c.verification_code for c in certificates]


def count_queries(code: str) -> dict:
    """SQL queries of one request to each endpoint: cold (the record not cached) and warm.
    The header's site settings are cached by the first request to any verify page."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/verify/")
    paths = {"bare": BARE[1], "page": f"/verify/{code}/", "json": f"/verify/{code}.json"}
    counts = {}
    for name, path in paths.items():
        for state in ("cold", "warm"):
            if state == "cold":
                cache.delete(f"verify:record:v1:{code}:{timezone.localdate().isoformat()}")
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"GET {path} answered {response.status_code}, not 200")
            counts.setdefault(name, {})[state] = {
                "count": len(captured.captured_queries),
                "sql": [q["sql"][:2000] for q in captured.captured_queries],
            }
    return counts


# --- The run ------------------------------------------------------------------------------------


def environment(database_url: str, redis_url: str, *, cache_seconds: int) -> dict[str, str]:
    # Tasks are not part of this benchmark: Redis is the cache only, Celery stays eager.
    return runner.site_environment(
        database_url,
        redis_url=redis_url,
        LOG_LEVEL="WARNING",
        # A limit no client reaches, so its cost (two cache operations) is measured too.
        PEERPATH_VERIFY_RATE_LIMIT="1000000000",
        PEERPATH_VERIFY_CACHE_SECONDS=str(cache_seconds),
    )


def prepare(env: dict[str, str], count: int) -> dict:
    return runner.run_setup(
        "bench.verify",
        "verify",
        env,
        ["--certificates", str(count)],
        timeout=SETUP_TIMEOUT,
        output_option="--setup",
    )


def rotating(codes: list[str], suffix: str, offset: int):
    """An exchange that asks for the next code on every request (each client its own start)."""
    counters: dict[int, int] = {}

    def exchange(client: runner.Client, index: int):
        n = counters.get(index, index * offset)
        counters[index] = n + 1
        path = f"/verify/{codes[n % len(codes)]}{suffix}"
        sent = time.perf_counter()
        status, _headers, body = client.request("GET", path)
        return sent, time.perf_counter(), None if status == 200 else f"HTTP {status}", body

    return exchange


def measure_phase(name: str, env: dict, codes: list[str], args) -> dict:
    server = runner.GunicornServer(
        app="lms.wsgi",
        env=env,
        workers=args.workers,
        threads=args.threads,
        log_path=runner.WORK_DIR / f"verify-gunicorn-{name}.log",
    )
    server.start(ready_path=BARE[1])
    results = {}
    try:
        for level in args.levels:
            clients = [
                runner.Client("127.0.0.1", server.port, timeout=args.request_timeout)
                for _ in range(level)
            ]
            offset = max(1, len(codes) // level)
            row = {}
            print(f"  {name}, {level} clients:", end="", flush=True)
            for endpoint in (BARE[0], *ENDPOINTS):
                exchange = None
                if endpoint == "page":
                    exchange = rotating(codes, "/", offset)
                elif endpoint == "json":
                    exchange = rotating(codes, ".json", offset)
                sample = runner.closed_loop(
                    clients,
                    BARE[1]
                    if endpoint == "bare"
                    else f"/verify/<code>{'/' if endpoint == 'page' else '.json'}",
                    server=server,
                    warmup=args.warmup,
                    seconds=args.seconds,
                    exchange=exchange,
                )
                row[endpoint] = runner.summarise([sample])
                print(f" {endpoint} {sample.rps:.0f}/s", end=";", flush=True)
            print(flush=True)
            bare = row["bare"]
            for entry in row.values():
                entry["rps_ratio_to_bare"] = runner.ratio(entry["rps"], bare["rps"])
                entry["p95_ratio_to_bare"] = runner.ratio(
                    entry["latency_ms"]["p95"], bare["latency_ms"]["p95"]
                )
            results[str(level)] = row
            for client in clients:
                client.reset()
    finally:
        server.stop()
    return {"server": server.describe(), "levels": results}


def redis_ok(url: str) -> bool:
    return bool(url) and url != "none" and runner.port_open(url)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.setup:
        setup(args.setup, args.certificates)
        return 0
    started = runner.utc_now()
    clock = time.monotonic()
    per_level = (1 + len(ENDPOINTS)) * (args.seconds + args.warmup)
    limit = int(300 + 2 * len(args.levels) * per_level)
    try:
        with runner.time_limit(limit):
            phases, setup_result, database, redis_url, codes = run(args)
    except runner.BenchError as error:
        print(f"\n{error}", file=sys.stderr)
        return 1
    results = report(args, started, clock, phases, setup_result, database, redis_url, codes)
    return runner.finish("verify", started, results, print_summary)


def run(args) -> tuple:
    """Prepare the database, then measure with the verification cache cold and warm."""
    database = runner.resolve_database(args.database_url, runner.WORK_DIR / "verify.sqlite3")
    if database.note:
        print(f"Note: {database.note}.")
    redis_url = args.redis_url if redis_ok(args.redis_url) else ""
    if not redis_url and args.redis_url != "none":
        print(f"Note: Redis not reachable at {args.redis_url}; each worker caches alone.")
    runner.WORK_DIR.mkdir(parents=True, exist_ok=True)
    print(f"Preparing {database.engine} database {database.redacted_url} ...", flush=True)
    database.reset()
    warm_env = environment(database.url, redis_url, cache_seconds=60)
    setup_result = prepare(warm_env, args.certificates)
    codes = setup_result["codes"]
    print(
        f"  {len(codes)} certificates; queries per request (cold/warm): "
        + ", ".join(
            f"{name} {q['cold']['count']}/{q['warm']['count']}"
            for name, q in setup_result["queries"].items()
        ),
        flush=True,
    )
    phases = {}
    for name, seconds in (("cold", 0), ("warm", 60)):
        env = environment(database.url, redis_url, cache_seconds=seconds)
        phases[name] = measure_phase(name, env, codes, args)
    return phases, setup_result, database, redis_url, codes


def report(args, started, clock, phases, setup_result, database, redis_url, codes) -> dict:
    return {
        **runner.report_header("verify", started, time.monotonic() - clock),
        "database": {**setup_result["database"], "url": database.redacted_url},
        "cache": {
            "backend": setup_result["cache"],
            "redis_url": redis_url or None,
            "cold": "PEERPATH_VERIFY_CACHE_SECONDS=0: every request looks the code up",
            "warm": "PEERPATH_VERIFY_CACHE_SECONDS=60: records served from the cache",
        },
        "load": {
            "clients": args.levels,
            "seconds_per_measurement": args.seconds,
            "warmup_seconds": args.warmup,
            "certificates": len(codes),
            "model": "closed loop, one connection per client, each request for the next code",
        },
        "queries_per_request": {
            name: {state: q[state]["count"] for state in ("cold", "warm")}
            for name, q in setup_result["queries"].items()
        },
        "queries": setup_result["queries"],
        "phases": phases,
    }


def print_summary(results: dict) -> None:
    print(
        f"\n{results['database']['engine']} {results['database']['version']}; cache "
        f"{results['cache']['backend'].rsplit('.', 1)[-1]}; "
        f"{results['phases']['warm']['server']['workers']} gunicorn workers; "
        f"{results['machine']['cpu_count']} cores"
    )
    queries = results["queries_per_request"]
    print(
        "queries per request (cold/warm): "
        + ", ".join(f"{k} {v['cold']}/{v['warm']}" for k, v in queries.items())
    )
    header = (
        f"{'cache':<5} {'clients':>7} {'endpoint':<8} {'req/s':>8} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'errors':>6} {'rps/bare':>8} {'p95/bare':>8}"
    )
    print(header)
    print("-" * len(header))
    for phase, data in results["phases"].items():
        for level, row in data["levels"].items():
            for endpoint, entry in row.items():
                lat = entry["latency_ms"]
                print(
                    f"{phase:<5} {level:>7} {endpoint:<8} {entry['rps']:>8.1f} "
                    f"{lat['p50'] or 0:>8.1f} {lat['p95'] or 0:>8.1f} {entry['errors']:>6} "
                    f"{entry['rps_ratio_to_bare'] or 0:>8.3f} "
                    f"{entry['p95_ratio_to_bare'] or 0:>8.2f}"
                )


if __name__ == "__main__":
    sys.exit(main())
