"""Production: HTTPS only, no DEBUG, and no start without a real SECRET_KEY, without
PEERPATH_FIELD_KEYS, or without a shared cache (REDIS_URL).

`python manage.py check --deploy --settings=lms.settings.production` reports nothing.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment (at least 50 random characters) "
        "for lms.settings.production. Generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Static files: hashed names and gzip/Brotli copies made by collectstatic; WhiteNoise (right
# after SecurityMiddleware) serves hashed files with a ten-year "immutable" Cache-Control and
# the compressed copy when the browser accepts it.
# Files (default and public) stay as base.py made them: the filesystem or PEERPATH_S3_BUCKET.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = int(os.environ.get("WHITENOISE_MAX_AGE", "3600"))  # unhashed names only

# Sensitive free text is encrypted with PEERPATH_FIELD_KEYS (lms/crypto.py). Without them it
# would be encrypted with a key derived from SECRET_KEY, so rotating SECRET_KEY (the usual
# answer to a leak) would make every reflection and supervision note unreadable, and one
# leaked secret would open both. Refuse to start instead.
if not PEERPATH_FIELD_KEYS:  # noqa: F405
    raise ImproperlyConfigured(
        "PEERPATH_FIELD_KEYS must be set in the environment for lms.settings.production "
        "(one or more Fernet keys, comma-separated, kept apart from SECRET_KEY). Make one "
        "with: python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())'"
    )

# Sessions are cached_db (base.py): read from the cache, written through to the database, so
# a restart of Redis signs nobody out. The cache must be shared by every gunicorn worker:
# with one cache per process, a certificate its holder has just hidden stays public on the
# other workers until their cached copy expires, a change made through one worker cannot
# clear the pages cached by another, and every rate limit is multiplied by the number of
# workers. Refuse to start without REDIS_URL, unless PEERPATH_ALLOW_LOCAL_CACHE=1 accepts a
# cache per process (a benchmark, or a trial on one machine, where that does not matter); the
# whole-page cache is then off.
if not REDIS_URL:  # noqa: F405
    if not env_bool("PEERPATH_ALLOW_LOCAL_CACHE"):
        raise ImproperlyConfigured(
            "REDIS_URL must be set for lms.settings.production (for example "
            "redis://127.0.0.1:6379/0): the cache holds sessions, rate limits and the "
            "verification cache, and must be shared by every worker. To accept a cache per "
            "process (a benchmark or a one-machine trial), set PEERPATH_ALLOW_LOCAL_CACHE=1."
        )
    PEERPATH_ANONYMOUS_CACHE_SECONDS = 0

# Templates are read from disk once per process and kept compiled (Django's cached loader,
# named outright so that nobody turns it off by listing loaders of their own): a template
# changes only with a deploy, which restarts the processes.
TEMPLATES = [
    {
        **TEMPLATES[0],  # noqa: F405
        "APP_DIRS": False,
        "OPTIONS": {
            **TEMPLATES[0]["OPTIONS"],  # noqa: F405
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
        },
    }
]
