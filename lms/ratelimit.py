"""Rate limiting per client address, in the Django cache (Redis in production, so every
gunicorn worker shares the count).

The client address is REMOTE_ADDR unless TRUSTED_PROXY_COUNT says how many reverse proxies
sit in front of the app. Each proxy appends the address it received the request from to
X-Forwarded-For, so with N proxies the client is the N-th entry from the right (Werkzeug's
ProxyFix rule); anything further left was written by the client and is never trusted. A
request that did not pass through all N proxies (too few entries) is counted by REMOTE_ADDR.

Counting is a fixed window: at most `limit` hits per address per `window` seconds. Addresses
(and the email addresses some limits count by) are hashed before they become cache keys, so
the cache never holds one in clear."""

from __future__ import annotations

import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from lms.cache import UNREACHABLE


class RateLimitedError(Exception):
    """Too many requests from one address; `retry_after` is in whole seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"Rate limited; retry after {retry_after} seconds.")
        self.retry_after = retry_after


def _valid_address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request) -> str:
    """The address to count a request against (see the module docstring)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies > 0:
        forwarded = [
            item.strip()
            for item in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if item.strip()
        ]
        if len(forwarded) >= proxies:
            address = _valid_address(forwarded[-proxies])
            if address:
                return address
    return remote


@dataclass(frozen=True)
class Limit:
    scope: str
    limit: int  # hits allowed per window; 0 switches the limit off
    window: int  # seconds

    def hit(self, request, *, fetch=(), subject: str | None = None) -> dict:
        """Count one hit for the request's address (or for `subject`, such as an email
        address, when given); raise RateLimitedError past the limit. Also reads the cache
        keys in `fetch` (in the same round trip on Redis) and returns {key: value} for those
        found, so a view's first cache read costs nothing extra."""
        if self.limit <= 0:
            return cache.get_many(list(fetch)) if fetch else {}
        now = time.time()
        slot = int(now // self.window)
        counted = client_address(request) if subject is None else subject
        digest = hashlib.sha256(f"{settings.SECRET_KEY}:{counted}".encode()).hexdigest()[:32]
        count, found = _count(f"ratelimit:{self.scope}:{digest}:{slot}", self.window + 5, fetch)
        if count > self.limit:
            retry_after = max(1, int((slot + 1) * self.window - now + 0.999))
            raise RateLimitedError(retry_after)
        return found


def _write_client(backend, key):
    """The Redis client for writes, made once per cache backend: Django builds a new client
    object (and its table of response callbacks) on every call, which costs more CPU than
    the round trip itself on a busy public endpoint."""
    client = getattr(backend, "_peerpath_write_client", None)
    if client is None:
        client = backend.get_client(key, write=True)
        backend._peerpath_write_client = client
    return client


def _count(key: str, ttl: int, fetch=()) -> tuple[int, dict]:
    """Add one to the counter at `key` (created with `ttl` seconds to live) and return it,
    with the values found at the `fetch` keys."""
    backend = getattr(cache, "_cache", None)
    if backend is not None and hasattr(backend, "get_client"):
        # Redis: create with its expiry if missing, then INCR, in one round trip (Django's
        # add() and incr() take three), shared by every worker. Each command is atomic and
        # a pipeline keeps their order, so no MULTI/EXEC transaction is needed around them.
        redis_key = cache.make_and_validate_key(key)
        pipeline = _write_client(backend, redis_key).pipeline(transaction=False)
        pipeline.set(redis_key, 0, ex=ttl, nx=True)
        pipeline.incr(redis_key)
        for name in fetch:
            pipeline.get(cache.make_and_validate_key(name))
        try:
            results = pipeline.execute()
        except UNREACHABLE:
            # Redis is away: no counter to hold, so no limit until it is back (lms/cache.py
            # logs the outage), and nothing cached to fetch. Verification stays available
            # rather than failing closed.
            return 0, {}
        found = {
            name: backend._serializer.loads(value)
            for name, value in zip(fetch, results[2:], strict=True)
            if value is not None
        }
        return int(results[1]), found
    # Any other cache: add() is atomic and does nothing if the key exists; incr() is atomic
    # in local memory.
    found = cache.get_many(list(fetch)) if fetch else {}
    cache.add(key, 0, ttl)
    try:
        return cache.incr(key), found
    except ValueError:  # expired between add() and incr(): start the window again
        cache.add(key, 1, ttl)
        return 1, found
