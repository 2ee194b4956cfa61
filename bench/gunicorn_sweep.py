"""Measure gunicorn shapes (workers x threads) on this machine, to choose gunicorn.conf.py.

    .venv/bin/python -m bench.gunicorn_sweep [--shapes 2x1,3x1,5x1,2x4,3x2] [--seconds 6]
                                             [--database-url postgres://...] [--redis-url URL]

One setup (bench.learners_setup: demo, learners with sessions), then for each shape: start
gunicorn (production settings, Redis cache), load the bare view and the signed-in lesson page
in closed loop from --clients clients, in --rounds rounds that alternate the shapes' order,
and record throughput, p95 and gunicorn's memory. Writes bench/results/<time>-gunicorn.json
and prints the shape chosen: within 5% of the best lesson-page throughput and within 10% of
the least memory, the one with the best bare-view throughput (cheap requests, slow clients).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from . import runner
from .learners import BARE, environment, group_rss, prepare, redis_command


def parse_args(argv=None) -> argparse.Namespace:
    parser = runner.scenario_parser("gunicorn_sweep", __doc__)
    parser.add_argument("--shapes", default="2x1,3x1,5x1,2x4,3x2", help="workers x threads")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=6, help="per endpoint per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/3"
    )
    args = parser.parse_args(argv)
    args.shapes = [tuple(int(x) for x in s.split("x")) for s in args.shapes.split(",")]
    args.users, args.name, args.request_timeout = args.clients, "gunicorn-sweep", 30
    return args


def measure_shape(env, setup, args, workers, threads) -> dict:
    server = runner.GunicornServer(
        app="lms.wsgi",
        env=env,
        workers=workers,
        threads=threads,
        log_path=runner.WORK_DIR / "gunicorn-sweep.log",
    )
    server.start(ready_path=BARE)
    try:
        clients = []
        for index in range(args.clients):
            client = runner.Client("127.0.0.1", server.port, timeout=30)
            client.cookies["sessionid"] = setup["sessions"][index % len(setup["sessions"])]
            clients.append(client)
        lesson = setup["lessons"][len(setup["lessons"]) // 2]["path"]
        figures = {}
        for name, path in (("bare", BARE), ("lesson", lesson)):
            sample = runner.closed_loop(
                clients, path, server=server, warmup=1.5, seconds=args.seconds
            )
            figures[name] = runner.summarise([sample])
        figures["memory"] = group_rss(server.process.pid)
        return figures
    finally:
        server.stop()


def main(argv=None) -> int:
    args = parse_args(argv)
    started = runner.utc_now()
    database = runner.resolve_database(args.database_url, runner.WORK_DIR / "sweep.sqlite3")
    redis_command(args.redis_url, b"FLUSHDB")
    env = environment(database.url, args.redis_url)
    database.reset()
    setup = prepare(env, args)
    runs: dict[str, list[dict]] = {f"{w}x{t}": [] for w, t in args.shapes}
    for number in range(args.rounds):
        order = args.shapes if number % 2 == 0 else list(reversed(args.shapes))
        for workers, threads in order:
            key = f"{workers}x{threads}"
            figures = measure_shape(env, setup, args, workers, threads)
            runs[key].append(figures)
            print(
                f"round {number + 1} {key}: bare {figures['bare']['rps']} req/s, lesson "
                f"{figures['lesson']['rps']} req/s p95 {figures['lesson']['latency_ms']['p95']} "
                f"ms, {figures['memory']['total_mb']} MB",
                flush=True,
            )
            time.sleep(1)
    summary = {}
    for key, figures in runs.items():
        summary[key] = {
            "lesson_rps": round(sum(f["lesson"]["rps"] for f in figures) / len(figures), 1),
            "lesson_p95_ms": max(f["lesson"]["latency_ms"]["p95"] or 0 for f in figures),
            "bare_rps": round(sum(f["bare"]["rps"] for f in figures) / len(figures), 1),
            "errors": sum(f["lesson"]["errors"] + f["bare"]["errors"] for f in figures),
            "memory_mb": max(f["memory"]["total_mb"] for f in figures),
        }
    best_rps = max(s["lesson_rps"] for s in summary.values())
    near = [k for k, s in summary.items() if s["lesson_rps"] >= 0.95 * best_rps]
    least = min(summary[k]["memory_mb"] for k in near)
    lean = [k for k in near if summary[k]["memory_mb"] <= 1.1 * least]
    chosen = max(lean, key=lambda k: summary[k]["bare_rps"])
    results = {
        "benchmark": "gunicorn",
        "started_at": started.isoformat(timespec="seconds"),
        "machine": runner.machine(),
        "database": database.redacted_url,
        "clients": args.clients,
        "seconds_per_endpoint": args.seconds,
        "rounds": args.rounds,
        "summary": summary,
        "chosen": chosen,
        "rule": "within 5% of the best lesson-page throughput and 10% of the least memory, "
        "the best bare-view throughput",
        "runs": runs,
    }
    path = runner.write_results("gunicorn", started, results)
    print(f"\n{'shape':<6} {'lesson rps':>10} {'p95 ms':>8} {'bare rps':>9} {'MB':>7}")
    for key, s in summary.items():
        print(
            f"{key:<6} {s['lesson_rps']:>10} {s['lesson_p95_ms']:>8.0f} {s['bare_rps']:>9} "
            f"{s['memory_mb']:>7}"
        )
    print(f"chosen: {chosen} (workers x threads)\nWrote {path}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except runner.BenchError as error:
        print(f"bench.gunicorn_sweep: {error}", file=sys.stderr)
        sys.exit(2)
