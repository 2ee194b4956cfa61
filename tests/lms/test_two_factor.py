"""Two-factor authentication (TOTP): the RFC vector, set-up, sign-in with a code (each code
works once, limited tries), the requirement for supervisors and registrars, and signing
steps asking for the code again."""

import base64
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from lms.accounts import services, totp
from lms.accounts.models import Membership, TOTPDevice
from lms.accounts.reauth import SESSION_KEY
from tests.factories import MembershipFactory, UserFactory, build_practicum
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db


def test_codes_match_the_rfc_6238_vector():
    secret = base64.b32encode(b"12345678901234567890").decode()
    # RFC 6238 appendix B (SHA-1): T=59 s -> 94287082; T=1111111109 -> 07081804 (8 digits).
    assert totp.code_at(secret, 59 // 30) == "287082"
    assert totp.code_at(secret, 1111111109 // 30) == "081804"
    assert totp.matching_step(secret, "287082", now=59) == 1
    assert totp.matching_step(secret, "287082", now=59 + 90) is None  # too late
    assert totp.matching_step(secret, "287082", after_step=1, now=59) is None  # used


def set_up(client, user):
    client.force_login(user)
    client.post(reverse("accounts:two_factor"), {"action": "start"})
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("accounts:two_factor"), {"action": "confirm", "code": "000000"})
    assert response.status_code == 400 and "does not match" in response.content.decode()
    code = totp.code_at(device.secret, totp.current_step())
    assert (
        client.post(reverse("accounts:two_factor"), {"action": "confirm", "code": code}).status_code
        == 302
    )
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_set_up_shows_a_qr_code_and_confirms_with_a_code(client, site):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("accounts:two_factor"), {"action": "start"})
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "<svg" in page and "Key:" in page
    set_up(client, user)
    assert "Set up on" in client.get(reverse("accounts:two_factor")).content.decode()


def sign_in(client, user):
    return client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})


def test_signing_in_needs_the_code_and_each_code_works_once(client, site):
    user = UserFactory()
    device = set_up(client, user)
    client.logout()
    response = sign_in(client, user)
    assert response.status_code == 302 and response["Location"] == reverse(
        "accounts:two_factor_verify"
    )
    assert client.get(reverse("learn:dashboard")).status_code == 302  # not signed in yet
    response = client.post(reverse("accounts:two_factor_verify"), {"code": "123456"})
    assert response.status_code == 400
    device.refresh_from_db()
    code = totp.code_at(device.secret, totp.current_step() + 1)  # the next step is in window
    assert client.post(reverse("accounts:two_factor_verify"), {"code": code}).status_code == 302
    assert client.get(reverse("learn:dashboard")).status_code == 200
    # The same code cannot be replayed.
    client.logout()
    sign_in(client, user)
    response = client.post(reverse("accounts:two_factor_verify"), {"code": code})
    assert response.status_code == 400


def test_too_many_wrong_codes_lock_the_code_step_even_after_starting_again(client, site):
    """Five wrong codes (AXES_FAILURE_LIMIT) lock the account's code step for the cool-off,
    with a clear message and a 429. Going back to the password step does not reset the
    count (it used to: five more tries per sign-in, without end), and the right code is
    refused while locked."""
    user = UserFactory()
    device = set_up(client, user)
    client.logout()
    sign_in(client, user)
    verify = reverse("accounts:two_factor_verify")
    for _ in range(3):
        assert client.post(verify, {"code": "1"}).status_code == 400
    # Start again from the password: the three wrong codes still count.
    sign_in(client, user)
    assert client.post(verify, {"code": "1"}).status_code == 400
    locked = client.post(verify, {"code": "1"})
    assert locked.status_code == 429
    assert "Too many wrong codes" in locked.content.decode()
    sign_in(client, user)
    code = totp.code_at(device.secret, totp.current_step())
    assert client.post(verify, {"code": code}).status_code == 429
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    assert device.failed_codes == 5


def test_a_right_code_clears_the_count_and_the_lock_ends_after_the_cool_off(client, site):
    user = UserFactory()
    device = set_up(client, user)
    client.logout()
    verify = reverse("accounts:two_factor_verify")
    sign_in(client, user)
    for _ in range(4):
        client.post(verify, {"code": "1"})
    # The set-up used the current step's code; the next step's is in the window and unused.
    code = totp.code_at(device.secret, totp.current_step() + 1)
    assert client.post(verify, {"code": code}).status_code == 302
    device.refresh_from_db()
    assert (device.failed_codes, device.last_failed_at) == (0, None)
    # Locked, then the cool-off passes: a fresh count (a code, once used, works no more).
    TOTPDevice.objects.filter(pk=device.pk).update(
        failed_codes=5, last_failed_at=timezone.now() - timedelta(minutes=16), last_step=0
    )
    client.logout()
    sign_in(client, user)
    code = totp.code_at(device.secret, totp.current_step())
    assert client.post(verify, {"code": code}).status_code == 302


