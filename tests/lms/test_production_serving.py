"""Production serving: static files with hashed names, compressed copies and far-future
cache headers from WhiteNoise; the cache and sessions shared through Redis; and a deploy
check that says when they are not."""

import json
import os
import secrets
import subprocess
import sys

import pytest

from tests.conftest import ROOT

PROBE = r"""
import json, re, sys
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client

call_command("collectstatic", interactive=False, verbosity=0)
from django.templatetags.static import static

client = Client(HTTP_HOST="peerpath.example.org")
# What {% static %} writes into every page.
css = re.fullmatch(r"(/static/css/site\.[0-9a-f]{12}\.css)", static("css/site.css"))
result = {"hashed_link": css.group(1) if css else None}
if css:
    plain = client.get(css.group(1))
    gzipped = client.get(css.group(1), HTTP_ACCEPT_ENCODING="gzip")
    result.update(
        status=plain.status_code,
        cache_control=plain.get("Cache-Control", ""),
        encoding=gzipped.get("Content-Encoding", ""),
    )
unhashed = client.get("/static/css/site.css")
result["unhashed_cache_control"] = unhashed.get("Cache-Control", "")
result["session_engine"] = settings.SESSION_ENGINE
result["cache_backend"] = settings.CACHES["default"]["BACKEND"]
result["middleware"] = settings.MIDDLEWARE
print("RESULT " + json.dumps(result))
"""


def run_production(code, tmp_path, **overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="peerpath.example.org",
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:6379/0",  # named, never contacted by this probe
        PEERPATH_FIELD_KEYS="fDkxp1Ls4yVb1wFQ5pX2VvS0T2CqQ1qkqg3m2mE4xUo=",
        PEERPATH_ALLOW_LOCAL_CACHE="",
        CELERY_BROKER_URL="",
        SECURE_SSL_REDIRECT="0",  # the probe speaks plain HTTP
    )
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow  # collectstatic compresses every file of Wagtail's admin too
def test_static_files_are_hashed_compressed_and_cached_for_ever(tmp_path):
    result = run_production(PROBE, tmp_path)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, result.stdout + result.stderr
    found = json.loads(lines[-1].removeprefix("RESULT "))
    assert found["hashed_link"], "pages must link to the hashed file name"
    assert found["status"] == 200
    assert "immutable" in found["cache_control"]
    assert "max-age=315360000" in found["cache_control"]
    assert found["encoding"] == "gzip"
    # A name without a hash may change under the same address: an hour, not for ever.
    assert "immutable" not in found["unhashed_cache_control"]
    assert found["session_engine"] == "django.contrib.sessions.backends.cached_db"
    assert found["cache_backend"].endswith("RedisCache")
    middleware = found["middleware"]
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") == (
        middleware.index("django.middleware.security.SecurityMiddleware") + 1
    )


def test_deploy_check_warns_without_a_shared_cache(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.core.management import call_command; "
        "print('SECONDS', settings.PEERPATH_ANONYMOUS_CACHE_SECONDS); "
        "call_command('check', deploy=True)"
    )
    # Production itself refuses to start without REDIS_URL (tests/lms/test_settings.py);
    # told to accept a cache per process, it starts with the page cache off, and warns.
    result = run_production(code, tmp_path, REDIS_URL="", PEERPATH_ALLOW_LOCAL_CACHE="1")
    assert "peerpath.W002" in result.stdout + result.stderr
    assert "SECONDS 0" in result.stdout
