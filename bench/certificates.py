"""Benchmark: certificate PDFs, against a one-line WeasyPrint document in the same run.

    .venv/bin/python -m bench.certificates [--renders 300] [--batch 500] [--redis-url URL]
                                           [--database-url URL] [--skip-batch]

1. Render cost, in this process: milliseconds and peak memory (Python heap, tracemalloc) per
   certificate, rendered exactly as the Celery task renders it (pdf.render_certificate_pdf:
   one FontConfiguration, stylesheet and image cache per process), and per board application
   packet (every part: the certificate, 40 approved two-hour practicum entries, the code of
   ethics attestation), rendered as its PDF view renders it (packets.pdf.render_packet_pdf,
   same fonts and fetcher), each against the floor, a one-line WeasyPrint document, in
   interleaved rounds of the same run. Reports whether HarfBuzz subsetting
   (libharfbuzz-subset0) ran, by counting WeasyPrint's calls to it.
2. Memory over --renders certificates: resident memory every 25 renders, and the drift; and,
   for comparison, 100 renders with a new FontConfiguration each time (the naive way).
3. Batch: --batch issuances through a real Celery worker (Redis broker, production settings,
   prefork pool) with one and then two worker processes: each task issues a certificate and
   queues its render; the clock stops when every PDF is stored. Throughput and speed-up.

The database (SQLite under var/bench/ unless --database-url or DATABASE_URL names PostgreSQL)
is dropped and re-created. Prints a summary and writes bench/results/<UTC time>-certificates.json.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

# Django models and services are imported inside the functions: Django is set up in main().
from . import runner

MEDIA_DIR = runner.WORK_DIR / "certificates-media"
# The benchmark signs with a key of its own, made afresh each run (never the site's keys).
KEYS_DIR = runner.WORK_DIR / "certificates-signing-keys"
MIN_RENDERS = 75
PACKET_ENTRIES = 40  # two hours each: the 80 practicum hours peer-foundations asks for


def parse_args(argv=None) -> argparse.Namespace:
    parser = runner.scenario_parser("certificates", __doc__)
    parser.add_argument(
        "--renders",
        type=int,
        default=300,
        help=f"renders for memory drift, at least {MIN_RENDERS} (300)",
    )
    parser.add_argument("--rounds", type=int, default=5, help="interleaved timing rounds (5)")
    parser.add_argument("--per-round", type=int, default=10, help="renders per round (10)")
    parser.add_argument("--batch", type=int, default=1000, help="issuances per worker run (1000)")
    parser.add_argument(
        "--naive-renders", type=int, default=100, help="renders of the naive comparison (100)"
    )
    parser.add_argument(
        "--first-render-runs", type=int, default=3, help="fresh processes for the first render"
    )
    parser.add_argument("--first-render-of", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-warm-up", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/3",
        help="Redis for the batch's broker (default REDIS_URL, else db 3 on localhost); its "
        "default queue is purged",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="sqlite:// or postgres:// URL; dropped and re-created ('_bench' added if needed)",
    )
    parser.add_argument("--skip-batch", action="store_true", help="render figures only")
    parser.add_argument(
        "--batch-timeout", type=float, default=1200, help="seconds allowed per batch run"
    )
    args = parser.parse_args(argv)
    if args.renders < MIN_RENDERS:
        # Drift is measured from the 50th render on, once the caches are full.
        parser.error(f"--renders must be at least {MIN_RENDERS} (drift is read after 50)")
    return args


def environment(database_url: str, redis_url: str) -> dict[str, str]:
    """Production settings (bench.settings), Redis as cache and broker, the benchmark's files."""
    return runner.site_environment(
        database_url,
        redis_url=redis_url,
        broker=True,
        MEDIA_ROOT=str(MEDIA_DIR),
        PEERPATH_SIGNING_KEY="",
        PEERPATH_SIGNING_KEY_FILE="",
        PEERPATH_SIGNING_KEYS_DIR=str(KEYS_DIR),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
    )


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def make_certificate():
    """One certificate of the demo design (two signatures), issued but not rendered."""
    from django.utils import timezone

    from certification.credentials.demo import seed_certificate_design
    from certification.credentials.models import Certificate, CertificateName
    from certification.credentials.services import certificates as certificate_services
    from certification.credentials.services import loading as loading_services
    from certification.standards.models import Credential
    from lms.accounts.models import User

    loading_services.load_frameworks()
    seed_certificate_design()
    credential = Credential.objects.get(code="peer-foundations")
    user = User.objects.create(email="render@bench.example", legal_name="Amara Grace Okoye")
    CertificateName.objects.create(user=user, name=user.legal_name, confirmed_at=timezone.now())
    certificate, _ = certificate_services.issue_certificate(
        trainee=user,
        credential_code=credential.code,
        actor=user,
        reason="Benchmark certificate (not a real issue).",
    )
    return Certificate.objects.get(pk=certificate.pk)


