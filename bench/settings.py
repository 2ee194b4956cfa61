"""Benchmark settings: exactly lms.settings.production, except that static files are collected
under var/bench/ so a benchmark never rewrites var/static. Everything else comes from the
environment, which the runner sets (SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS, and
SECURE_SSL_REDIRECT=0 because the benchmark speaks plain HTTP on the loopback)."""

import os

# A benchmark's database is thrown away: a fixed key of its own (never used anywhere else)
# lets the seeding process and the servers read each other's encrypted text. Scenarios
# without Redis run one process per server on purpose (the single-machine shape).
os.environ.setdefault("PEERPATH_FIELD_KEYS", "YmVuY2gtb25seS1maWVsZC1rZXktbm90LXNlY3JldCE=")
os.environ.setdefault("PEERPATH_ALLOW_LOCAL_CACHE", "1")

from lms.settings.production import *  # noqa: E402, F403
from lms.settings.production import BASE_DIR  # noqa: E402

STATIC_ROOT = BASE_DIR / "var" / "bench" / "static"
