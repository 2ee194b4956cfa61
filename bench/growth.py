"""Benchmark: how the main pages grow with the data (issue 8, "Growth").

    .venv/bin/python -m bench.growth --scales 1,10 [--rounds 20] [--database-url URL]

For each scale the database is built once (migrate and seed_demo into a template database,
then a copy per scale) and `generate_load_data --scale N` adds N x 1,000 trainees. Then, in
process with the production settings (Django's test client), each page is requested --rounds
times: the learner dashboard, a lesson page, a quiz submission (only the submitting POST is
timed), certificate verification (page, JSON, and the PDF check by SHA-256), the eligibility
checklist (/credentials/), the cohort progress report (the first cohort: 1,000 learners at
scale 1, 5,000 from scale 5), the item statistics of the first Boundaries quiz (1,000
attempts at scale 1, 10,000 from scale 10), and the audit-chain verification (the service,
fewer rounds). Then the pages of live sessions, training hours, boards and packets (issue
19): the learner's sessions (/live/), training hours (/training-hours/), IC&RC Peer
Recovery readiness (/boards/icrc-pr/) and draft packet (/packets/<id>/); the trainer's
signed register of their live cohort; the registrar's cohort readiness (/boards/cohorts/,
that cohort and IC&RC Peer Recovery) and queue of outside training (/training-hours/queue/).
The load data gives trainee0..trainee9 the same sessions, outside training, board target
and packet at every scale, so all seven should stay flat. The bare /healthz/ view is timed
in the same run as the baseline.

Per page: median and p95 in milliseconds, the ratio to /healthz/, and the number of SQL
queries of one request. Growth ratios are scale N / scale 1, raw and normalised by the
baseline. Per-learner pages are the same learners at every scale (their generated data does
not depend on the scale), so their ratio should stay near 1; reports should grow no worse
than linearly. With PostgreSQL, at the largest scale (or every scale with --explain-all) the
slowest queries of each page are run again under EXPLAIN (ANALYZE, BUFFERS) and their plans
written into the results.

PostgreSQL is the intended database (--database-url or DATABASE_URL; the name gets "_bench"
unless it has "bench" in it, and "_t" and "_s<scale>" are appended for the template and the
scales, all dropped and re-created). Durations on the 2-core machine: template 2 min, scale 1
about 1 min, scale 10 about 5 min, scale 100 about 45 min (see the README). Writes
bench/results/<UTC time>-growth.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from . import runner

LEARNERS = 10  # trainee0..trainee9: same data at every scale, all with a placement
PER_LEARNER = (
    "dashboard",
    "lesson",
    "quiz_submit",
    "verify_page",
    "verify_json",
    "verify_pdf_json",
    "credentials",
    "live_sessions",
    "training_hours",
    "board_readiness",
    "packet",
)
# Staff pages over the fixed learners' records only: as flat as the per-learner pages.
FIXED_STAFF = ("live_register", "board_cohorts", "hours_queue")
REPORTS = ("cohort_progress", "quiz_statistics", "quiz_statistics_compute", "audit_chain")
FLAT_LIMIT = 1.2  # per-learner pages: within 20%
REPORT_LIMIT_S = 2.0  # at scale 100


def parse_args(argv=None) -> argparse.Namespace:
    parser = runner.scenario_parser("growth", __doc__)
    parser.add_argument("--scales", default="1,10", help="comma-separated (1,10; 1,10,100)")
    parser.add_argument("--rounds", type=int, default=20, help="requests per page (20)")
    parser.add_argument("--report-rounds", type=int, default=5, help="requests per report page (5)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--explain-all", action="store_true", help="EXPLAIN at every scale")
    parser.add_argument("--no-explain", action="store_true", help="skip EXPLAIN")
    parser.add_argument(
        "--reuse-template",
        action="store_true",
        help="keep the seeded template database of an earlier run (migrate it only)",
    )
    # Internal: one phase in a child process (a fresh Django per database).
    parser.add_argument(
        "--phase", choices=["template", "measure", "interleave"], help=argparse.SUPPRESS
    )
    parser.add_argument("--urls", help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--explain", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args, _unknown = parser.parse_known_args(argv)
    return args


# --- Databases ---------------------------------------------------------------------------------


def _named(database: runner.BenchDatabase, suffix: str) -> runner.BenchDatabase:
    parts = urlsplit(database.url)
    if database.engine == "sqlite":
        path = Path(parts.path[1:])
        return runner.BenchDatabase(
            f"sqlite:///{path.with_name(path.stem + suffix + path.suffix)}", "sqlite"
        )
    name = parts.path.lstrip("/") + suffix
    return runner.BenchDatabase(urlunsplit(parts._replace(path=f"/{name}")), "postgresql")


def _copy(template: runner.BenchDatabase, target: runner.BenchDatabase) -> None:
    """A scale's database as a copy of the seeded template (seeding takes minutes)."""
    if target.engine == "sqlite":
        target.reset()
        shutil.copyfile(urlsplit(template.url).path[1:], urlsplit(target.url).path[1:])
        return
    import dj_database_url
    import psycopg
    from psycopg import sql

    name = sql.Identifier(dj_database_url.parse(target.url)["NAME"])
    source = sql.Identifier(dj_database_url.parse(template.url)["NAME"])
    with psycopg.connect(**target.connection_options("postgres")) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(name, source))