def make_packet(certificate) -> dict:
    """The certificate holder's board application packet, every part chosen, made by the
    packet service; returns the context its PDF view renders. The holder's certificate is
    stored first (a packet lists issued certificates), then a placement with PACKET_ENTRIES
    entries approved through the practicum services and the ethics attestation."""
    from bench.learning_setup import build_placement
    from certification.credentials.services import certificates as certificate_services
    from certification.credentials.services import credentials as credential_services
    from certification.packets.models import Section
    from certification.packets.services import packets as packet_services
    from certification.packets.services.documents import packet_context
    from lms.accounts.models import User

    trainee = certificate.trainee
    certificate_services.store_certificate_pdf(certificate_id=certificate.pk)
    supervisor = User.objects.create(email="supervisor@bench.example", legal_name="Marcus Reid")
    build_placement(
        trainee=trainee, supervisor=supervisor, slug="harbour-lights-bench", entries=PACKET_ENTRIES
    )
    credential_services.attest(trainee=trainee, code="code_of_ethics")
    packet = packet_services.make_packet(trainee=trainee, sections=Section.values, draft=False)
    return packet_context(packet)


def count_harfbuzz_subsets() -> dict:
    """Wrap WeasyPrint's HarfBuzz subsetting so the run can say whether it was used."""
    from weasyprint.pdf import fonts
    from weasyprint.text import ffi

    calls = {"harfbuzz_subset": 0}
    method = getattr(fonts.Font, "_harfbuzz_subset", None)
    if method is not None:

        def counted(self, *args, **kwargs):
            calls["harfbuzz_subset"] += 1
            return method(self, *args, **kwargs)

        fonts.Font._harfbuzz_subset = counted
    calls["library_loaded"] = ffi.harfbuzz_subset is not None
    return calls


def pdf_pages(document: bytes) -> int | None:
    """Pages of a PDF, by poppler's pdfinfo (WeasyPrint compresses the page objects into an
    object stream); None without pdfinfo."""
    try:
        info = subprocess.run(
            ["pdfinfo", "-"], input=document, capture_output=True, check=True
        ).stdout.decode()
    except (FileNotFoundError, subprocess.CalledProcessError):
        return None
    found = re.search(r"^Pages:\s+(\d+)$", info, re.M)
    return int(found.group(1)) if found else None


