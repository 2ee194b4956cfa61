#!/bin/sh
# One web node: gunicorn serving lms.wsgi with the production settings and gunicorn.conf.py
# (workers and threads chosen by measurement). Run it on every web machine, behind the nginx
# site (render-nginx-site). The environment: deploy/peerpath.env.example.
#
#   PEERPATH_BIND     address:port this node listens on (default 127.0.0.1:8000; the
#                     address nginx's PEERPATH_NODES names)
#   PEERPATH_PYTHON   the Python of the installed virtualenv (default .venv/bin/python)
set -eu
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-lms.settings.production}"
exec "${PEERPATH_PYTHON:-.venv/bin/python}" -m gunicorn lms.wsgi \
    --config gunicorn.conf.py \
    --bind "${PEERPATH_BIND:-127.0.0.1:8000}" \
    "$@"
