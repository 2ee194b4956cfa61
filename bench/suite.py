"""The whole benchmark suite, in one command, against the production shape.

    .venv/bin/python -m bench.suite [--quick] [--only learners,certificates] [--skip growth]
                                    [--database-url postgres://...bench] [--redis-url redis://...]

Every scenario runs in its own process group, one after the other, each with its own time
limit (the suite kills what is left when a limit passes, so no process outlives it), against
gunicorn with production settings (DEBUG off, WhiteNoise serving compressed static files with
far-future cache headers), PostgreSQL and Redis, with real Celery workers where the scenario
has background work. Every scenario measures its own baseline in the same run: the bare
Django view (/healthz/) served by the same gunicorn for request figures, a one-line WeasyPrint
document for PDF figures.

Writes bench/results/<UTC time>.json (every scenario's figures, the goals and whether each is
met, the machine and the settings), bench/results/<UTC time>.html (the report a person reads)
and bench/results/<UTC time>/ (each scenario's own JSON and one PNG chart per scenario).
PostgreSQL and Redis are required: the suite stops at once, saying which is missing.
"""

from __future__ import annotations

import argparse
import html
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from . import runner

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/peerpath_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/3"


@dataclass
class Scenario:
    """One scenario: its module, its arguments (full and --quick) and its time limit."""

    name: str
    args: list[str]
    quick_args: list[str]
    seconds: int  # time limit, full
    quick_seconds: int
    description: str
    uses: list[str] = field(default_factory=list)


SCENARIOS = [
    Scenario(
        "learning",
        ["--clients", "50", "--seconds", "24", "--rounds", "3"],
        ["--clients", "20", "--seconds", "6", "--rounds", "2", "--warmup", "1"],
        300,
        200,
        "Closed loop: dashboard and lesson page for signed-in learners vs the bare view.",
    ),
    Scenario(
        "learners",
        ["--users", "200", "--seconds", "90"],
        ["--users", "200", "--seconds", "30"],
        330,
        240,
        "Locust: 200 learners reading lessons, saving progress and taking quizzes, with a "
        "Celery worker; query counts for a small and a large course.",
        uses=["celery"],
    ),
    Scenario(
        "quiz",
        ["--clients", "20", "--seconds", "15"],
        ["--clients", "10", "--seconds", "4"],
        240,
        180,
        "Closed loop: submitting a 10-question quiz attempt vs the bare view.",
    ),
    Scenario(
        "verify",
        ["--clients", "8,32", "--seconds", "5"],
        ["--clients", "16", "--seconds", "3", "--certificates", "200"],
        240,
        180,
        "Public verification page and JSON, cache cold and warm, vs the bare view.",
    ),
    Scenario(
        "roster",
        ["--rounds", "10"],
        ["--rounds", "3"],
        180,
        150,
        "An organisation's roster check of 1,000 codes.",
    ),
    Scenario(
        "openbadges",
        ["--rounds", "50"],
        ["--rounds", "10"],
        90,
        60,
        "Signing and verifying an Open Badges 3.0 credential.",
    ),
    Scenario(
        "certificates",
        # A batch of 1,000 issuances, run twice (1 and 2 worker processes), took longer than
        # the whole limit on the 2-core machine; 500 measure the same ratios.
        ["--renders", "300", "--batch", "500"],
        ["--renders", "100", "--rounds", "3", "--per-round", "5", "--batch", "100"],
        1200,
        240,
        "Certificate PDF vs a one-line document, memory over renders, first render, and "
        "issuance batches through Celery with 1 and 2 worker processes.",
        uses=["celery"],
    ),
    Scenario(
        "growth",
        ["--scales", "1,10", "--rounds", "10", "--report-rounds", "3"],
        ["--scales", "1", "--rounds", "5", "--report-rounds", "2", "--no-explain"],
        600,
        240,
        "Growth: the main pages and reports at scale 1 and 10 (generate_load_data), with "
        "query plans of the slowest queries.",
    ),
]