def _exists(database: runner.BenchDatabase) -> bool:
    """Whether the database is there already (for --reuse-template)."""
    if database.engine == "sqlite":
        return Path(urlsplit(database.url).path[1:]).exists()
    import dj_database_url
    import psycopg

    name = dj_database_url.parse(database.url)["NAME"]
    try:
        psycopg.connect(**database.connection_options(name)).close()
    except psycopg.OperationalError:
        return False
    return True


def _child(args: list[str], database_url: str) -> None:
    env = dict(os.environ, DATABASE_URL=database_url)
    result = subprocess.run(
        [sys.executable, "-m", "bench.growth", *args], cwd=runner.BASE_DIR, env=env, check=False
    )
    if result.returncode:
        raise runner.BenchError(f"bench.growth {' '.join(args)} failed ({result.returncode})")


def setup_django(database_url: str) -> None:
    """Django in this process: a local cache, tasks in process, migrated by the template phase."""
    env = runner.site_environment(
        database_url,
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        REDIS_URL="",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        PEERPATH_VERIFY_RATE_LIMIT="1000000",  # one client asks for every certificate
    )
    runner.setup_django_in_process(env, migrate=False)


# --- Phases (child processes) ------------------------------------------------------------------


def phase_template() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("seed_demo", quiet=True)


