#!/bin/sh
# A Celery worker: emails, certificate PDFs, reminders, sweepers. Run as many as the work
# needs, on any machines; they share the broker (REDIS_URL or CELERY_BROKER_URL), the
# database and the object store. The environment: deploy/peerpath.env.example.
#
#   CELERY_CONCURRENCY   worker processes (default 2)
#   PEERPATH_PYTHON      the Python of the installed virtualenv (default .venv/bin/python)
set -eu
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-lms.settings.production}"
exec "${PEERPATH_PYTHON:-.venv/bin/python}" -m celery -A lms worker \
    --loglevel=INFO \
    --concurrency="${CELERY_CONCURRENCY:-2}" \
    "$@"