def parse_args(argv=None) -> argparse.Namespace:
    parser = runner.scenario_parser("suite", __doc__)
    parser.add_argument(
        "--quick", action="store_true", help="short runs of every scenario (about 6 minutes)"
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="multiply every scenario's time limit (e.g. 3 on a machine busy with other work)",
    )
    parser.add_argument("--only", default="", help="comma-separated scenarios to run")
    parser.add_argument("--skip", default="", help="comma-separated scenarios to leave out")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        help=f"PostgreSQL; dropped and re-created by each scenario, so its name must contain "
        "'bench' ('_bench' is added otherwise) "
        f"(default DATABASE_URL, else {DEFAULT_DATABASE_URL})",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL,
        help=f"Redis for cache and Celery broker; its db is flushed of queued tasks "
        f"(default REDIS_URL, else {DEFAULT_REDIS_URL})",
    )
    args = parser.parse_args(argv)
    known = {s.name for s in SCENARIOS}
    for option in ("only", "skip"):
        names = {n.strip() for n in getattr(args, option).split(",") if n.strip()}
        if unknown := names - known:
            parser.error(f"--{option}: unknown scenario(s) {', '.join(sorted(unknown))}")
        setattr(args, option, names)
    return args


# --- Services --------------------------------------------------------------------------------


def check_services(database_url: str, redis_url: str) -> dict:
    """PostgreSQL and Redis answer, or a BenchError says which is missing and what to do."""
    parts = urlsplit(database_url)
    if not parts.scheme.startswith("postgres"):
        raise runner.BenchError(
            f"The suite runs on PostgreSQL (the production shape), not {parts.scheme}: pass "
            "--database-url postgres://user@host:port/peerpath_bench"
        )
    database = runner.resolve_database(database_url, runner.WORK_DIR / "unused.sqlite3")
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(database.url)
    try:
        with psycopg.connect(
            dbname="postgres",
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            connect_timeout=5,
        ) as conn:
            version = conn.info.parameter_status("server_version")
    except psycopg.Error as error:
        raise runner.BenchError(
            f"PostgreSQL is not reachable at {database.redacted_url}: {error}".strip()
            + "\nStart PostgreSQL or pass --database-url."
        ) from error
    redis = urlsplit(redis_url)
    try:
        with socket.create_connection((redis.hostname or "127.0.0.1", redis.port or 6379), 5) as s:
            s.sendall(b"PING\r\n")
            answer = s.recv(64)
    except OSError as error:
        raise runner.BenchError(
            f"Redis is not reachable at {redis_url}: {error}. Start redis-server or pass "
            "--redis-url."
        ) from error
    if not answer.startswith((b"+PONG", b"-NOAUTH")):
        raise runner.BenchError(f"{redis_url} did not answer PING like Redis: {answer[:40]!r}")
    return {
        "database_url": database.redacted_url,
        "postgresql": version,
        "redis_url": redis_url,
        **({"database_note": database.note} if database.note else {}),
    }


def static_headers(env: dict) -> dict:
    """How gunicorn serves one collected static file: compression and cache headers."""
    server = runner.GunicornServer(
        app="lms.wsgi", env=env, workers=1, threads=1, log_path=runner.WORK_DIR / "suite-static.log"
    )
    try:
        manifest = Path(runner.BASE_DIR / "var" / "bench" / "static" / "staticfiles.json")
        paths = json.loads(manifest.read_text()).get("paths", {}) if manifest.exists() else {}
        stylesheets = [v for k, v in paths.items() if k.endswith(".css")]
        own = [v for v in stylesheets if not v.startswith(("admin/", "wagtail"))]
        name = next(iter(own or stylesheets), None)
        if name is None:
            return {"checked": False, "reason": "no collected stylesheet yet"}
        server.start(ready_path="/healthz/", wait_seconds=60)
        client = runner.Client("127.0.0.1", server.port, timeout=10)
        status, headers, body = client.request(
            "GET", f"/static/{name}", headers={"Accept-Encoding": "br, gzip"}
        )
        client.reset()
        return {
            "checked": True,
            "path": f"/static/{name}",
            "status": status,
            "cache_control": headers.get("Cache-Control"),
            "content_encoding": headers.get("Content-Encoding"),
            "bytes": len(body),
        }
    except runner.BenchError as error:
        return {"checked": False, "reason": str(error)[:300]}
    finally:
        server.stop()