def _summary(samples: list[float], baseline_ms: float | None) -> dict:
    ordered = sorted(samples)
    median = statistics.median(ordered) * 1000
    return {
        "median_ms": round(median, 2),
        "p95_ms": round(runner.percentile(ordered, 95) * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
        "rounds": len(ordered),
        "ratio_to_healthz": round(median / baseline_ms, 2) if baseline_ms else None,
    }


def _explain(captured: list[dict], top: int = 3) -> list[dict]:
    """The `top` slowest SELECTs of one request, each with its EXPLAIN (ANALYZE, BUFFERS)."""
    from django.db import connection

    plans = []
    seen = set()
    for query in captured:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT") or sql in seen:
            continue
        seen.add(sql)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            lines = [row[0] for row in cursor.fetchall()]
        took = next(
            (float(line.split(":")[1].split()[0]) for line in lines if "Execution Time" in line),
            0.0,
        )
        plans.append({"sql": sql[:2000], "execution_ms": took, "plan": lines})
    plans.sort(key=lambda p: -p["execution_ms"])
    return plans[:top]


def phase_measure(scale: int, rounds: int, report_rounds: int, explain: bool) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.loadgen import LIVE_COHORT, LOAD_DOMAIN, generate
    from bench.quiz_setup import correct_form
    from certification.credentials.models import Certificate
    from certification.live.models import LiveSession
    from certification.packets.models import Packet
    from certification.verification import cache as verify_cache
    from courses import statistics as item_statistics
    from courses.models import Attempt, Cohort, LessonPage, QuizPage
    from lms.accounts import second_step
    from lms.accounts import services as account_services
    from lms.accounts.models import User
    from lms.audit.models import AuditEvent
    from lms.audit.services.events import verify_audit_chain

    settings.PEERPATH_VERIFY_RATE_LIMIT = 10**9
    begin = time.perf_counter()
    counts = generate(scale=scale, out=print)
    generate_s = time.perf_counter() - begin
    explain = explain and connection.vendor == "postgresql"

    def user(n: int, kind: str = "trainee") -> User:
        return User.objects.get(email=f"{kind}{n}@{LOAD_DOMAIN}")

    learners = [user(n) for n in range(LEARNERS)]
    trainer = User.objects.get(email="trainer@peerpath.example")
    cohort = Cohort.objects.get(name="Load cohort 1")
    boundaries = cohort.course
    hot_quiz = QuizPage.objects.live().descendant_of(boundaries).order_by("path").first()
    lesson = LessonPage.objects.live().descendant_of(boundaries).order_by("path").first()
    certificates = list(
        Certificate.objects.filter(trainee__email__endswith=LOAD_DOMAIN).order_by("pk")[:rounds]
    )
    clients: dict[int, Client] = {}

    def client_for(person) -> Client:
        if person.pk not in clients:
            clients[person.pk] = client = Client()
            client.force_login(person)
            # As if they gave their code too: the demo's staff have an authenticator, and
            # without the second step every page of theirs is a redirect to the code step.
            if account_services.confirmed_device(person) is not None:
                session = client.session
                second_step.mark_verified(session, person)
                session.save()
        return clients[person.pk]

    anonymous = Client()
    pages: dict[str, dict] = {}

    def measure(name: str, requests, n: int, baseline: float | None) -> None:
        """`requests(i)` does request i and returns (seconds timed, status code)."""
        for i in range(min(2, n)):  # warm caches (templates, site, Wagtail) before timing
            requests(n + i)
        samples = []
        for i in range(n):
            took, status = requests(i)
            if status not in (200, 302):
                raise runner.BenchError(f"{name}: request {i} answered {status}")
            samples.append(took)
        with CaptureQueriesContext(connection) as captured:
            requests(0 if name != "quiz_submit" else n + 2)
        entry = {**_summary(samples, baseline), "queries": len(captured.captured_queries)}
        if explain:
            entry["explain"] = _explain(captured.captured_queries)
        pages[name] = entry
        print(f"  {name}: median {entry['median_ms']} ms, {entry['queries']} queries")

    def get(client: Client, url: str):
        start = time.perf_counter()
        response = client.get(url)
        return time.perf_counter() - start, response.status_code

    # Baseline first, then the pages.
    health = []
    for _ in range(rounds * 3):
        health.append(get(anonymous, "/healthz/")[0])
    baseline = statistics.median(health) * 1000
    pages["healthz"] = {**_summary(health, None), "queries": 0}

    measure(
        "dashboard", lambda i: get(client_for(learners[i % LEARNERS]), "/learn/"), rounds, baseline
    )
    measure(
        "lesson", lambda i: get(client_for(learners[i % LEARNERS]), lesson.url), rounds, baseline
    )
    measure(
        "credentials",
        lambda i: get(client_for(learners[i % LEARNERS]), "/credentials/"),
        rounds,
        baseline,
    )

    def submit(i: int):
        # A different learner each time, with one graded attempt already (from the load data).
        person = user(100 + i)
        client = client_for(person)
        started = client.post(reverse("learn:start_attempt", args=[hot_quiz.pk]))
        if started.status_code != 302:
            return 0.0, started.status_code
        attempt = Attempt.objects.get(user=person, quiz=hot_quiz, status=Attempt.Status.IN_PROGRESS)
        url = reverse("learn:attempt", kwargs={"key": attempt.key})
        client.get(url)
        took, status = _timed_post(client, url, {**correct_form(attempt), "action": "submit"})
        return took, status

    measure("quiz_submit", submit, rounds, baseline)

    def cert(i: int) -> Certificate:
        return certificates[i % len(certificates)]

    def verify(i: int, url: str):
        # Each request is a cold lookup: the cached public record is dropped first (untimed).
        verify_cache.forget([cert(i).verification_code])
        return get(anonymous, url)

    measure(
        "verify_page",
        lambda i: verify(i, f"/verify/{cert(i).verification_code}/"),
        rounds,
        baseline,
    )
    measure(
        "verify_json",
        lambda i: verify(i, f"/verify/{cert(i).verification_code}.json"),
        rounds,
        baseline,
    )
    measure(
        "verify_pdf_json",
        lambda i: verify(i, f"/verify/pdf/{cert(i).pdf_sha256}.json"),
        rounds,
        baseline,
    )
    teacher = client_for(trainer)
    measure(
        "cohort_progress",
        lambda i: get(teacher, reverse("teach:cohort", args=[cohort.pk])),
        report_rounds,
        baseline,
    )
    measure(
        "quiz_statistics",
        lambda i: get(teacher, reverse("teach:quiz_statistics", args=[hot_quiz.pk])),
        report_rounds,
        baseline,
    )

    def compute_statistics(_i: int):
        # What the background task does for a large quiz (the page then serves the result).
        start = time.perf_counter()
        item_statistics.quiz_item_statistics(hot_quiz)
        return time.perf_counter() - start, 200

    measure("quiz_statistics_compute", compute_statistics, report_rounds, baseline)

    def audit(_i: int):
        start = time.perf_counter()
        problems = verify_audit_chain()
        return time.perf_counter() - start, 500 if problems else 200

    measure("audit_chain", audit, max(2, report_rounds // 2), baseline)

    # Live sessions, training hours, boards and packets: the fixed learners' records.
    def checked(client: Client, url: str) -> str:
        """The URL, once it answers 200 (a redirect to sign in would be timed otherwise)."""
        status = client.get(url).status_code
        if status != 200:
            raise runner.BenchError(f"{url} answered {status}")
        return url

    packets = dict(
        Packet.objects.filter(trainee__in=learners).values_list("trainee_id", "pk").order_by("pk")
    )
    for name, url_of in (
        ("live_sessions", lambda person: reverse("live:mine")),
        ("training_hours", lambda person: reverse("hours:home")),
        ("board_readiness", lambda person: reverse("boards:detail", args=["icrc-pr"])),
        ("packet", lambda person: reverse("packets:detail", args=[packets[person.pk]])),
    ):
        urls = [checked(client_for(person), url_of(person)) for person in learners]
        measure(
            name,
            lambda i, urls=urls: get(client_for(learners[i % LEARNERS]), urls[i % LEARNERS]),
            rounds,
            baseline,
        )
    live_cohort = Cohort.objects.get(name=LIVE_COHORT)
    signed = (
        LiveSession.objects.filter(cohort=live_cohort, signed_register__isnull=False)
        .order_by("starts_at")
        .first()
    )
    registrar = client_for(User.objects.get(email="registrar@peerpath.example"))
    for name, client, url in (
        ("live_register", teacher, reverse("live:register", args=[signed.pk])),
        (
            "board_cohorts",
            registrar,
            f"{reverse('boards:cohorts')}?cohort={live_cohort.pk}&credential=icrc-pr",
        ),
        ("hours_queue", registrar, reverse("hours:queue")),
    ):
        checked(client, url)
        measure(name, lambda i, client=client, url=url: get(client, url), rounds, baseline)

    return {
        "scale": scale,
        "generate_seconds": round(generate_s, 1),
        "rows": counts.rows,
        "cohort_learners": cohort.learners.count(),
        "live_cohort_learners": live_cohort.learners.count(),
        "quiz_statistics_attempts": Attempt.objects.filter(quiz=hot_quiz, status="graded").count(),
        "audit_events": AuditEvent.objects.count(),
        "pages": pages,
    }


def phase_interleave(urls: list[str], rounds: int) -> dict:
    """The per-learner pages at every scale in alternation, request by request, in one
    process: load on a shared machine then falls on every scale alike, which separate runs
    minutes apart cannot promise. Each switch of database is untimed."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from bench.loadgen import LOAD_DOMAIN
    from certification.credentials.models import Certificate
    from certification.packets.models import Packet
    from certification.verification import cache as verify_cache
    from courses.models import LessonPage
    from lms.accounts.models import User

    def use(url: str) -> None:
        import dj_database_url

        connection.close()
        connection.settings_dict["NAME"] = dj_database_url.parse(url)["NAME"]
        cache.clear()  # per-process caches (site, verification) must not cross databases

    setups = []
    for url in urls:
        use(url)
        clients = []
        for n in range(LEARNERS):
            client = Client()
            client.force_login(User.objects.get(email=f"trainee{n}@{LOAD_DOMAIN}"))
            clients.append(client)
        lesson = LessonPage.objects.live().filter(slug__isnull=False).order_by("path").first()
        codes = list(
            Certificate.objects.filter(trainee__email__endswith=LOAD_DOMAIN)
            .order_by("pk")
            .values_list("verification_code", flat=True)[:LEARNERS]
        )
        packets = dict(
            Packet.objects.filter(trainee__email__endswith=LOAD_DOMAIN).values_list(
                "trainee__email", "pk"
            )
        )
        setups.append(
            {
                "clients": clients,
                "lesson": lesson.url,
                "codes": codes,
                "packets": [
                    reverse("packets:detail", args=[packets[f"trainee{n}@{LOAD_DOMAIN}"]])
                    for n in range(LEARNERS)
                ],
            }
        )
    anonymous = Client()
    pages = {
        "dashboard": lambda st, i: st["clients"][i % LEARNERS].get("/learn/"),
        "lesson": lambda st, i: st["clients"][i % LEARNERS].get(st["lesson"]),
        "credentials": lambda st, i: st["clients"][i % LEARNERS].get("/credentials/"),
        "live_sessions": lambda st, i: st["clients"][i % LEARNERS].get("/live/"),
        "training_hours": lambda st, i: st["clients"][i % LEARNERS].get("/training-hours/"),
        "board_readiness": lambda st, i: st["clients"][i % LEARNERS].get("/boards/icrc-pr/"),
        "packet": lambda st, i: st["clients"][i % LEARNERS].get(st["packets"][i % LEARNERS]),
        "verify_json": lambda st, i: anonymous.get(
            f"/verify/{st['codes'][i % len(st['codes'])]}.json"
        ),
    }
    samples = {name: [[] for _ in urls] for name in pages}
    for i in range(rounds + 2):
        for index, url in enumerate(urls):
            use(url)
            for name, request in pages.items():
                request(setups[index], i)  # warm this database's caches after the switch
                if name.startswith("verify"):  # but time a cold lookup of the record
                    verify_cache.forget(setups[index]["codes"])
                start = time.perf_counter()
                response = request(setups[index], i)
                took = time.perf_counter() - start
                if response.status_code != 200:
                    raise runner.BenchError(f"{name} answered {response.status_code}")
                if i >= 2:
                    samples[name][index].append(took)
    out = {}
    for name, per_scale in samples.items():
        medians = [statistics.median(values) * 1000 for values in per_scale]
        out[name] = {
            "median_ms": [round(m, 2) for m in medians],
            "ratio_to_first": [round(m / medians[0], 2) for m in medians],
        }
    return out


def _timed_post(client, url: str, data: dict):
    start = time.perf_counter()
    response = client.post(url, data)
    return time.perf_counter() - start, response.status_code


# --- Orchestration -----------------------------------------------------------------------------


def growth(results: list[dict]) -> dict:
    """Scale N / scale 1 for every page: raw medians, and normalised by /healthz/."""
    first = results[0]
    out = {}
    for later in results[1:]:
        key = f"{later['scale']}/{first['scale']}"
        out[key] = {}
        for name, page in later["pages"].items():
            base = first["pages"].get(name)
            if not base or name == "healthz":
                continue
            out[key][name] = {
                "median": round(page["median_ms"] / base["median_ms"], 2),
                "normalised": round(
                    (page["ratio_to_healthz"] or 0) / (base["ratio_to_healthz"] or 1), 2
                ),
                "queries": f"{base['queries']} -> {page['queries']}",
            }
    return out


def verdicts(results: list[dict], ratios: dict) -> dict:
    """The goals: per-learner pages and staff pages over fixed records flat (within 20%),
    reports no worse than linear, and reports under 2 s at scale 100."""
    first = results[0]
    out = {}
    for later in results[1:]:
        key = f"{later['scale']}/{first['scale']}"
        data_growth = later["scale"] / first["scale"]
        for name, figures in ratios[key].items():
            if name in PER_LEARNER or name in FIXED_STAFF:
                ok = figures["median"] <= FLAT_LIMIT
                goal = f"flat (<= {FLAT_LIMIT})"
            else:
                ok = figures["median"] <= data_growth * 1.1
                goal = f"no worse than linear (<= {data_growth:g})"
            out.setdefault(name, {})[key] = {"goal": goal, "met": ok}
    for result in results:
        if result["scale"] >= 100:
            for name in REPORTS:
                if name in result["pages"]:
                    out.setdefault(name, {})["under_2s_at_100"] = (
                        result["pages"][name]["median_ms"] <= REPORT_LIMIT_S * 1000
                    )
    return out


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.phase:
        setup_django(os.environ["DATABASE_URL"])
        if args.phase == "template":
            phase_template()
        elif args.phase == "interleave":
            result = phase_interleave(args.urls.split(","), args.rounds)
            args.output.write_text(json.dumps(result, indent=2))
        else:
            result = phase_measure(args.scale, args.rounds, args.report_rounds, args.explain)
            args.output.write_text(json.dumps(result, indent=2, default=str))
        return 0

    started = runner.utc_now()
    scales = sorted({int(s) for s in args.scales.split(",") if s.strip()})
    if not scales or scales[0] < 1:
        print("Give --scales as whole numbers of at least 1, e.g. 1,10.", file=sys.stderr)
        return 2
    base = runner.resolve_database(args.database_url, runner.WORK_DIR / "growth-bench.sqlite3")
    if base.note:
        print(f"note: {base.note}")
    if base.engine == "sqlite":
        print("note: SQLite works but is slow to fill; use PostgreSQL for real figures.")
    template = _named(base, "_t")
    timings = {}
    try:
        begin = time.perf_counter()
        if not (args.reuse_template and _exists(template)):
            template.reset()
        print(f"Template database (migrate, seed_demo): {template.redacted_url}")
        _child(["--phase", "template"], template.url)
        timings["template_seconds"] = round(time.perf_counter() - begin, 1)
        results = []
        with tempfile.TemporaryDirectory() as work:
            for scale in scales:
                target = _named(base, f"_s{scale}")
                _copy(template, target)
                explain = not args.no_explain and (args.explain_all or scale == scales[-1])
                output = Path(work) / f"scale-{scale}.json"
                print(f"Scale {scale}: {target.redacted_url}")
                child = [
                    "--phase",
                    "measure",
                    "--scale",
                    str(scale),
                    "--rounds",
                    str(args.rounds),
                    "--report-rounds",
                    str(args.report_rounds),
                    "--output",
                    str(output),
                ]
                if explain:
                    child.append("--explain")
                begin = time.perf_counter()
                _child(child, target.url)
                result = json.loads(output.read_text())
                result["total_seconds"] = round(time.perf_counter() - begin, 1)
                results.append(result)
            interleaved = {}
            if len(scales) > 1:
                output = Path(work) / "interleaved.json"
                urls = ",".join(_named(base, f"_s{scale}").url for scale in scales)
                print("Per-learner pages at every scale in alternation")
                _child(
                    [
                        "--phase",
                        "interleave",
                        "--urls",
                        urls,
                        "--rounds",
                        str(args.rounds),
                        "--output",
                        str(output),
                    ],
                    _named(base, f"_s{scales[0]}").url,
                )
                interleaved = json.loads(output.read_text())
    except runner.BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1

    ratios = growth(results) if len(results) > 1 else {}
    document = {
        "benchmark": "growth",
        "started": started.isoformat(),
        "database": base.engine,
        "scales": scales,
        "rounds": args.rounds,
        "report_rounds": args.report_rounds,
        "timings": timings,
        "results": results,
        "growth": ratios,
        "interleaved": {"scales": scales, "pages": interleaved},
        "goals": verdicts(results, ratios) if ratios else {},
        "machine": runner.machine(),
        "git": runner.git_revision(),
    }
    path = runner.write_results("growth", started, document)
    print_table(results, ratios)
    for name, figures in interleaved.items():
        print(
            f"interleaved {name:14} medians {figures['median_ms']} ms, "
            f"ratios {figures['ratio_to_first']}"
        )
    print(f"Results: {path.relative_to(runner.BASE_DIR)}")
    return 0


def print_table(results: list[dict], ratios: dict) -> None:
    names = [n for n in results[0]["pages"] if n != "healthz"]
    head = (
        f"{'page':18}"
        + "".join(f"  s{r['scale']:<4} med/p95 ms (q)".ljust(28) for r in results)
        + "".join(f"  {k:>7}" for k in ratios)
    )
    print(head)
    for name in ["healthz", *names]:
        cells = []
        for r in results:
            p = r["pages"][name]
            cells.append(f"  {p['median_ms']:>8.1f}/{p['p95_ms']:<8.1f} ({p['queries']})".ljust(28))
        growth_cells = "".join(
            f"  {ratios[k][name]['median']:>7.2f}" if name in ratios[k] else "        "
            for k in ratios
        )
        print(f"{name:18}" + "".join(cells) + growth_cells)
    for r in results:
        print(f"scale {r['scale']}: generated in {r['generate_seconds']} s; {r['rows']}")


if __name__ == "__main__":
    raise SystemExit(main())
