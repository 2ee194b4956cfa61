"""A Redis cache that treats an unreachable Redis as an empty cache.

Redis carries three things here: the Celery broker (the task outbox covers an outage), the
cache, and through the cache the sessions (`cached_db`) and rate-limit counters. With Django's
own RedisCache a stopped Redis turns every signed-in page into a 500, because the session is
read from the cache first. This backend answers as if the cache were empty instead: reads miss,
writes are dropped, and Django falls back to what the cache only speeds up (sessions come from
the database; cached pages are rendered again). The rate limiter's counters read as zero, so
limits are not enforced while Redis is away (availability of verification first; the outage is
logged).

Only connection failures are absorbed (refused, reset, timed out, Redis still loading its data);
a wrong command or a bad value still raises. The outage is logged once a minute, without keys
(session keys are secrets).
"""

from __future__ import annotations

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis import exceptions as redis_errors

logger = logging.getLogger("lms.cache")

UNREACHABLE = (
    redis_errors.ConnectionError,
    redis_errors.TimeoutError,
    redis_errors.BusyLoadingError,
    OSError,
)
_LOG_EVERY = 60.0
_last_logged = float("-inf")


def _report(error: Exception) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= _LOG_EVERY:
        _last_logged = now
        logger.warning(
            "Redis cache unreachable (%s); serving without the cache", type(error).__name__
        )


def _absorb(fallback):
    """Run the cache method; on a connection failure return `fallback(*args, **kwargs)`."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                _report(error)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


class ResilientRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache that degrades to "empty" when Redis is down."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        # Fail fast: a request waits at most this long for a Redis that is not there.
        options.setdefault("socket_connect_timeout", 0.25)
        options.setdefault("socket_timeout", 1.0)
        super().__init__(server, {**params, "OPTIONS": options})

    get = _absorb(_default)(RedisCache.get)
    set = _absorb(lambda *a, **k: None)(RedisCache.set)
    add = _absorb(lambda *a, **k: False)(RedisCache.add)
    touch = _absorb(lambda *a, **k: False)(RedisCache.touch)
    delete = _absorb(lambda *a, **k: False)(RedisCache.delete)
    get_many = _absorb(lambda *a, **k: {})(RedisCache.get_many)
    set_many = _absorb(lambda *a, **k: [])(RedisCache.set_many)
    delete_many = _absorb(lambda *a, **k: None)(RedisCache.delete_many)
    has_key = _absorb(lambda *a, **k: False)(RedisCache.has_key)
    clear = _absorb(lambda *a, **k: False)(RedisCache.clear)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            _report(error)
            raise ValueError("Key not found: the cache is unreachable") from error