# --- Running the scenarios -------------------------------------------------------------------


def module_exists(name: str) -> bool:
    return importlib.util.find_spec(f"bench.{name}") is not None


# Scenarios that stop themselves after --time-limit seconds: given the suite's limit less a
# margin, so they stop cleanly (and say why) before the suite has to kill them.
SELF_LIMITED = {"learning", "learners", "quiz"}


def run_scenario(
    scenario: Scenario, *, quick: bool, env: dict, folder: Path, time_scale: float = 1.0
) -> dict:
    """Run one scenario in its own process group, bounded in time; its JSON and its log."""
    limit = int((scenario.quick_seconds if quick else scenario.seconds) * time_scale)
    args = list(scenario.quick_args if quick else scenario.args)
    if scenario.name in SELF_LIMITED:
        args += ["--time-limit", str(max(30, limit - 20))]
    log_path = folder / f"{scenario.name}.log"
    command = [sys.executable, "-m", f"bench.{scenario.name}", *args]
    before = set(folder.glob("*.json"))
    started = time.monotonic()
    print(f"\n== {scenario.name} (limit {limit}s): {' '.join(command[1:])}", flush=True)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command,
            cwd=runner.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: gunicorn, workers and all
        )
        timed_out = False
        try:
            process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            _stop_group(process)
    seconds = round(time.monotonic() - started, 1)
    new = sorted(set(folder.glob("*.json")) - before)
    outcome = {
        "name": scenario.name,
        "description": scenario.description,
        "command": " ".join(["python", *command[1:]]),
        "time_limit_seconds": limit,
        "seconds": seconds,
        "exit_code": process.returncode,
        "timed_out": timed_out,
        "log": str(log_path.relative_to(runner.BASE_DIR)),
    }
    if new:
        outcome["results_file"] = str(new[-1].relative_to(runner.BASE_DIR))
        outcome["results"] = json.loads(new[-1].read_text())
    else:
        tail = log_path.read_text(errors="replace").splitlines()[-15:]
        outcome["error"] = (
            f"timed out after {limit}s" if timed_out else f"exited {process.returncode}"
        ) + (": " + " / ".join(tail) if tail else "")
    state = "timed out" if timed_out else ("ok" if new else "FAILED")
    print(f"   {state} in {seconds}s; log {outcome['log']}", flush=True)
    return outcome


