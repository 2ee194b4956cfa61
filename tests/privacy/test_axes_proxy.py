"""Sign-in lock-out behind a reverse proxy: axes counts failures against the client address
taken from X-Forwarded-For by the TRUSTED_PROXY_COUNT rule (lms/ratelimit.py), so a client
cannot dodge the lock-out by writing its own leading entries, and two real clients behind the
same proxy are locked out separately."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the reverse proxy: every request reaches Django from here


@pytest.fixture(autouse=True)
def one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 3


def sign_in(client, email, password, forwarded):
    return client.post(
        reverse("accounts:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_a_spoofed_leading_entry_does_not_dodge_the_lockout(client, site):
    """The attacker at 203.0.113.9 writes a new fake address first on every attempt; the
    proxy appends the real one, which is what is counted."""
    user = UserFactory(email="learner@example.org")
    for attempt in range(3):
        response = sign_in(client, user.email, "wrong", f"198.51.100.{attempt + 1}, 203.0.113.9")
        assert response.status_code == (429 if attempt == 2 else 200)
    # A fresh fake entry, and even the right password: still locked.
    locked = sign_in(client, user.email, PASSWORD, "192.0.2.77, 203.0.113.9")
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_two_real_clients_behind_the_proxy_are_locked_out_separately(client, site):
    user = UserFactory(email="learner@example.org")
    for _attempt in range(3):
        sign_in(client, user.email, "wrong", "203.0.113.9")
    assert sign_in(client, user.email, PASSWORD, "203.0.113.9").status_code == 429
    # Another person behind the same proxy, with the right password: signed in.
    response = sign_in(client, user.email, PASSWORD, "203.0.113.50")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_lockout_records_the_client_address_not_the_proxy(client, site):
    from axes.models import AccessAttempt

    user = UserFactory(email="learner@example.org")
    sign_in(client, user.email, "wrong", "192.0.2.1, 203.0.113.9")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]


def test_without_a_trusted_proxy_the_header_is_ignored(client, site, settings):
    """With no proxy configured, X-Forwarded-For is the client's own writing: a new value on
    each attempt changes nothing."""
    settings.TRUSTED_PROXY_COUNT = 0
    user = UserFactory(email="learner@example.org")
    for attempt in range(3):
        sign_in(client, user.email, "wrong", f"198.51.100.{attempt + 1}")
    assert sign_in(client, user.email, PASSWORD, "198.51.100.99").status_code == 429
