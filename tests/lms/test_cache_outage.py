"""Redis down: the cache (and the sessions and rate limits kept in it) reads as empty, so people
stay signed in and pages keep working; nothing answers 500.

The cache is pointed at a loopback port where nothing listens, which is what a stopped Redis
looks like to the client. No service is needed; the real redis-py client does the connecting.
"""

import logging
import socket

import pytest
from django.core.cache import caches
from django.urls import reverse

from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_away(settings, monkeypatch):
    monkeypatch.setattr("lms.cache._last_logged", float("-inf"))  # the next outage is logged
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "lms.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield caches["default"]


def test_the_cache_reads_as_empty_and_drops_writes(redis_away):
    assert redis_away.get("anything", "fallback") == "fallback"
    redis_away.set("key", "value")
    assert redis_away.get("key") is None
    assert redis_away.add("key", "value") is False
    assert redis_away.get_many(["a", "b"]) == {}
    with pytest.raises(ValueError):
        redis_away.incr("counter")


def test_signed_in_pages_keep_working_from_the_database(client, site, redis_away, caplog):
    user = UserFactory()
    with caplog.at_level(logging.WARNING, logger="lms.cache"):
        response = client.post(
            reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
        )
        assert response.status_code == 302
        page = client.get(reverse("accounts:profile"))
    assert page.status_code == 200
    assert user.email.encode() in page.content  # the session was read back from the database
    warnings = [r for r in caplog.records if r.name == "lms.cache"]
    assert warnings and all(user.email not in r.getMessage() for r in warnings)


def test_verification_answers_without_its_rate_limit_counter(client, site, redis_away, settings):
    settings.PEERPATH_VERIFY_RATE_LIMIT = 1
    statuses = [client.get("/verify/NOSUCHCODE/").status_code for _ in range(3)]
    # Without Redis there is no shared counter: the limit is not enforced, and nothing fails.
    assert statuses == [404, 404, 404]
