"""Benchmark settings: exactly lms.settings.production, except that static files are collected
under var/bench/ so a benchmark never rewrites var/static. Everything else comes from the
environment, which the runner sets (SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS, and
SECURE_SSL_REDIRECT=0 because the benchmark speaks plain HTTP on the loopback)."""

from lms.settings.production import *  # noqa: F403
from lms.settings.production import BASE_DIR

STATIC_ROOT = BASE_DIR / "var" / "bench" / "static"