def test_wrong_codes_at_re_authentication_count_toward_the_same_lock(client, site):
    """Re-authentication's code check (reauth.confirm, before signing) counts wrong codes
    on the same account counter as the sign-in code step: four there and one at sign-in
    lock both."""
    practicum = build_practicum(week_of_entries=True)
    supervisor = practicum.supervisor
    device = set_up(client, supervisor)
    session = client.session
    session[SESSION_KEY] = 0
    session.save()
    decide = reverse("practicum:decide", args=[practicum.placement.pk])
    entry = practicum.entries[0].pk
    body = {"entry": [entry], "action": "approve", "password": PASSWORD, "otp": "000000"}
    for _ in range(4):
        assert client.post(decide, body).status_code == 400
    client.logout()
    sign_in(client, supervisor)
    verify = reverse("accounts:two_factor_verify")
    assert client.post(verify, {"code": "1"}).status_code == 429
    # And the other way: locked at sign-in means locked at re-authentication.
    client.force_login(supervisor)
    session = client.session
    session[SESSION_KEY] = 0
    session.save()
    code = totp.code_at(device.secret, totp.current_step() + 1)
    response = client.post(decide, {**body, "otp": code})
    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode()
    assert practicum.entries[0].__class__.objects.get(pk=entry).status != "approved"


def test_supervisors_and_registrars_must_set_it_up(client, site, roles, settings):
    settings.PEERPATH_REQUIRE_TWO_FACTOR = True
    supervisor = UserFactory()
    MembershipFactory(user=supervisor, role=Membership.Role.SUPERVISOR)
    registrar = UserFactory(is_staff=True)
    registrar.groups.add(Group.objects.get(name="Registrars"))
    trainee = UserFactory()
    for person in (supervisor, registrar):
        client.force_login(person)
        response = client.get("/practicum/")
        assert response.status_code == 302 and response["Location"] == reverse(
            "accounts:two_factor"
        )
        assert client.get("/admin/").status_code == 302
        assert client.get(reverse("accounts:two_factor")).status_code == 200
    client.force_login(trainee)
    assert client.get("/practicum/").status_code == 200
    set_up(client, supervisor)
    assert client.get("/practicum/").status_code == 200
    response = client.post(
        reverse("accounts:two_factor"), {"action": "remove", "password": PASSWORD}
    )
    assert "cannot be switched off" in response.content.decode()
    assert TOTPDevice.objects.filter(user=supervisor).exists()


def test_trainers_and_organisation_admins_must_set_it_up_too(
    client, site, roles, settings, organisation
):
    """Trainers (the role and the Trainers group) and organisation admins (who invite
    supervisors) hold power over other people's data: held to two-factor like staff. A
    trainee and a verifier are not."""
    settings.PEERPATH_REQUIRE_TWO_FACTOR = True
    trainer = UserFactory(is_staff=True)
    MembershipFactory(user=trainer, organisation=organisation, role=Membership.Role.TRAINER)
    in_group = UserFactory(is_staff=True)
    in_group.groups.add(Group.objects.get(name="Trainers"))
    org_admin = UserFactory()
    MembershipFactory(user=org_admin, organisation=organisation, role=Membership.Role.ORG_ADMIN)
    verifier = UserFactory()
    MembershipFactory(user=verifier, organisation=organisation, role=Membership.Role.VERIFIER)
    for person in (trainer, in_group, org_admin):
        assert services.requires_two_factor(person)
        client.force_login(person)
        response = client.get(reverse("accounts:profile"))
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:two_factor")
    for person in (verifier, UserFactory()):
        assert not services.requires_two_factor(person)
        client.force_login(person)
        assert client.get(reverse("accounts:profile")).status_code == 200


def test_the_demo_trainer_and_organisation_admin_sign_in_with_the_demo_code(client, site, roles):
    from lms.accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, seed_people

    logins = dict(seed_people())
    for role in ("Trainer", "Organisation admin", "Supervisor", "Registrar", "Administrator"):
        device = TOTPDevice.objects.get(user__email=logins[role])
        assert device.confirmed and device.secret == DEMO_TOTP_SECRET
    for role in ("Trainee", "Verifier (employer)"):
        assert not TOTPDevice.objects.filter(user__email=logins[role]).exists()
    response = client.post(
        reverse("accounts:login"), {"username": logins["Trainer"], "password": DEMO_PASSWORD}
    )
    assert response["Location"] == reverse("accounts:two_factor_verify")


def test_signing_asks_for_the_code_again(client, site):
    practicum = build_practicum(week_of_entries=True)
    device = set_up(client, practicum.supervisor)
    session = client.session
    session[SESSION_KEY] = 0
    session.save()
    decide = reverse("practicum:decide", args=[practicum.placement.pk])
    entry = practicum.entries[0].pk
    page = client.get(reverse("practicum:supervise", args=[practicum.placement.pk]))
    assert 'name="otp"' in page.content.decode()
    response = client.post(decide, {"entry": [entry], "action": "approve", "password": PASSWORD})
    assert response.status_code == 400 and "authenticator" in response.content.decode()
    device.refresh_from_db()
    code = totp.code_at(device.secret, totp.current_step() + 1)
    response = client.post(
        decide, {"entry": [entry], "action": "approve", "password": PASSWORD, "otp": code}
    )
    assert response.status_code == 302


def test_someone_whose_role_allows_it_can_turn_it_off(client, site):
    user = UserFactory()
    set_up(client, user)
    assert not services.requires_two_factor(user)
    response = client.post(
        reverse("accounts:two_factor"), {"action": "remove", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
