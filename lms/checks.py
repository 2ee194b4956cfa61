"""Deployment checks of Peerpath's own settings (run by `manage.py check --deploy`)."""

import ipaddress
from urllib.parse import urlsplit

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


def _issuer_address_problem(address: str) -> str | None:
    """Why `address` cannot identify the issuer of signed credentials, or None."""
    if not (address or "").strip():
        return "is not set"
    parts = urlsplit(address.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme != "https":
        return f"is not https ({address})"
    if not host:
        return f"has no host ({address})"
    if host == "localhost" or host.endswith(".localhost"):
        return f"is a loopback address ({address})"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None
    if ip.is_loopback or ip.is_unspecified or ip.is_link_local:
        return f"is a loopback or local address ({address})"
    return None


@register(Tags.security, deploy=True)
def issuer_address_public(app_configs, **kwargs):
    """Every signed credential names its issuer by this address (PEERPATH_ISSUER_ID, else
    SITE_URL + /issuer/), and it is recorded at the first issue for good: it must be an https
    address that outside verifiers can reach."""
    errors = []
    for name in ("SITE_URL", "PEERPATH_ISSUER_ID"):
        value = getattr(settings, name, "") or ""
        if name == "PEERPATH_ISSUER_ID" and not value:
            continue  # derived from SITE_URL, checked above
        problem = _issuer_address_problem(value)
        if problem:
            errors.append(
                Error(
                    f"{name} {problem}: signed credentials would name an issuer that "
                    "verifiers cannot reach, and the first issue records it for good.",
                    hint=f"Set {name} to the site's public https address, for example "
                    "https://peerpath.example.org.",
                    id="peerpath.E002",
                )
            )
    return errors