def _stop_group(process: subprocess.Popen) -> None:
    """End the scenario's whole process group: politely, then for good."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        # The leader is gone; its children may linger a moment in the same group.
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)


# --- Goals -----------------------------------------------------------------------------------


def goal(name: str, value, op: str, limit, unit: str = "") -> dict:
    """One goal: `value op limit` (op is "<=", "<", ">=" or "=="); None means not measured."""
    if value is None:
        passed = None
    else:
        passed = {
            "<=": value <= limit,
            "<": value < limit,
            ">=": value >= limit,
            "==": value == limit,
        }[op]
    return {"goal": name, "value": value, "op": op, "limit": limit, "unit": unit, "passed": passed}


def _get(data, *keys):
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


# The goals of the learner's-path issue (issue 19), for the figures the suite measures
# itself; the learners and certificates scenarios state theirs in their own results.
LEARNER_PAGE_SHARE = 0.30  # of the bare view's throughput, in the same run
LEARNER_PAGE_QUERIES = 6
# The trainee's placement page and the supervisor's page of that trainee (issue 19).
PRACTICUM_PAGES = (("placement", "trainee's placement page"), ("supervise", "supervisor's page"))
PRACTICUM_PAGE_SHARE = 0.15
PRACTICUM_PAGE_QUERIES = 10
VERIFY_SHARES = (
    ("cold", "page", 0.5),
    ("cold", "json", 0.7),
    ("warm", "page", 0.8),
    ("warm", "json", 0.8),
)


def goals_for(name: str, results: dict) -> list[dict]:
    """The goals of a scenario, read from its results."""
    goals = []
    endpoints = results.get("endpoints")
    if isinstance(endpoints, dict) and name != "learners":  # learners lists its own goals
        errors = sum(e.get("errors", 0) for e in endpoints.values() if isinstance(e, dict))
        goals.append(goal("errors", errors, "==", 0))
    if name == "learning":
        for page in ("lesson", "dashboard"):
            goals.append(
                goal(
                    f"signed-in {page} throughput / bare view",
                    _get(results, "ratios", page, "rps"),
                    ">=",
                    LEARNER_PAGE_SHARE,
                )
            )
            goals.append(
                goal(
                    f"{page} page queries",
                    _get(endpoints, page, "queries_per_request"),
                    "<=",
                    LEARNER_PAGE_QUERIES,
                )
            )
        for page, label in PRACTICUM_PAGES:
            goals.append(
                goal(
                    f"{label} throughput / bare view",
                    _get(results, "ratios", page, "rps"),
                    ">=",
                    PRACTICUM_PAGE_SHARE,
                )
            )
            goals.append(
                goal(
                    f"{label} queries",
                    _get(endpoints, page, "queries_per_request"),
                    "<=",
                    PRACTICUM_PAGE_QUERIES,
                )
            )
    elif name == "quiz":
        submit = _get(endpoints, "submit", "queries_per_request")
        goals.append(goal("quiz submission queries (10 answers)", submit, "<=", 12))
    elif name == "verify":
        # The lowest share at any number of clients, per cache state and endpoint.
        for state, endpoint, share in VERIFY_SHARES:
            levels = _get(results, "phases", state, "levels") or {}
            ratios = [
                level[endpoint]["rps_ratio_to_bare"]
                for level in levels.values()
                if isinstance(level, dict) and endpoint in level
            ]
            goals.append(
                goal(
                    f"verification {endpoint}, cache {state}: throughput / bare view (lowest)",
                    min(ratios) if ratios else None,
                    ">=",
                    share,
                )
            )
    elif name == "learners" or name == "certificates":
        goals += results.get("goals", [])
    elif name == "roster":
        limit = results.get("goal_s", 2)
        for key, label in (("upload_and_results_page", "upload and results page"),):
            seconds = _get(results, key, "median_s")
            goals.append(
                goal(f"roster of 1,000 codes, {label} (median)", seconds, "<", limit, " s")
            )
    elif name == "growth":
        # bench.growth judges each page by its growth from the smallest scale: per-learner
        # pages within 20%, reports no worse than linear (its "verdicts").
        for page, checks in (results.get("goals") or {}).items():
            for key, check in checks.items():
                if key == "under_2s_at_100":
                    continue  # only with --scales ...,100; reported in the growth JSON
                ratio = _get(results, "growth", key, page, "median")
                later, first = (float(n) for n in key.split("/"))
                limit = 1.2 if "flat" in check["goal"] else later / first * 1.1
                goals.append(
                    goal(f"{page}: median at scale {key}, {check['goal']}", ratio, "<=", limit)
                )
    return goals


# --- Charts ----------------------------------------------------------------------------------


def chart(outcome: dict, folder: Path) -> str | None:
    """One PNG per scenario; returns its file name, or None when nothing could be drawn."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = outcome.get("results")
    if not results:
        return None
    name = outcome["name"]
    drawers = {"learners": _chart_learners, "certificates": _chart_certificates}
    draw = drawers.get(name)
    if draw is None and isinstance(results.get("endpoints"), dict):
        draw = _chart_endpoints
    if draw is None:
        draw = _chart_goals
    fig = draw(plt, outcome)
    if fig is None:
        return None
    path = folder / f"{name}.png"
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path.name


