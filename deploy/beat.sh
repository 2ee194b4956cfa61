#!/bin/sh
# celery beat: the schedule (digests, retention, the certificate and outbox sweepers,
# expiry notices). Exactly ONE per site, whatever the number of machines: two would queue
# every scheduled task twice. The environment: deploy/peerpath.env.example.
#
#   CELERY_BEAT_SCHEDULE_FILE  where beat remembers the last runs (default
#                              var/celerybeat-schedule; a local file of this machine)
#   PEERPATH_PYTHON            the Python of the installed virtualenv (default .venv/bin/python)
set -eu
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-lms.settings.production}"
exec "${PEERPATH_PYTHON:-.venv/bin/python}" -m celery -A lms beat \
    --loglevel=INFO \
    --schedule="${CELERY_BEAT_SCHEDULE_FILE:-var/celerybeat-schedule}" \
    "$@"
