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
import secrets
import threading
import time

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
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


class ReusedRedisClient(RedisCacheClient):
    """Django's Redis cache client, with one redis.Redis per connection pool for the life of
    the process. Django makes a new one for every command, and making one fills a table of
    some 170 reply handlers: a large share of a cache round trip's cost. A redis.Redis is
    safe to share between threads (each command takes a connection from the pool)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class ResilientRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache that degrades to "empty" when Redis is down."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        # Fail fast: a request waits at most this long for a Redis that is not there.
        options.setdefault("socket_connect_timeout", 0.25)
        options.setdefault("socket_timeout", 1.0)
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusedRedisClient

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


# --- Versioned values kept in each process ----------------------------------------------------
#
# What every request asks and hardly ever changes (a person's roles, the site of a host name,
# the route of a URL) is kept in each process's memory, under a version that lives in the
# shared cache. Reading it costs one cache round trip and no SQL; a change anywhere bumps the
# version (now and again on commit, so a request that read the old rows before the commit
# cannot keep them), and every process computes the value again on its next request. With the
# cache unreachable every read is a miss: the value comes from the database, never stale.

_VERSION_KEY = "version:{name}"
_PROCESS_LIMIT = 20_000  # entries per process; the oldest go first
_process_values: dict = {}
_process_lock = threading.Lock()


# Each version is read from the cache once per request (a request sees one state of the
# world from its start, and its own bumps at once); outside a request, every time.
_request = threading.local()


def start_request(**kwargs) -> None:
    """request_started receiver: a fresh memo of versions for this thread's request."""
    _request.versions = {}
    _request.request = None


def end_request(**kwargs) -> None:
    """request_finished receiver."""
    _request.versions = None
    _request.request = None


class RequestVersionsMiddleware:
    """Lets the first version a request reads bring the signed-in person's own versions
    (`read_together_for_user`) in the same round trip. After the authentication middleware;
    it reads nothing itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _request.request = request
        return self.get_response(request)


def _memo() -> dict | None:
    return getattr(_request, "versions", None)


# Versions most requests read: the first version a request asks for brings these with it, in
# the same round trip. Those of one person (format strings with {user}) come along when the
# request is a signed-in person's.
_read_together: set[str] = set()
_read_together_for_user: set[str] = set()


def read_together(*names: str) -> None:
    """Say that most requests read these versions (an app's ready() calls this)."""
    _read_together.update(names)


def read_together_for_user(*templates: str) -> None:
    """Say that a signed-in person's requests read these versions of their own: each a
    format string with {user} (their id)."""
    _read_together_for_user.update(templates)


def _request_user_id():
    """The signed-in person of this thread's request, if the request is known and signed in
    (the user is loaded if it was not yet: a signed-in page needs it anyway)."""
    request = getattr(_request, "request", None)
    if request is None or not hasattr(request, "user"):
        return None
    _request.request = None  # loading the user cannot come back here
    try:
        user = request.user
        return user.pk if user.is_authenticated else None
    finally:
        _request.request = request


def _read_all(memo: dict, first: str) -> None:
    """Read `first` and every version read together with it, in one round trip, into memo."""
    names = _read_together | {first}
    user_id = _request_user_id() if _read_together_for_user else None
    if user_id is not None:
        names |= {template.format(user=user_id) for template in _read_together_for_user}
    keys = {_VERSION_KEY.format(name=n): n for n in names}
    for key, value in cache.get_many(list(keys)).items():
        memo[keys[key]] = value


def version(name: str) -> str:
    """The current version of `name` (a new random one when the cache has none)."""
    memo = _memo()
    if memo is not None:
        if name in memo:
            return memo[name]
        if not memo:
            _read_all(memo, name)
            if name in memo:
                return memo[name]
    key = _VERSION_KEY.format(name=name)
    value = cache.get(key)
    if value is None:
        value = secrets.token_hex(6)
        if not cache.add(key, value, None):
            value = cache.get(key) or value
    if memo is not None:
        memo[name] = value
    return value


def bump(name: str) -> None:
    """Make every value kept under `name` stale in every process, now and on commit."""
    key = _VERSION_KEY.format(name=name)

    def new_version():
        value = secrets.token_hex(6)
        cache.set(key, value, None)
        memo = _memo()
        if memo is not None:
            memo[name] = value

    new_version()
    transaction.on_commit(new_version)


def in_transaction() -> bool:
    """Inside an atomic block of our own (a test case's wrapping block does not count)."""
    from django.db import connection

    return any(not block._from_testcase for block in connection.atomic_blocks)


def forget_process_values() -> None:
    """Drop every value kept in this process (tests: ids are reused after a rollback)."""
    with _process_lock:
        _process_values.clear()


def _keep(name: str, values: dict, current: str) -> None:
    if in_transaction():
        return  # they may read rows a rollback will take back (and bump nothing)
    with _process_lock:
        if len(_process_values) + len(values) > _PROCESS_LIMIT:
            for old in list(_process_values)[: _PROCESS_LIMIT // 10 + len(values)]:
                _process_values.pop(old, None)
        for key, value in values.items():
            _process_values[(name, key)] = (current, value)


def kept(name: str, key, compute, *, current: str | None = None):
    """The value of `compute()` kept in this process for (name, key) while the version of
    `name` stays the same. `current`: the version when the caller has read it already."""
    current = version(name) if current is None else current
    entry = _process_values.get((name, key))
    if entry is not None and entry[0] == current:
        return entry[1]
    value = compute()
    _keep(name, {key: value}, current)
    return value


def kept_many(name: str, keys, compute_missing, *, current: str | None = None) -> dict:
    """`kept` for several keys at once: {key: value}, with `compute_missing(keys)` (a dict by
    key) called once for those not kept, if any."""
    current = version(name) if current is None else current
    found, missing = {}, []
    for key in keys:
        entry = _process_values.get((name, key))
        if entry is not None and entry[0] == current:
            found[key] = entry[1]
        else:
            missing.append(key)
    if missing:
        computed = compute_missing(missing)
        _keep(name, computed, current)
        found.update(computed)
    return found