def _chart_endpoints(plt, outcome):
    """Throughput and p95 of each endpoint, the bare view (baseline) first."""
    results = outcome["results"]
    endpoints = {
        k: v for k, v in results["endpoints"].items() if isinstance(v, dict) and "rps" in v
    }
    if not endpoints:
        return _chart_goals(plt, outcome)
    names = sorted(endpoints, key=lambda n: (not n.startswith("bare"), n))
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    colours = ["#888888" if n.startswith("bare") else "#1f4e5f" for n in names]
    left.barh(names, [endpoints[n]["rps"] for n in names], color=colours)
    left.set_xlabel("responses per second (grey: bare view, the baseline)")
    left.invert_yaxis()
    bare = next((endpoints[n]["rps"] for n in names if n.startswith("bare")), None)
    if bare and outcome["name"] == "learning":
        left.axvline(
            LEARNER_PAGE_SHARE * bare,
            color="#b03030",
            linestyle="--",
            label=f"goal: lesson >= {LEARNER_PAGE_SHARE:.0%} of bare",
        )
        left.legend(loc="lower right", fontsize=8)
    p95 = [(_get(endpoints[n], "latency_ms", "p95") or 0) for n in names]
    right.barh(names, p95, color=colours)
    right.set_xlabel("p95 latency, ms")
    right.invert_yaxis()
    fig.suptitle(f"{outcome['name']}: {outcome['description']}", fontsize=9)
    return fig


def _chart_learners(plt, outcome):
    results = outcome["results"]
    rows = results.get("endpoints", {})
    names = list(rows)
    if not names:
        return _chart_goals(plt, outcome)
    fig, (left, right, third) = plt.subplots(
        1, 3, figsize=(14, 4), gridspec_kw={"width_ratios": [3, 1.4, 1.4]}
    )
    x = range(len(names))
    for offset, key, colour in (
        (-0.27, "p50", "#9ab"),
        (0, "p95", "#1f4e5f"),
        (0.27, "p99", "#123"),
    ):
        left.bar(
            [i + offset for i in x],
            [rows[n]["latency_ms"].get(key) or 0 for n in names],
            width=0.27,
            label=key,
            color=colour,
        )
    left.axhline(150, color="#b03030", linestyle="--", label="goal: lesson p95 < 150 ms")
    left.set_xticks(list(x), names, rotation=30, ha="right", fontsize=8)
    left.set_ylabel("ms")
    left.legend(fontsize=8)
    load = results.get("load", {})
    right.bar(
        ["offered", "achieved"],
        [load.get("offered_rps") or 0, load.get("achieved_rps") or 0],
        color=["#888888", "#1f4e5f"],
    )
    if load.get("offered_rps"):
        right.axhline(
            0.95 * load["offered_rps"], color="#b03030", linestyle="--", label="goal: 95% offered"
        )
        right.legend(fontsize=8)
    right.set_ylabel("requests per second")
    bare = _get(results, "baseline", "bare_rps")
    right.set_title(
        f"{load.get('users')} users; bare view {bare} req/s"
        if bare
        else f"{load.get('users')} users",
        fontsize=9,
    )
    base = results.get("baseline") or {}
    if base.get("bare_rps"):
        third.bar(
            ["bare view\n(baseline)", "lesson page"],
            [base["bare_rps"], base.get("lesson_rps") or 0],
            color=["#888888", "#1f4e5f"],
        )
        third.axhline(
            LEARNER_PAGE_SHARE * base["bare_rps"],
            color="#b03030",
            linestyle="--",
            label=f"goal: {LEARNER_PAGE_SHARE:.0%} of bare",
        )
        third.legend(fontsize=8)
        third.set_ylabel("req/s, closed loop")
        third.set_title(f"{base.get('clients')} clients, same gunicorn", fontsize=9)
    fig.suptitle(f"learners: {outcome['description']}", fontsize=9)
    return fig


