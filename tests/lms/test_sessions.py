"""Sessions: a new session key at sign-in (no fixation), and a disabled account is signed out
at its next request."""

import pytest
from django.urls import reverse

from lms.accounts.models import User
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db


def test_signing_in_rotates_the_session_key(client, site):
    user = UserFactory()
    client.get(reverse("accounts:login"))
    session = client.session
    session["planted"] = "by someone else"
    session.save()
    before = session.session_key
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session.session_key != before


def test_disabling_an_account_ends_its_sessions(client, site):
    user = UserFactory()
    client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert client.get(reverse("accounts:profile")).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and "/login/" in response["Location"]
