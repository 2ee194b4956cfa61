"""Settings shared by every environment. Values come from the environment with safe defaults.

Every variable read here is listed in README.md ("Configuration").
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from lms.storage import storages

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# This node's name, sent in every response's X-Peerpath-Node header (empty: no header). Each
# web node of a site behind one proxy gets its own (deploy/README.md).
PEERPATH_NODE_NAME = os.environ.get("PEERPATH_NODE_NAME", "")

INSTALLED_APPS = [
    # Project apps first so their templates override Wagtail's and Django's.
    "lms.accounts",
    "lms.audit",
    "lms.privacy",
    "cms",
    "courses",
    "certification.standards",
    "certification.live",
    "certification.practicum",
    "certification.recognition",
    "certification",
    "certification.exams",
    "certification.credentials",
    "certification.hours",
    "certification.verification",
    "certification.organisations",
    "certification.desk",
    "certification.boards",
    "certification.packets",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "lms.accounts.apps.PeerpathUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "polymorphic",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "lms.request_id.RequestIdMiddleware",
    # A view that loses the database answers 503 "try again", not 500 (lms/database_errors.py).
    "lms.database_errors.DatabaseUnavailableMiddleware",
    "lms.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After CSP (it needs the nonce), before sessions: a cached anonymous page skips the rest.
    "cms.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The first version a request reads brings the person's own with it (lms/cache.py).
    "lms.cache.RequestVersionsMiddleware",
    "lms.accounts.middleware.TwoFactorRequiredMiddleware",
    # The Wagtail site of the request from the process's memory (cms/routing.py).
    "cms.routing.SiteMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Axes must come last: it turns a lockout raised during authentication into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "courses.context_processors.navigation",
                "lms.accounts.context_processors.role_tools",
            ],
        },
    },
]

# Database: SQLite file in the project unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite takes one writer at a time. Start write transactions immediately and wait for
    # the lock (instead of failing with "database is locked"), and let readers work beside
    # the writer (WAL), so a learner's autosaves and page loads can overlap.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# People.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Permissions that come with an organisation role (roles.MEMBERSHIP_PERMISSIONS).
    "lms.accounts.backends.MembershipRoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "legal_name", "preferred_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# Only a fallback: the sign-in sends each person where their work is (lms/accounts/landing.py).
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "/"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3  # three hours

# Anyone may register as a trainee unless this is off; invitations always work.
PEERPATH_OPEN_REGISTRATION = env_bool("PEERPATH_OPEN_REGISTRATION", True)
PEERPATH_INVITATION_DAYS = int(os.environ.get("PEERPATH_INVITATION_DAYS", "14"))
# Passkeys (WebAuthn): the relying party is the site. Its ID is the host name of SITE_URL
# and the origin SITE_URL itself unless set here (browsers allow WebAuthn on https, and on
# http://localhost, which tests use).
PEERPATH_WEBAUTHN_RP_ID = os.environ.get("PEERPATH_WEBAUTHN_RP_ID", "")
PEERPATH_WEBAUTHN_ORIGIN = os.environ.get("PEERPATH_WEBAUTHN_ORIGIN", "")
# How long the link that confirms a new account's email address works (registering again
# sends a new one).
PEERPATH_REGISTRATION_CONFIRM_SECONDS = int(
    os.environ.get("PEERPATH_REGISTRATION_CONFIRM_SECONDS", 3 * 24 * 60 * 60)
)

# Open Badges 3.0 signing (certification/credentials/openbadges). The Ed25519 private key is
# read from the environment or a file, never the database: PEERPATH_SIGNING_KEY (the key
# itself, a Multikey secret "z3u2..."), else PEERPATH_SIGNING_KEY_FILE (a file holding it, or
# a PKCS#8 PEM), else the current key in PEERPATH_SIGNING_KEYS_DIR, which
# `manage.py rotate_signing_key` keeps (keys.json lists every public key ever used, so old
# credentials keep verifying).
PEERPATH_SIGNING_KEY = os.environ.get("PEERPATH_SIGNING_KEY", "")
PEERPATH_SIGNING_KEY_FILE = os.environ.get("PEERPATH_SIGNING_KEY_FILE", "")
PEERPATH_SIGNING_KEYS_DIR = Path(
    os.environ.get("PEERPATH_SIGNING_KEYS_DIR", BASE_DIR / "var" / "signing-keys")
)
# The issuer profile: its URL (default SITE_URL + "/issuer/"), name and home page (SITE_URL).
PEERPATH_ISSUER_ID = os.environ.get("PEERPATH_ISSUER_ID", "")
PEERPATH_ISSUER_NAME = os.environ.get("PEERPATH_ISSUER_NAME", "Peerpath")
PEERPATH_ISSUER_URL = os.environ.get("PEERPATH_ISSUER_URL", "")
# Where holders write about a revoked or suspended certificate (shown to them and emailed).
PEERPATH_REGISTRAR_EMAIL = os.environ.get("PEERPATH_REGISTRAR_EMAIL", "registrar@peerpath.example")
# The key of the audit chain's checkpoint (an HMAC of its head, kept outside the events
# table, so removing the newest events is caught). Empty: derived from SECRET_KEY.
PEERPATH_AUDIT_CHECKPOINT_KEY = os.environ.get("PEERPATH_AUDIT_CHECKPOINT_KEY", "")

# Login throttling (django-axes): five failures for one account from one address lock that
# pair for fifteen minutes. Locking by the pair, not the address alone, keeps one noisy
# shared network (a hospital, a college) from locking out everyone behind it.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Our login form keeps Django's field name, "username", though it holds an email address.
AXES_USERNAME_FORM_FIELD = "username"
# Counted per address as stored (trimmed, lower case): case or spacing makes no new count.
AXES_USERNAME_CALLABLE = "lms.accounts.services.lockout_username"
AXES_LOCKOUT_CALLABLE = "lms.accounts.views.lockout"
# Client address: the same rule as the rate limits (lms/ratelimit.py): with
# TRUSTED_PROXY_COUNT proxies in front, the N-th X-Forwarded-For entry from the right, never
# an entry a client wrote. (The AXES_IPWARE_* settings did nothing: django-ipware is not
# installed, so axes counted every client behind the proxy as the proxy's address.)
AXES_CLIENT_IP_CALLABLE = "lms.ratelimit.client_address"

# Public verification (/verify/, certification/verification/views.py). Lookups (pages, JSON, PDF
# checks) allowed per client address per window; the address follows TRUSTED_PROXY_COUNT
# (lms/ratelimit.py), never a header a client could forge. 0 switches the limit off.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
PEERPATH_VERIFY_RATE_LIMIT = int(os.environ.get("PEERPATH_VERIFY_RATE_LIMIT", "30"))
PEERPATH_VERIFY_RATE_WINDOW = int(os.environ.get("PEERPATH_VERIFY_RATE_WINDOW", "60"))
# Registration and password-reset requests (each counted on its own) allowed per client
# address and per email address in a window: each sends an email, and without a limit
# they could flood someone's inbox. 0 switches a limit off.
PEERPATH_ACCOUNT_EMAIL_RATE_WINDOW = int(
    os.environ.get("PEERPATH_ACCOUNT_EMAIL_RATE_WINDOW", "3600")
)
PEERPATH_ACCOUNT_EMAIL_LIMIT_PER_CLIENT = int(
    os.environ.get("PEERPATH_ACCOUNT_EMAIL_LIMIT_PER_CLIENT", "60")
)
PEERPATH_ACCOUNT_EMAIL_LIMIT_PER_ADDRESS = int(
    os.environ.get("PEERPATH_ACCOUNT_EMAIL_LIMIT_PER_ADDRESS", "5")
)
# A certificate's public record is cached this long (0: not cached). Any change to the
# certificate clears it at once; this bounds how stale a record could be after a change made
# outside Django (a database console).
PEERPATH_VERIFY_CACHE_SECONDS = int(os.environ.get("PEERPATH_VERIFY_CACHE_SECONDS", "60"))
PEERPATH_VERIFY_PDF_MAX_BYTES = int(os.environ.get("PEERPATH_VERIFY_PDF_MAX_BYTES", 5 * 2**20))
# Continuing education: the share of self-reported records picked for audit (a picked record
# needs an evidence document before a registrar approves it), as boards audit CE.
CE_AUDIT_RATE = float(os.environ.get("CE_AUDIT_RATE", "0.10"))

# Pages anonymous visitors read are cached whole (cms/page_cache.py) this long (0: not
# cached); any change to a page, a framework or a site setting clears them at once.
PEERPATH_ANONYMOUS_CACHE_SECONDS = int(os.environ.get("PEERPATH_ANONYMOUS_CACHE_SECONDS", "300"))
PEERPATH_ANONYMOUS_CACHE_PAGE_TYPES = [
    "cms.homepage",
    "cms.standardpage",
    "courses.courseindexpage",
    "courses.coursepage",
]
# Besides pages (all watched), what the cached pages show: a save or delete clears them.
PEERPATH_ANONYMOUS_CACHE_MODELS = [
    "cms.brandingsettings",
    "cms.supportsettings",
    "cms.supportcontact",
    "wagtailcore.site",
    "wagtailcore.pageviewrestriction",
    "wagtailimages.image",
    "standards.framework",
    "standards.domain",
    "standards.competency",
    "standards.coursealignment",
]

# Internationalisation.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English"))]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static and media files. WhiteNoise serves static files compressed with far-future headers.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))

# Files (certificate PDFs, renewal evidence, Wagtail documents and images) go through Django's
# storage API only, never a path on disk, so every node of a site can share them. Two
# storages: "default" holds private files (served by the app's permission-checked views, or
# by short-lived signed URLs), "public" holds what anyone may fetch (image renditions). On
# one machine both are the local filesystem under MEDIA_ROOT. With PEERPATH_S3_BUCKET set,
# both live in that S3-compatible bucket (django-storages): private files under "private/",
# never readable without a signature; renditions under "public/", publicly readable (by the
# ACL below, or by a bucket policy on that prefix when the provider refuses ACLs).
PEERPATH_S3_BUCKET = os.environ.get("PEERPATH_S3_BUCKET", "")
PEERPATH_S3_URL_SECONDS = int(os.environ.get("PEERPATH_S3_URL_SECONDS", "300"))
PEERPATH_S3_PUBLIC_ACL = os.environ.get("PEERPATH_S3_PUBLIC_ACL", "public-read")
STORAGES = storages(
    bucket=PEERPATH_S3_BUCKET,
    endpoint_url=os.environ.get("AWS_S3_ENDPOINT_URL", ""),
    region=os.environ.get("AWS_S3_REGION_NAME", ""),
    signed_url_seconds=PEERPATH_S3_URL_SECONDS,
    public_acl=PEERPATH_S3_PUBLIC_ACL,
    public_domain=os.environ.get("PEERPATH_S3_PUBLIC_DOMAIN", ""),
)
# Image renditions are public; original uploads stay private.
WAGTAILIMAGES_RENDITION_STORAGE = "public"
# Documents are always streamed by Wagtail's serve view, which checks the collection's
# privacy first; never a redirect to the file's own (storage) address.
WAGTAILDOCS_SERVE_METHOD = "serve_view"

# Email: printed to the console unless configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# The file backend (tests/security/probe.py reads its mailbox) writes here.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Peerpath <no-reply@peerpath.example>")

# Cache: Redis when configured, else local memory (one process).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "lms.cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work. Two task systems, each with its own job:
# - Celery (lms/celery.py) runs Peerpath's own tasks: email, PDF rendering, reminders, sweepers.
#   With REDIS_URL (or CELERY_BROKER_URL) set, tasks go to the broker and a worker runs them;
#   without, they run in-process ("eager") right after the transaction commits.
# - Wagtail's own background tasks (reference index updates, image renditions, file deletion)
#   use django-tasks. They are short and local, so they run in-process, on commit.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# Long, idempotent tasks: acknowledge after the work is done, so a killed worker's task is
# redelivered rather than lost; take one task at a time so a slow render does not hold others.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis redelivers an unacknowledged task after this long; it must exceed the longest task
# (a render is killed at 150 s). It is how a task held by a worker whose main process died
# (SIGKILL, the machine lost) runs again: a new worker restores it once it is this old.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", 60 * 60)),
    # kombu looks for such tasks every interval x 10 seconds (100 s by default).
    "unacked_restore_interval": int(os.environ.get("CELERY_UNACKED_RESTORE_INTERVAL", 10)),
}
# Certificate tasks go through an outbox (lms/audit/services/outbox.py): the sweeper sends
# again every message still unsent this many seconds after it was written.
PEERPATH_OUTBOX_RESEND_SECONDS = int(os.environ.get("PEERPATH_OUTBOX_RESEND_SECONDS", 30))
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    "practicum-digest": {
        "task": "certification.tasks.send_notification_digests_task",
        # Monday 07:00: one email a week with whatever practicum news is still unsent.
        "schedule": crontab(minute=0, hour=7, day_of_week=1),
    },
    "retention": {
        "task": "certification.tasks.purge_stale_data_task",
        "schedule": crontab(minute=30, hour=3, day_of_week=0),
    },
    "certificate-sweeper": {
        "task": "certification.tasks.requeue_stale_certificates_task",
        # Every 10 minutes: render again any certificate left pending (a worker died, a
        # message was lost, retries ran out).
        "schedule": crontab(minute="*/10"),
    },
    "outbox-sweeper": {
        "task": "certification.tasks.relay_outbox_task",
        # Every minute: send the task messages the broker was away for when they were written.
        "schedule": 60.0,
    },
    "certificate-notices": {
        "task": "certification.tasks.send_certificate_notices_task",
        # 06:15 daily: expiry reminders (60 and 14 days) and watch-list expiry notices.
        "schedule": crontab(minute=15, hour=6),
    },
    "live-session-reminders": {
        "task": "certification.live.tasks.queue_session_reminders_task",
        # 08:00 daily: a reminder (through the outbox) for each learner of tomorrow's sessions.
        "schedule": crontab(minute=0, hour=8),
    },
}
# Live sessions: partial attendance credits the minutes present, rounded down to this many
# minutes, and nothing for less than this share of the session (shown on every register
# and session page). The check-in code rotates every LIVE_CHECK_IN_ROTATION_MINUTES and
# check-in opens LIVE_CHECK_IN_OPENS_MINUTES before the start, closing at the end.
LIVE_CREDIT_RULE = {"round_down_to_minutes": 15, "minimum_share": "0.5"}
LIVE_CHECK_IN_ROTATION_MINUTES = 2
LIVE_CHECK_IN_OPENS_MINUTES = 15
# Retention: drafts, expired invitations and never-used accounts older than this are purged.
PEERPATH_RETENTION_DAYS = int(os.environ.get("PEERPATH_RETENTION_DAYS", 365))
# Encryption at rest of sensitive text (lms/crypto.py): comma-separated Fernet keys, the
# first one current. Unset only in development and tests (a key is derived from SECRET_KEY).
PEERPATH_FIELD_KEYS = [k for k in os.environ.get("PEERPATH_FIELD_KEYS", "").split(",") if k]
# Registrars, administrators, trainers, supervisors and organisation admins must set up
# two-factor authentication. (Whoever has an authenticator gives a code at every sign-in.)
PEERPATH_REQUIRE_TWO_FACTOR = env_bool("PEERPATH_REQUIRE_TWO_FACTOR", True)
# Signing (approving, returning, rating) asks for the password again after this long.
PEERPATH_REAUTH_SECONDS = int(os.environ.get("PEERPATH_REAUTH_SECONDS", 10 * 60))

TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "ENQUEUE_ON_COMMIT": True,
    }
}

# Wagtail.
WAGTAIL_SITE_NAME = "Peerpath"
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
SITE_URL = WAGTAILADMIN_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Uploads are checked by content, not only by name (lms/uploads.py). No SVG: it can carry
# scripts. The pixel cap refuses decompression bombs that are small on disk.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILDOCS_DOCUMENT_FORM_BASE = "lms.uploads.PeerpathDocumentForm"
WAGTAILIMAGES_IMAGE_FORM_BASE = "lms.uploads.PeerpathImageForm"
# A form without files may be 3 MB (a pasted roster is up to 2 MB); files above 2.5 MB go to
# a temporary file instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No Gravatar: the admin would send a hash of each staff email to a third party (and the
# admin's policy refuses the image anyway).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_LOGIN_URL = "accounts:login"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"  # private pages: the site's sign-in too
WAGTAIL_PASSWORD_RESET_ENABLED = False  # one password-reset flow, the site's own
WAGTAILUSERS_PASSWORD_REQUIRED = True
WAGTAIL_USER_CUSTOM_FIELDS = ["legal_name", "preferred_name", "pronouns"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Security that holds everywhere; production.py adds HTTPS-only settings.
# Sessions are read from the cache (Redis in production) and written through to the database,
# so a signed-in request costs one query (the user) before the view's own work.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Its DEBUG records (a variable missing in a template) carry the whole template
        # context, which holds reflections, notes and statements: never below INFO.
        "django.template": {"level": "INFO"},
        # The audit chain's keyed checkpoint at every append (ids and hashes only). Quiet by
        # default; set PEERPATH_AUDIT_CHECKPOINT_LOG=INFO to ship a copy to your log store,
        # outside the database, where an old checkpoint put back in the table shows.
        "lms.audit.checkpoint": {
            "level": os.environ.get("PEERPATH_AUDIT_CHECKPOINT_LOG", "WARNING")
        },
    },
}
AXES_VERBOSE = False