def _chart_certificates(plt, outcome):
    results = outcome["results"]
    render = results.get("render", {})
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    floor = _get(render, "floor", "ms", "median")
    names, values, colours = [], [], []
    for label, value, colour in (
        ("one-line doc\n(baseline)", floor, "#888888"),
        ("certificate\nwarm", _get(render, "certificate", "ms", "median"), "#1f4e5f"),
        ("certificate\nfirst", _get(results, "first_render", "first_ms"), "#b08d57"),
    ):
        if value is not None:
            names.append(label)
            values.append(value)
            colours.append(colour)
    axes[0].bar(names, values, color=colours)
    if floor:
        axes[0].axhline(2 * floor, color="#b03030", linestyle="--", label="goal: <= 2x baseline")
        axes[0].legend(fontsize=8)
    axes[0].set_ylabel("ms per render (median)")
    samples = _get(results, "memory", "cached_per_process", "samples") or []
    if samples:
        xs = [s["renders"] for s in samples]
        ys = [s["rss_mb"] for s in samples]
        axes[1].plot(xs, ys, marker="o", color="#1f4e5f")
        start = next((s["rss_mb"] for s in samples if s["renders"] >= 50), ys[0])
        axes[1].axhline(start + 5, color="#b03030", linestyle="--", label="goal: drift < 5 MB")
        axes[1].legend(fontsize=8)
        axes[1].set_xlabel("renders")
        axes[1].set_ylabel("RSS, MB")
    runs = _get(results, "batch", "runs") or []
    if runs:
        labels = [f"{r['processes']} worker(s)" for r in runs]
        axes[2].bar(labels, [r["per_second"] for r in runs], color="#1f4e5f")
        axes[2].axhline(
            1.7 * runs[0]["per_second"], color="#b03030", linestyle="--", label="goal: 2 >= 1.7x 1"
        )
        ideal = [r.get("ideal_per_second") for r in runs]
        if all(ideal):
            axes[2].plot(labels, ideal, "k_", markersize=30, label="render time / workers")
        axes[2].legend(fontsize=8)
        axes[2].set_ylabel(f"certificates per second ({runs[0]['issuances']} each)")
    fig.suptitle(f"certificates: {outcome['description']}", fontsize=9)
    return fig


def _chart_goals(plt, outcome):
    """Fallback: each goal's value as a share of its limit, the limit drawn at 1."""
    rows = [
        g
        for g in outcome.get("goals", [])
        if isinstance(g.get("value"), int | float) and isinstance(g.get("limit"), int | float)
    ]
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(8, 0.6 + 0.5 * len(rows)))
    shares = [(g["value"] / g["limit"]) if g["limit"] else float(g["value"]) for g in rows]
    ax.barh(
        [g["goal"] for g in rows],
        shares,
        color=["#2e7d32" if g["passed"] else "#b03030" for g in rows],
    )
    ax.axvline(1, color="black", linestyle="--", label="goal")
    ax.set_xlabel("value / goal")
    ax.legend(fontsize=8)
    fig.suptitle(f"{outcome['name']}: {outcome['description']}", fontsize=9)
    return fig


# --- Report ----------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return "not measured"
    if isinstance(value, float):
        return f"{value:.3g}"
    return html.escape(str(value))