def render_figures(args, certificate, packet: dict) -> dict:
    from weasyprint import HTML

    from certification.credentials import pdf
    from certification.packets import pdf as packet_pdf

    renders = {
        "floor": lambda: HTML(string="<p>Certificate</p>").write_pdf(),
        "certificate": lambda: pdf.render_certificate_pdf(certificate),
        "packet": lambda: packet_pdf.render_packet_pdf(packet),
    }
    for _ in range(5):  # warm them all: fonts loaded, caches filled, code paths compiled
        for render in renders.values():
            render()
    times = {name: [] for name in renders}
    for _ in range(args.rounds):
        for name, render in renders.items():
            for _ in range(args.per_round):
                started = time.perf_counter()
                render()
                times[name].append((time.perf_counter() - started) * 1000)
    peaks = {name: [] for name in renders}
    for name, render in renders.items():
        for _ in range(5):
            tracemalloc.start()
            render()
            peaks[name].append(tracemalloc.get_traced_memory()[1] / 2**20)
            tracemalloc.stop()
    documents = {name: render() for name, render in renders.items()}
    size = {name: len(document) for name, document in documents.items()}

    def stats(values):
        ordered = sorted(values)
        return {
            "median": round(statistics.median(ordered), 2),
            "p95": round(runner.percentile(ordered, 95), 2),
            "mean": round(statistics.fmean(ordered), 2),
            "n": len(ordered),
        }

    result = {name: {"ms": stats(values)} for name, values in times.items()}
    for name in result:
        result[name]["peak_python_heap_mb"] = round(statistics.median(peaks[name]), 2)
        result[name]["pdf_bytes"] = size[name]
    result["ratio_ms_median"] = round(
        result["certificate"]["ms"]["median"] / result["floor"]["ms"]["median"], 2
    )
    result["ratio_peak_memory"] = round(
        result["certificate"]["peak_python_heap_mb"] / result["floor"]["peak_python_heap_mb"], 2
    )
    result["packet"]["pages"] = pdf_pages(documents["packet"])
    result["packet_ratio_ms_median"] = round(
        result["packet"]["ms"]["median"] / result["floor"]["ms"]["median"], 2
    )
    result["packet_ratio_peak_memory"] = round(
        result["packet"]["peak_python_heap_mb"] / result["floor"]["peak_python_heap_mb"], 2
    )
    return result


def memory_figures(args, certificate) -> dict:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from certification.credentials import pdf

    samples = []
    for index in range(args.renders + 1):
        if index % 25 == 0:
            samples.append({"renders": index, "rss_mb": round(rss_mb(), 1)})
        if index < args.renders:
            pdf.render_certificate_pdf(certificate)
    baseline = next(s for s in samples if s["renders"] >= 50)["rss_mb"]
    drift = samples[-1]["rss_mb"] - baseline
    cached = {
        "samples": samples,
        "drift_after_50_mb": round(drift, 1),
        "per_render_kb": round(drift * 1024 / max(1, args.renders - 50), 1),
    }
    # The naive way, for comparison: a new FontConfiguration (and stylesheet) per render.
    html = pdf.render_html(pdf.certificate_context(certificate))
    css_text = (Path(pdf._static_path(pdf.STYLESHEET))).read_text()
    fetcher = pdf.process_state().fetcher
    naive_samples = []
    naive = max(args.naive_renders, 26)
    for index in range(naive + 1):
        if index % 25 == 0 or index == naive:
            naive_samples.append({"renders": index, "rss_mb": round(rss_mb(), 1)})
        if index < naive:
            from weasyprint import CSS

            config = FontConfiguration()
            css = CSS(
                string=css_text,
                base_url=f"{pdf.BASE_URL}static/{pdf.STYLESHEET}",
                url_fetcher=fetcher,
                font_config=config,
            )
            HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=fetcher).write_pdf(
                stylesheets=[css], font_config=config, pdf_variant=pdf.PDF_VARIANT, pdf_tags=True
            )
    naive_drift = naive_samples[-1]["rss_mb"] - naive_samples[1]["rss_mb"]
    return {
        "cached_per_process": cached,
        "new_font_configuration_each_render": {
            "samples": naive_samples,
            "drift_after_25_mb": round(naive_drift, 1),
            "per_render_kb": round(naive_drift * 1024 / (naive - 25), 1),
        },
    }


def first_render_child(args) -> int:
    """In a fresh process (the first-render mode): warm up as a Celery worker does, unless
    told not to, then time the first certificate and the ones after it. Prints JSON."""
    import json

    import django

    django.setup()
    from certification.credentials import pdf
    from certification.credentials.models import Certificate

    certificate = Certificate.objects.get(pk=args.first_render_of)
    figures = {"warm_up_ms": None}
    if not args.no_warm_up:
        started = time.perf_counter()
        pdf.warm_up()
        figures["warm_up_ms"] = round((time.perf_counter() - started) * 1000, 1)
    times = []
    for _ in range(8):
        started = time.perf_counter()
        pdf.render_certificate_pdf(certificate)
        times.append((time.perf_counter() - started) * 1000)
    figures["first_ms"] = round(times[0], 1)
    figures["warm_median_ms"] = round(statistics.median(times[2:]), 1)
    print(json.dumps(figures))
    return 0


