"""Deployment checks of Peerpath's own settings (run by `manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from .crypto import _fernet


@register(Tags.security, deploy=True)
def field_keys_configured(app_configs, **kwargs):
    keys = [k for k in settings.PEERPATH_FIELD_KEYS if k.strip()]
    if not keys:
        return [
            Warning(
                "PEERPATH_FIELD_KEYS is not set: reflections and supervision notes are encrypted "
                "with a key derived from SECRET_KEY.",
                hint="Set PEERPATH_FIELD_KEYS to a Fernet key kept apart from SECRET_KEY.",
                id="peerpath.W001",
            )
        ]
    try:
        _fernet(tuple(keys))
    except Exception as error:  # noqa: BLE001 - reported as a check failure
        return [Error(str(error), id="peerpath.E001")]
    return []


@register(Tags.caches, deploy=True)
def shared_cache_configured(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Warning(
                "The cache is local to each process: rate limits, sessions and cached pages "
                "are not shared by the gunicorn workers, and the whole-page cache is off.",
                hint="Set REDIS_URL (for example redis://127.0.0.1:6379/0).",
                id="peerpath.W002",
            )
        ]
    return []
