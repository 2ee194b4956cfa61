"""The black-box probe (`make probe`) as part of the suite: production settings under
gunicorn, a real Celery worker and Redis, two providers, hosts and employers, every way in.
Every check it makes must hold, so a hole of issue 14's kind cannot come back unseen."""

import json
import os

import pytest

from tests.conftest import port_open, skip_or_fail
from tests.security import probe

pytestmark = [pytest.mark.services, pytest.mark.slow]


def test_every_probe_check_holds(tmp_path, monkeypatch):
    """The probe builds its own database and server; it exits 0 only when every check held,
    and its report names each check with what the site did."""
    # A database of its own per test process, since the probe empties it.
    redis_url = f"redis://127.0.0.1:6379/{11 + os.getpid() % 4}"
    if not port_open(redis_url, 6379):
        skip_or_fail("The probe needs Redis at 127.0.0.1:6379 (apt-get install redis-server).")
    monkeypatch.setattr(probe, "WORK", tmp_path)
    code = probe.main(["--redis-url", redis_url])
    reports = list(tmp_path.glob("*.json"))
    assert len(reports) == 1
    checks = json.loads(reports[0].read_text())["checks"]
    failed = [f"{c['area']}: {c['check']} ({c['observed']})" for c in checks if not c["ok"]]
    assert failed == []
    assert code == 0
    # Each area of the issue was actually probed (a probe that checked nothing would pass).
    areas = {c["area"] for c in checks}
    assert {
        "production start",
        "two-factor: every way in",
        "organisation scoping",
        "lock-outs",
        "no account enumeration",
        "bad input and headers",
    } <= areas
    assert len(checks) >= 35
