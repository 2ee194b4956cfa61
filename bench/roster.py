"""Benchmark: an organisation's roster check of 1,000 codes (the goal: under 2 seconds).

    .venv/bin/python -m bench.roster [--codes 1000] [--rounds 15] [--database-url URL]

1. The service alone (organisations.services.check_roster): parse the CSV, look every code
   up, build each row's public record; median, p95 and worst of --rounds, and the number
   of queries (one).
2. The whole request, in process (Django's test client, production settings): a verifier
   uploads the CSV and gets the results page, then downloads the results as CSV.

The roster has names and codes: 90% issued certificates (a tenth with a name that does not
match), 5% unknown codes, 5% bad rows. The database (SQLite under var/bench/ unless
--database-url or DATABASE_URL names PostgreSQL) is dropped and re-created. Prints a summary
and writes bench/results/<UTC time>-roster.json.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time

from . import runner


def parse_args(argv=None) -> argparse.Namespace:
    parser = runner.scenario_parser("roster", __doc__)
    parser.add_argument("--codes", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    # Tolerant: `make bench BENCH_ARGS=...` passes every benchmark the same options.
    args, _unknown = parser.parse_known_args(argv)
    return args


def setup_django(database_url: str) -> None:
    """Django in this process on a migrated database: a local cache (the roster check queues
    no task); static files collected, since production settings serve hashed names."""
    env = runner.site_environment(
        database_url,
        ALLOWED_HOSTS="testserver,127.0.0.1",
        REDIS_URL="",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
    )
    runner.setup_django_in_process(env, collectstatic=True)


def seed(count: int) -> tuple[object, object, str]:
    """`count` issued certificates (one holder each), an employer with a verifier, and the
    roster CSV. Rows are written in bulk: the benchmark is about reading them."""
    from datetime import date

    from certification.credentials.models import Certificate
    from certification.credentials.services.codes import generate_verification_code
    from certification.standards.models import Credential, CredentialVersion
    from lms.accounts.models import Membership, Organisation, User

    credential = Credential.objects.create(code="peer-bench", issued_by_product=True)
    version = CredentialVersion.objects.create(
        credential=credential, number=1, title="Peer Worker Foundations Certificate"
    )
    users = User.objects.bulk_create(
        User(email=f"holder{n}@bench.example", legal_name=f"Holder Number {n}")
        for n in range(count)
    )
    certificates = Certificate.objects.bulk_create(
        Certificate(
            verification_code=generate_verification_code(),
            trainee=user,
            credential_version=version,
            status=Certificate.Status.ISSUED,
            pdf_sha256="0" * 64,
            holder_name=user.legal_name,
            credential_code=credential.code,
            credential_title=version.title,
            credential_version_number=1,
            issuing_organisation="Peerpath",
            issued_on=date(2026, 1, 15),
            expires_on=date(2028, 1, 15) if n % 7 else date(2026, 6, 1),
        )
        for n, user in enumerate(users)
    )
    organisation = Organisation.objects.create(
        name="Bench Trust", slug="bench-trust", kind=Organisation.Kind.EMPLOYER
    )
    verifier = User.objects.create_user(email="verifier@bench.example", legal_name="Verifier")
    Membership.objects.create(
        user=verifier, organisation=organisation, role=Membership.Role.VERIFIER
    )
    lines = ["Name,Code"]
    for n, certificate in enumerate(certificates):
        if n % 20 == 0:
            lines.append(f"Unknown Person {n},{generate_verification_code()}")
        elif n % 20 == 1:
            lines.append(f"Bad Row {n},NOT-A-CODE")
        else:
            name = certificate.holder_name if n % 10 else f"Someone Else {n}"
            lines.append(f"{name},{certificate.grouped_code}")
    return organisation, verifier, "\n".join(lines) + "\n"


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "median_s": round(statistics.median(ordered), 4),
        "p95_s": round(runner.percentile(ordered, 95), 4),
        "max_s": round(ordered[-1], 4),
        "rounds": len(ordered),
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    started = runner.utc_now()
    database = runner.resolve_database(args.database_url, runner.WORK_DIR / "roster-bench.sqlite3")
    if database.note:
        print(f"note: {database.note}")
    database.reset()
    setup_django(database.url)

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from certification.organisations import services as organisation_services

    organisation, verifier, roster = seed(args.codes)
    data = roster.encode()

    service_times = []
    for _ in range(args.rounds):
        begin = time.perf_counter()
        result = organisation_services.check_roster(data=data)
        service_times.append(time.perf_counter() - begin)
    with CaptureQueriesContext(connection) as queries:
        result = organisation_services.check_roster(data=data)
    lookup_queries = len(queries)  # now: the test client's requests reset the query log
    counts = result.counts

    client = Client()
    client.force_login(verifier)
    url = reverse("organisations:roster", kwargs={"slug": organisation.slug})
    upload_times, download_times = [], []
    for _ in range(min(args.rounds, 10)):  # under the hourly limit of roster checks
        begin = time.perf_counter()
        response = client.post(url, {"roster": SimpleUploadedFile("staff.csv", data)})
        upload_times.append(time.perf_counter() - begin)
        if response.status_code != 200:
            print(f"upload failed: {response.status_code}", file=sys.stderr)
            return 1
        found = re.search(rb"/roster/([A-Za-z0-9_-]+)\.csv", response.content)
        token = found.group(1).decode()
        begin = time.perf_counter()
        download = client.get(
            reverse("organisations:roster_csv", kwargs={"slug": organisation.slug, "token": token})
        )
        download_times.append(time.perf_counter() - begin)
        assert download.status_code == 200

    results = {
        "benchmark": "roster",
        "started": started.isoformat(),
        "database": database.engine,
        "codes": args.codes,
        "rows": counts,
        "service": {**summary(service_times), "queries": lookup_queries},
        "upload_and_results_page": summary(upload_times),
        "csv_download": summary(download_times),
        "goal_s": 2.0,
        "machine": runner.machine(),
        "git": runner.git_revision(),
    }
    path = runner.write_results("roster", started, results)
    print(f"Roster of {args.codes:,} rows on {database.engine}: {counts}")
    print(
        f"  service (parse + one lookup + public records): median "
        f"{results['service']['median_s']:.3f} s, p95 {results['service']['p95_s']:.3f} s, "
        f"{results['service']['queries']} query"
    )
    print(
        f"  upload and results page: median {results['upload_and_results_page']['median_s']:.3f}"
        f" s, p95 {results['upload_and_results_page']['p95_s']:.3f} s"
    )
    print(
        f"  CSV download: median {results['csv_download']['median_s']:.3f} s, "
        f"p95 {results['csv_download']['p95_s']:.3f} s"
    )
    print(f"  goal: under 2 s. Results: {path.relative_to(runner.BASE_DIR)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
