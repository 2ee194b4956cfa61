"""Test settings: fast hashing, in-memory email, deterministic behaviour."""

import os

from lms.crypto import derived_key
from lms.storage import storages

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES

SECRET_KEY = "test-only-key-not-secret"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The development key for encrypted fields (lms/crypto.py), derived from SECRET_KEY once here:
# without PEERPATH_FIELD_KEYS it is derived again (100,000 PBKDF2 rounds, about 0.1 s) for
# every encrypted value read or written, which was 40% of a signing form's fuzz examples.
# The same key, so the fields are still encrypted with it and rotation tests still leave it.
PEERPATH_FIELD_KEYS = [derived_key(SECRET_KEY).decode()]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The local filesystem, whatever the environment says; the S3 tests switch to a bucket on a
# local S3 server (tests/s3.py), and so do the nodes of the scale-out test (from their env).
STORAGES = storages(
    bucket=os.environ.get("PEERPATH_TEST_S3_BUCKET", ""),
    endpoint_url=os.environ.get("AWS_S3_ENDPOINT_URL", ""),
    region=os.environ.get("AWS_S3_REGION_NAME", ""),
)
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
WAGTAILADMIN_BASE_URL = "http://testserver"
SITE_URL = WAGTAILADMIN_BASE_URL

# A file, not memory, for SQLite: a real Celery worker started by a test must see the same
# database as the test that enqueued the task.
(BASE_DIR / "var").mkdir(exist_ok=True)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # One file per test process, so two test runs on one machine never share it; except
    # in the edit-run loop (`make test-fast`, PEERPATH_TEST_KEEP_DB=1 with --reuse-db),
    # which keeps one file per xdist worker between runs so that only new migrations are
    # applied (building the schema from the migrations is about 35 s of CPU per worker).
    keep = os.environ.get("PEERPATH_TEST_KEEP_DB") == "1"
    DATABASES["default"]["TEST"] = {
        "NAME": str(
            BASE_DIR
            / "var"
            / ("test-db-kept.sqlite3" if keep else f"test-db-{os.getpid()}.sqlite3")
        )
    }
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
LOGGING["loggers"]["axes"] = {"level": "WARNING"}  # noqa: F405

# Tests run tasks in-process unless they start a real worker (tests marked `services` do,
# and set PEERPATH_TEST_EAGER=0 for it), so a broker in the environment changes nothing else.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("PEERPATH_TEST_EAGER", "1") == "1"

# Each test process keeps its own cache: parallel test workers sharing Redis would clear each
# other's cached entries mid-test (and query counts would depend on timing).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tests sign staff and supervisors in directly; the two-factor tests switch this on.
PEERPATH_REQUIRE_TWO_FACTOR = False
# A worker started by a test may route the tasks it queues itself (a PDF after issuing) to the
# test's private queue. (Holding a render open is a hook of tests/celery_test_app.py.)
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("PEERPATH_TEST_QUEUE", "celery")
# A fixed Open Badges signing key for tests only (a known seed; never used anywhere else).
PEERPATH_SIGNING_KEY = os.environ.get(
    "PEERPATH_SIGNING_KEY", "z3u2RDpgFe6Voz19gxWsBkueKj6XiuC9w1bSBT4FTowsWk6A"
)
# Whole anonymous pages are not cached in tests (a test that changes rows without signals
# would see its old page); tests/cms/test_page_cache.py switches the cache on.
PEERPATH_ANONYMOUS_CACHE_SECONDS = 0