def write_html(path: Path, summary: dict, folder: Path) -> None:
    esc = html.escape
    machine = summary["machine"]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Peerpath benchmarks {esc(summary['started_at'])}</title>",
        "<style>body{font:15px/1.45 system-ui,sans-serif;max-width:72rem;margin:2rem auto;"
        "padding:0 1rem;color:#1b1b1b}table{border-collapse:collapse;margin:.5rem 0 1rem}"
        "td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}.pass{color:#1b5e20;"
        "font-weight:bold}.fail{color:#b71c1c;font-weight:bold}.na{color:#666}img{max-width:100%;"
        "border:1px solid #ddd}code{background:#f4f4f4;padding:0 .2rem}</style></head><body>",
        f"<h1>Peerpath benchmarks, {esc(summary['started_at'])}</h1>",
        f"<p>{summary['goals_met']} of {summary['goals_measured']} measured goals met"
        f" ({summary['goals_total']} goals in all); {len(summary['scenarios'])} scenarios in "
        f"{summary['duration_seconds']:.0f} s{' (quick run)' if summary['quick'] else ''}.</p>",
        "<h2>Machine</h2><table>",
        *(
            f"<tr><th>{esc(k)}</th><td>{_cell(v)}</td></tr>"
            for k, v in {
                "cores": machine.get("cpu_count"),
                "memory (MB)": machine.get("memory_mb"),
                "CPU": machine.get("cpu_model"),
                "load average at start (1, 5, 15 min)": machine.get("load_average_at_start"),
                "load average at end": summary.get("load_average_at_end"),
                "Python / Django / Wagtail": f"{machine.get('python')} / "
                f"{machine.get('django')} / {machine.get('wagtail')}",
                "commit": _get(summary, "revision", "commit"),
            }.items()
        ),
        "</table><h2>Settings</h2><table>",
        *(f"<tr><th>{esc(k)}</th><td>{_cell(v)}</td></tr>" for k, v in summary["settings"].items()),
        "</table>",
    ]
    for outcome in summary["scenarios"]:
        parts.append(f"<h2 id='{esc(outcome['name'])}'>{esc(outcome['name'])}</h2>")
        parts.append(
            f"<p>{esc(outcome['description'])}<br><code>{esc(outcome['command'])}</code>, "
            f"{outcome['seconds']} s (limit {outcome['time_limit_seconds']} s).</p>"
        )
        if "error" in outcome:
            parts.append(f"<p class='fail'>Did not finish: {esc(outcome['error'][:1500])}</p>")
        if outcome.get("goals"):
            parts.append("<table><tr><th>goal</th><th>measured</th><th>result</th></tr>")
            for g in outcome["goals"]:
                state = {True: ("pass", "met"), False: ("fail", "NOT met"), None: ("na", "n/a")}[
                    g["passed"]
                ]
                parts.append(
                    f"<tr><td>{esc(g['goal'])} {esc(g['op'])} {_cell(g['limit'])}"
                    f"{esc(g.get('unit', ''))}</td><td>{_cell(g['value'])}{esc(g.get('unit', ''))}"
                    f"</td><td class='{state[0]}'>{state[1]}</td></tr>"
                )
            parts.append("</table>")
        for key, label in (("notes", "Notes"),):
            notes = _get(outcome, "results", key)
            if isinstance(notes, list) and notes:
                parts.append(f"<p>{label}:</p><ul>")
                parts += [f"<li>{esc(str(n))}</li>" for n in notes]
                parts.append("</ul>")
        if outcome.get("chart"):
            src = f"{folder.name}/{outcome['chart']}"
            parts.append(
                f"<p><img src='{esc(src)}' alt='Chart of the {esc(outcome['name'])} scenario: "
                "measured figures, the baseline and the goals as dashed lines'></p>"
            )
        if outcome.get("results_file"):
            parts.append(f"<p>Figures: <code>{esc(outcome['results_file'])}</code></p>")
    parts.append("</body></html>")
    path.write_text("\n".join(parts))


