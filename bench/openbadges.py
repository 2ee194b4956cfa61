"""Benchmark: signing and verifying one Open Badges 3.0 credential (eddsa-rdfc-2022).

    .venv/bin/python -m bench.openbadges [--rounds 50]

Builds a realistic OpenBadgeCredential (alignments, status entry, evidence), then times
``sign_credential`` and ``verify_credential`` separately, each ``--rounds`` times after a
warm-up (the first call reads and resolves the shipped JSON-LD contexts). Each operation
canonicalises two documents (proof options and credential) with RDFC-1.0 and does one Ed25519
operation. Uses a throw-away key in a temporary folder; no database, no network.

Prints the median, p95 and mean in milliseconds and writes bench/results/<UTC time>-openbadges.json.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from . import runner


def main(argv=None):
    parser = runner.scenario_parser("openbadges", __doc__)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    sys.path.insert(0, str(runner.BASE_DIR))
    import django

    django.setup()
    from django.test import override_settings

    from certification.credentials import openbadges as ob

    with (
        tempfile.TemporaryDirectory() as folder,
        override_settings(
            PEERPATH_SIGNING_KEYS_DIR=Path(folder),
            PEERPATH_SIGNING_KEY="",
            PEERPATH_SIGNING_KEY_FILE="",
            PEERPATH_ISSUER_ID="https://peerpath.example/issuer/",
        ),
    ):
        ob.rotate_signing_key()
        credential = ob.build_credential(
            data=ob.CredentialInput(
                credential_id="https://peerpath.example/verify/ABCD-EFGH.json",
                holder_name="Jordan Rivers",
                achievement_id="https://peerpath.example/credentials/certified-peer-worker/",
                achievement_name="Certified Peer Support Worker",
                achievement_description="Holds the Peerpath peer support certification.",
                criteria_narrative="Completed the training and a supervised practicum.",
                achievement_type="Certification",
                valid_from=datetime(2026, 1, 15, tzinfo=UTC),
                valid_until=datetime(2028, 1, 15, tzinfo=UTC),
                alignments=tuple(
                    ob.Alignment(
                        target_name=f"Competency {number}",
                        target_url=f"https://peerpath.example/frameworks/f/{number}/",
                        target_code=str(number),
                        target_framework="Framework",
                    )
                    for number in range(1, 6)
                ),
                credential_status=ob.status_entry(
                    list_url="https://peerpath.example/status/1", index=94567
                ),
                evidence=(ob.Evidence(name="Supervised practicum", narrative="500 hours."),),
            )
        )
        now = datetime(2026, 6, 1, tzinfo=UTC)
        signed = ob.sign_credential(credential=credential)  # warm-up
        assert ob.verify_credential(credential=signed, now=now).verified
        sign_ms, verify_ms = [], []
        for _ in range(args.rounds):
            start = time.perf_counter()
            signed = ob.sign_credential(credential=credential)
            sign_ms.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            result = ob.verify_credential(credential=signed, now=now)
            verify_ms.append((time.perf_counter() - start) * 1000)
            assert result.verified, result.reasons

    def summary(samples):
        ordered = sorted(samples)
        return {
            "median_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 2),
            "mean_ms": round(statistics.fmean(ordered), 2),
            "min_ms": round(ordered[0], 2),
        }

    report = {
        "benchmark": "openbadges",
        "rounds": args.rounds,
        "sign": summary(sign_ms),
        "verify": summary(verify_ms),
        "credential_bytes": len(json.dumps(signed)),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    print(
        f"sign:   median {report['sign']['median_ms']} ms, p95 {report['sign']['p95_ms']} ms\n"
        f"verify: median {report['verify']['median_ms']} ms, p95 {report['verify']['p95_ms']} ms"
        f"\n({args.rounds} rounds each)"
    )
    path = runner.write_results("openbadges", runner.utc_now(), report)
    print(f"Wrote {path}")


if __name__ == "__main__":
    main()
