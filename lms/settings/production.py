"""Production: HTTPS only, no DEBUG, and no start without a real SECRET_KEY.

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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = int(os.environ.get("WHITENOISE_MAX_AGE", "3600"))  # unhashed names only

# Sessions are cached_db (base.py): read from the cache, written through to the database, so
# a restart of Redis signs nobody out. The cache must be shared by every gunicorn worker:
# without REDIS_URL each worker has its own memory, so a change made through one worker could
# not clear the pages cached by another; the whole-page cache is then off (`check --deploy`
# says so, peerpath.W002).
if not REDIS_URL:  # noqa: F405
    PEERPATH_ANONYMOUS_CACHE_SECONDS = 0