def first_render_figures(args, env, certificate) -> dict:
    """The first certificate a fresh process renders, against the same process's later
    ones, with the warm-up a Celery worker does at start and, for comparison, without."""
    import json

    def run(*extra):
        result = subprocess.run(
            [sys.executable, "-m", "bench.certificates", "--first-render-of", str(certificate.pk)]
            + list(extra),
            cwd=runner.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0:
            raise runner.BenchError(f"First-render process failed:\n{result.stderr[-2000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    figures = {}
    for name, extra in (("warmed", ()), ("not_warmed", ("--no-warm-up",))):
        runs = [run(*extra) for _ in range(args.first_render_runs)]
        ratios = [r["first_ms"] / r["warm_median_ms"] for r in runs]
        figures[name] = {
            "runs": runs,
            "first_ms": round(statistics.median(r["first_ms"] for r in runs), 1),
            "warm_median_ms": round(statistics.median(r["warm_median_ms"] for r in runs), 1),
            "first_over_warm": round(statistics.median(ratios), 2),
        }
    return {
        **figures,
        "first_ms": figures["warmed"]["first_ms"],
        "first_over_warm": figures["warmed"]["first_over_warm"],
        "method": "fresh process per run; warmed = pdf.warm_up() first, as the Celery worker "
        "does in worker_process_init; first render vs the median of renders 3-8",
    }


def make_trainees(count: int, code: str) -> list[int]:
    from django.utils import timezone

    from certification.credentials.models import CertificateName
    from certification.standards.models import Credential
    from certification.standards.services import credentials as standards_credentials
    from lms.accounts.models import User

    credential = Credential.objects.create(code=code, issued_by_product=True)
    standards_credentials.save_credential_version(
        credential=credential,
        actor=None,
        rules={"title": "Benchmark Credential", "alignment_statement": "Aligned to nothing real."},
    )
    users = User.objects.bulk_create(
        [
            # "!" is Django's unusable password: bench trainees never sign in, and hashing
            # a thousand real passwords would dominate the setup.
            User(email=f"{code}-{n}@bench.example", legal_name=f"Bench Trainee {n}", password="!")  # noqa: S106
            for n in range(count)
        ]
    )
    now = timezone.now()
    CertificateName.objects.bulk_create(
        [CertificateName(user=u, name=u.legal_name, confirmed_at=now) for u in users]
    )
    return list(User.objects.filter(email__startswith=f"{code}-").values_list("pk", flat=True))


def wait_until_ready(sender, worker, log_path, seconds: float = 120) -> None:
    """Start the clock only once the worker answers and its processes have warmed up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise runner.BenchError(f"The worker exited; see {log_path}")
        if sender.control.ping(timeout=1.0):
            time.sleep(2)  # the pool's processes warm up (worker_process_init) in parallel
            return
    raise runner.BenchError(f"The worker did not answer in {seconds:.0f}s; see {log_path}")


def batch(args, env, *, processes: int) -> dict:
    from celery import Celery

    from certification.credentials.models import Certificate

    code = f"bench-batch-{processes}"
    trainee_ids = make_trainees(args.batch, code)
    sender = Celery("bench", broker=args.redis_url)
    with sender.connection_for_write() as connection:
        connection.default_channel.queue_purge("celery")
    log_path = runner.WORK_DIR / f"certificates-worker-{processes}.log"
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            runner.celery_worker_command(processes),
            cwd=runner.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_ready(sender, worker, log_path)
            started = time.perf_counter()
            for trainee_id in trainee_ids:
                sender.send_task(
                    "certification.tasks.issue_certificate_task", args=[trainee_id, code]
                )
            deadline = started + args.batch_timeout
            done = 0
            while time.perf_counter() < deadline:
                done = Certificate.objects.filter(
                    credential_code=code, status=Certificate.Status.ISSUED
                ).count()
                if done >= len(trainee_ids):
                    break
                if worker.poll() is not None:
                    raise runner.BenchError(f"The worker exited; see {log_path}")
                time.sleep(0.5)
            elapsed = time.perf_counter() - started
            load = os.getloadavg()
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
            sender.close()
    from django.db.models import Count

    certificates = Certificate.objects.filter(credential_code=code)
    per_trainee = certificates.values("trainee_id").annotate(n=Count("id"))
    duplicates = sum(row["n"] - 1 for row in per_trainee if row["n"] > 1)
    issued = set(
        certificates.filter(status=Certificate.Status.ISSUED).values_list("trainee_id", flat=True)
    )
    lost = len(set(trainee_ids) - issued)
    return {
        "duplicates": duplicates,
        "lost": lost,
        "processes": processes,
        "issuances": len(trainee_ids),
        "issued_with_pdf": done,
        "certificates": certificates.count(),
        "seconds": round(elapsed, 1),
        "per_second": round(done / elapsed, 2),
        "ms_per_certificate_wall": round(elapsed * 1000 / max(done, 1), 1),
        "failed_attempts": sum(c.render_attempts - 1 for c in certificates if c.render_attempts),
        # Other work on the machine shows here: with the cores already busy, a second worker
        # process has nothing to gain.
        "load_average_at_end": [round(x, 2) for x in load],
        "cores": os.cpu_count(),
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.first_render_of:
        return first_render_child(args)
    started_at = runner.utc_now()
    database = runner.resolve_database(
        args.database_url, runner.WORK_DIR / "certificates-bench.sqlite3"
    )
    database.reset()
    runner.WORK_DIR.mkdir(parents=True, exist_ok=True)
    import shutil

    for folder in (MEDIA_DIR, KEYS_DIR):
        if folder.exists():
            shutil.rmtree(folder)
    env = environment(database.url, args.redis_url)
    runner.setup_django_in_process(env)
    from certification.credentials import openbadges

    openbadges.rotate_signing_key()
    harfbuzz = count_harfbuzz_subsets()
    certificate = make_certificate()
    packet = make_packet(certificate)
    print("Rendering: certificate and packet vs a one-line document ...", flush=True)
    renders = render_figures(args, certificate, packet)
    print("First render in fresh processes ...", flush=True)
    first = first_render_figures(args, env, certificate)
    print("Memory over renders ...", flush=True)
    memory = memory_figures(args, certificate)
    results = {
        "benchmark": "certificates",
        "started": started_at.isoformat(),
        "machine": runner.machine(),
        "git": runner.git_revision(),
        "database": {
            "engine": database.engine,
            "url": database.redacted_url,
            "note": database.note,
        },
        "harfbuzz_subsetting": {
            "library_loaded": harfbuzz["library_loaded"],
            "used": harfbuzz["harfbuzz_subset"] > 0,
            "calls": harfbuzz["harfbuzz_subset"],
        },
        "render": renders,
        "first_render": first,
        "memory": memory,
    }
    if not args.skip_batch:
        if not runner.port_open(args.redis_url):
            raise runner.BenchError(
                f"Redis is not reachable at {args.redis_url}: start redis-server, pass "
                "--redis-url, or run with --skip-batch"
            )
        runs = []
        for processes in (1, 2):
            print(
                f"Batch of {args.batch} through a worker with {processes} process(es) ...",
                flush=True,
            )
            runs.append(batch(args, env, processes=processes))
        render_ms = renders["certificate"]["ms"]["median"]
        for run in runs:
            ideal_seconds = run["issuances"] * render_ms / 1000 / run["processes"]
            run["ideal_seconds"] = round(ideal_seconds, 1)
            run["ideal_per_second"] = round(run["issuances"] / ideal_seconds, 2)
            run["overhead"] = round(run["seconds"] / ideal_seconds, 2)
        results["batch"] = {
            "runs": runs,
            "speed_up_2_vs_1": round(runs[1]["per_second"] / runs[0]["per_second"], 2),
            "ideal": "issuances x median render time (this run, in process) / worker processes",
        }
    results["goals"] = goals(results)
    path = runner.write_results("certificates", started_at, results)
    print_summary(results, path)
    return 0


def goals(results: dict) -> list[dict]:
    from .suite import goal

    render, memory = results["render"], results["memory"]["cached_per_process"]
    found = [
        goal("certificate / one-line document (median render)", render["ratio_ms_median"], "<=", 3),
        goal(
            "board packet / one-line document (median render)",
            render["packet_ratio_ms_median"],
            "<=",
            6,
        ),
        goal(
            f"memory drift over renders 50..{memory['samples'][-1]['renders']}",
            memory["drift_after_50_mb"],
            "<",
            5,
            " MB",
        ),
        goal(
            "first render / warm (worker warmed up)",
            results["first_render"]["first_over_warm"],
            "<=",
            1.5,
        ),
    ]
    if "batch" in results:
        runs = results["batch"]["runs"]
        found.append(
            goal("2 workers / 1 worker throughput", results["batch"]["speed_up_2_vs_1"], ">=", 1.7)
        )
        for run in runs:
            label = f"{run['processes']} worker(s)"
            found.append(goal(f"batch overhead, {label}", run["overhead"], "<=", 1.5))
            found.append(goal(f"duplicates, {label}", run["duplicates"], "==", 0))
            found.append(goal(f"lost, {label}", run["lost"], "==", 0))
    return found


def print_summary(results: dict, path: Path) -> None:
    r = results["render"]
    m = results["memory"]
    hb = results["harfbuzz_subsetting"]
    print()
    print(
        f"HarfBuzz subsetting: {'used' if hb['used'] else 'NOT used'} "
        f"(library loaded: {hb['library_loaded']}, {hb['calls']} calls)"
    )
    for name in ("floor", "certificate", "packet"):
        f = r[name]
        print(
            f"{name:12} median {f['ms']['median']:7.1f} ms  p95 {f['ms']['p95']:7.1f} ms  "
            f"peak heap {f['peak_python_heap_mb']:5.2f} MB  {f['pdf_bytes'] / 1024:6.1f} KB"
        )
    print(f"certificate / floor: {r['ratio_ms_median']}x time, {r['ratio_peak_memory']}x memory")
    print(
        f"packet / floor: {r['packet_ratio_ms_median']}x time, "
        f"{r['packet_ratio_peak_memory']}x memory ({r['packet']['pages']} pages)"
    )
    first = results["first_render"]
    print(
        f"first render / warm: {first['warmed']['first_over_warm']}x with the worker warm-up, "
        f"{first['not_warmed']['first_over_warm']}x without"
    )
    cached = m["cached_per_process"]
    naive = m["new_font_configuration_each_render"]
    print(
        f"memory drift over renders 50..{cached['samples'][-1]['renders']}: "
        f"{cached['drift_after_50_mb']} MB ({cached['per_render_kb']} KB/render); "
        f"new FontConfiguration per render: {naive['per_render_kb']} KB/render"
    )
    if "batch" in results:
        for run in results["batch"]["runs"]:
            print(
                f"batch, {run['processes']} process(es): {run['issued_with_pdf']}/"
                f"{run['issuances']} in {run['seconds']} s = {run['per_second']} /s "
                f"({run['certificates']} certificates, {run['failed_attempts']} retried renders; "
                f"load average {run['load_average_at_end'][0]} on {run['cores']} cores)"
            )
        print(f"speed-up with 2 processes: {results['batch']['speed_up_2_vs_1']}x")
        for run in results["batch"]["runs"]:
            print(
                f"  {run['processes']} process(es): {run['overhead']}x the ideal "
                f"{run['ideal_seconds']} s; duplicates {run['duplicates']}, lost {run['lost']}"
            )
    for g in results["goals"]:
        state = {True: "met", False: "NOT met", None: "n/a"}[g["passed"]]
        print(f"goal {g['goal']} {g['op']} {g['limit']}{g['unit']}: {g['value']} ({state})")
    print(f"\nWrote {path}")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except runner.BenchError as error:
        print(f"bench.certificates: {error}", file=sys.stderr)
        sys.exit(2)
