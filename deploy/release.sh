#!/bin/sh
# Once per release, from any one machine, before the nodes run the new code: apply the
# migrations and bring the role groups up to date. (Each machine also runs
# `manage.py collectstatic --no-input` when its copy of the code is installed: WhiteNoise on
# every node serves the same hashed names.) The environment: deploy/peerpath.env.example.
set -eu
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-lms.settings.production}"
PY="${PEERPATH_PYTHON:-.venv/bin/python}"
"$PY" manage.py migrate --no-input
"$PY" manage.py sync_roles
"$PY" manage.py check --deploy