def main(argv=None) -> int:
    args = parse_args(argv)
    started = runner.utc_now()
    clock = time.monotonic()
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    base = Path(runner.RESULTS_DIR)
    folder = base / stamp
    try:
        services = check_services(args.database_url, args.redis_url)
    except runner.BenchError as error:
        print(f"bench.suite: {error}", file=sys.stderr)
        return 2
    folder.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env.update(
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        BENCH_RESULTS_DIR=str(folder),
        BENCH_PRODUCTION_SHAPE="1",
        PYTHONUNBUFFERED="1",
    )
    print(
        f"Suite {stamp}{' (quick)' if args.quick else ''}: PostgreSQL {services['postgresql']} "
        f"at {services['database_url']}, Redis at {services['redis_url']}",
        flush=True,
    )
    outcomes = []
    machine = runner.machine()
    try:
        for scenario in SCENARIOS:
            if args.only and scenario.name not in args.only:
                continue
            if scenario.name in args.skip:
                continue
            if not module_exists(scenario.name):
                print(f"\n== {scenario.name}: no module bench.{scenario.name}, skipped")
                continue
            outcome = run_scenario(
                scenario, quick=args.quick, env=env, folder=folder, time_scale=args.time_scale
            )
            outcome["goals"] = goals_for(scenario.name, outcome.get("results") or {})
            if "error" in outcome:
                outcome["goals"].append(goal("scenario finished", False, "==", True))
            outcomes.append(outcome)
    except KeyboardInterrupt:
        print("\nInterrupted: writing what was measured so far.", file=sys.stderr)
    for outcome in outcomes:
        try:
            outcome["chart"] = chart(outcome, folder)
        except Exception as error:  # a chart must never lose the figures
            outcome["chart"] = None
            outcome["chart_error"] = f"{type(error).__name__}: {error}"
    settings = settings_used()
    if outcomes:  # the scenarios collected the static files and left a database behind
        from .learners import environment

        database = runner.resolve_database(args.database_url, runner.WORK_DIR / "unused.sqlite3")
        settings["static file as served"] = static_headers(
            environment(database.url, args.redis_url)
        )
    all_goals = [g for o in outcomes for g in o["goals"]]
    summary = {
        "suite": "peerpath",
        "started_at": started.isoformat(timespec="seconds"),
        "duration_seconds": round(time.monotonic() - clock, 1),
        "quick": args.quick,
        "revision": runner.git_revision(),
        "machine": machine,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "services": services,
        "settings": settings,
        "goals_total": len(all_goals),
        "goals_measured": sum(g["passed"] is not None for g in all_goals),
        "goals_met": sum(g["passed"] is True for g in all_goals),
        "scenarios": outcomes,
    }
    json_path = base / f"{stamp}.json"
    json_path.write_text(json.dumps(summary, indent=2, default=str) + "\n")
    html_path = base / f"{stamp}.html"
    write_html(html_path, summary, folder)
    print("\nGoals:")
    for outcome in outcomes:
        for g in outcome["goals"]:
            mark = {True: "met    ", False: "NOT met", None: "n/a    "}[g["passed"]]
            print(
                f"  {mark} {outcome['name']:<12} {g['goal']} {g['op']} {g['limit']}{g['unit']}: "
                f"{g['value']}{g['unit'] if g['value'] is not None else ''}"
            )
    print(
        f"\n{summary['goals_met']}/{summary['goals_measured']} measured goals met. Wrote "
        f"{json_path.relative_to(runner.BASE_DIR)}, {html_path.relative_to(runner.BASE_DIR)} "
        f"and charts in {folder.relative_to(runner.BASE_DIR)}/"
    )
    return 0 if all(o.get("results") for o in outcomes) else 1


def settings_used() -> dict:
    """The settings every scenario shares, and how WeasyPrint subsets fonts here."""
    return {
        "Django settings": "bench.settings = lms.settings.production (DEBUG off) with static "
        "files collected under var/bench/static",
        "static files": "WhiteNoise CompressedManifestStaticFilesStorage (gzip/brotli, hashed "
        "names served with far-future immutable cache headers)",
        "gunicorn (gunicorn.conf.py)": "{workers} {worker_class} workers x {threads} "
        "thread(s)".format(**runner.gunicorn_config()),
        "cache and broker": "Redis (the suite's --redis-url), Celery prefork workers",
        "WeasyPrint font subsetting": harfbuzz_subsetting(),
    }


def harfbuzz_subsetting() -> str:
    """Whether WeasyPrint can use HarfBuzz's fast subsetter or falls back to fontTools."""
    try:
        from weasyprint.text.ffi import harfbuzz_subset
    except Exception as error:  # WeasyPrint missing or its libraries not loadable
        return f"unknown ({type(error).__name__})"
    if harfbuzz_subset is not None:
        return "HarfBuzz (libharfbuzz-subset0, fast)"
    return "fontTools fallback (slow): install libharfbuzz-subset0"


if __name__ == "__main__":
    sys.exit(main())
