"""Settings: production passes Django's deployment checks and refuses to start without a key."""

import os
import secrets
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def run_manage(*args, env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    """`check --deploy` on the production module reports no issue at all."""
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "lms.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "peerpath.example.org",
            "SITE_URL": "https://peerpath.example.org",
            "PEERPATH_FIELD_KEYS": "fDkxp1Ls4yVb1wFQ5pX2VvS0T2CqQ1qkqg3m2mE4xUo=",
            "REDIS_URL": "redis://127.0.0.1:6379/0",  # not contacted by the checks
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


FIELD_KEY = "fDkxp1Ls4yVb1wFQ5pX2VvS0T2CqQ1qkqg3m2mE4xUo="
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "lms.settings.production",
    "ALLOWED_HOSTS": "peerpath.example.org",
    "SITE_URL": "https://peerpath.example.org",
    "PEERPATH_FIELD_KEYS": FIELD_KEY,
    "REDIS_URL": "redis://127.0.0.1:6379/0",  # not contacted
    "PEERPATH_ALLOW_LOCAL_CACHE": "",
}
SETUP = "import django; django.setup(); print('STARTED')"


def run_python(code, env_overrides):
    """`python -c code` in the project, as gunicorn's workers import it (wsgi calls setup)."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "missing, message",
    [
        ("PEERPATH_FIELD_KEYS", "PEERPATH_FIELD_KEYS must be set"),
        ("REDIS_URL", "REDIS_URL must be set"),
    ],
)
def test_production_refuses_to_start_without_field_keys_or_a_shared_cache(missing, message):
    """Without PEERPATH_FIELD_KEYS (it would encrypt with a key derived from SECRET_KEY) or
    without REDIS_URL (a cache per worker), production settings stop the process, as Django
    starts (what gunicorn's workers and runserver do) and under `check --deploy`, with a
    message saying what to set; with both, it starts."""
    env = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(64)}
    started = run_python(SETUP, env)
    assert started.returncode == 0 and "STARTED" in started.stdout, started.stderr
    env[missing] = ""
    refused = run_python(SETUP, env)
    assert refused.returncode != 0
    assert "STARTED" not in refused.stdout
    assert "ImproperlyConfigured" in refused.stderr and message in refused.stderr
    check = run_manage("check", "--deploy", env_overrides=env)
    assert check.returncode != 0
    assert message in check.stderr


def test_production_refuses_to_start_without_secret_key():
    """A missing SECRET_KEY stops production settings with a message saying what to do."""
    result = run_manage(
        "check",
        env_overrides={"DJANGO_SETTINGS_MODULE": "lms.settings.production"},
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_tasks_run_in_process_without_a_broker():
    """With no REDIS_URL or CELERY_BROKER_URL, Celery runs tasks eagerly and says so."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_URL"}}
    env["DJANGO_SETTINGS_MODULE"] = "lms.settings.dev"
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print('EAGER' if settings.CELERY_TASK_ALWAYS_EAGER else 'BROKER')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip().endswith("EAGER"), result.stderr
    assert "background tasks run in-process" in result.stderr
    env["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip().endswith("BROKER"), result.stderr
