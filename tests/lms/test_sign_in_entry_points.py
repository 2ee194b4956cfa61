"""Every way to become signed in ends at the same second step.

The ways in are not a hand list: they are found in the URL configuration, as every view
that signs someone in (calls `django.contrib.auth.login`, directly or through a helper of
ours), is a LoginView or PasswordResetConfirmView, or creates or activates an account. Each
must have a scenario below, and each scenario proves that a registrar who is also a
supervisor, with a confirmed authenticator, who passes that way in reaches no staff page and
has no re-authentication window open until the code is given."""

import inspect
import re
from types import CodeType, ModuleType

import pytest
from django.contrib.auth import login as django_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lms.accounts import reauth, services, totp
from lms.accounts.models import Invitation, TOTPDevice, User
from tests.factories import InvitationFactory, build_practicum
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

OURS = ("lms.", "cms.", "courses.", "certification.")
# What signs someone in or gives them an account to sign in with.
SIGNS_IN = (
    django_login,
    services.register_trainee,
    services.accept_invitation,
    services.confirm_registration,
)
SIGN_IN_VIEWS = (auth_views.LoginView, auth_views.PasswordResetConfirmView)
# The second step itself (it signs in, after the code): not a way around it.
SECOND_STEP = {"accounts:two_factor_verify", "accounts:passkey_sign_in"}
# The ways in known today: the derivation must find at least these.
KNOWN = {
    "accounts:login",
    "wagtailadmin_login",
    "wagtailcore_login",
    "accounts:password_reset_confirm",
    "accounts:accept_invitation",
    "accounts:invitation",
    "accounts:register",
    "accounts:confirm_registration",
}


def _code_names(code: CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, CodeType):
            names |= _code_names(const)
    return names


def _signs_in(function, seen: set) -> bool:
    """Whether `function` calls one of SIGNS_IN, directly or through our own helpers."""
    function = inspect.unwrap(function)
    code = getattr(function, "__code__", None)
    if code is None or function in seen:
        return False
    seen.add(function)
    names = _code_names(code)
    for name in names:
        target = function.__globals__.get(name)
        if any(target is f for f in SIGNS_IN):
            return True
        if isinstance(target, ModuleType) and any(
            getattr(target, attribute, None) is f for attribute in names for f in SIGNS_IN
        ):
            return True
        if (
            inspect.isfunction(target)
            and target.__module__.startswith(OURS)
            and _signs_in(target, seen)
        ):
            return True
    return False


def _view_signs_in(callback) -> bool:
    view_class = getattr(callback, "view_class", None)
    if view_class is None:
        return _signs_in(callback, set())
    if issubclass(view_class, SIGN_IN_VIEWS):
        return True
    return any(
        _signs_in(member, set())
        for klass in view_class.__mro__
        if klass.__module__.startswith(OURS)
        for member in vars(klass).values()
        if inspect.isfunction(member)
    )


def _patterns(resolver=None, namespace=""):
    for item in (resolver or get_resolver()).url_patterns:
        if isinstance(item, URLResolver):
            inner = item.namespace
            ns = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from _patterns(item, ns)
        elif isinstance(item, URLPattern):
            name = f"{namespace}:{item.name}" if namespace and item.name else item.name
            yield name or str(item.pattern), item.callback


def ways_in() -> set[str]:
    return {name for name, callback in _patterns() if _view_signs_in(callback)} - SECOND_STEP


# --- The person and the checks ------------------------------------------------------------


@pytest.fixture
def staff(db, site, roles, settings):
    """A supervisor who is also a registrar (staff), with a confirmed authenticator."""
    settings.PEERPATH_REQUIRE_TWO_FACTOR = True
    practicum = build_practicum()
    person = practicum.supervisor
    make_staff_with_device(person)
    return person


def make_staff_with_device(person) -> TOTPDevice:
    person.is_staff = True
    person.save(update_fields=["is_staff"])
    person.groups.add(Group.objects.get(name="Registrars"))
    device, _ = TOTPDevice.objects.get_or_create(
        user=person, defaults={"secret": totp.new_secret()}
    )
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed_at=person.date_joined)
    device.refresh_from_db()
    return device


def staff_pages():
    return ["/admin/", reverse("certification_issue_manually"), reverse("practicum:home")]


def assert_held(client, person):
    """Right after the way in: no re-authentication window; no staff page; each request
    ends at the code step (or the sign-in page, if the way in signed nobody in)."""
    assert reauth.SESSION_KEY not in client.session, "the re-auth window opened"
    for url in staff_pages():
        response = client.get(url)
        assert response.status_code == 302, f"{url}: {response.status_code}"
        where = response["Location"].split("?")[0]
        assert where in (reverse("accounts:two_factor_verify"), reverse("accounts:login")), (
            f"{url} -> {where}"
        )
        assert reauth.SESSION_KEY not in client.session
    assert client.session.get("_auth_user_id") is None


def give_code(client, person):
    device = TOTPDevice.objects.get(user=person)
    code = totp.code_at(device.secret, totp.current_step() + 1)
    response = client.post(reverse("accounts:two_factor_verify"), {"code": code})
    assert response.status_code == 302
    for url in staff_pages():
        assert client.get(url).status_code == 200, url
    assert not reauth.needs_password(_request_with(client.session))


def _request_with(session):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.session = session
    return request


# --- One scenario per way in --------------------------------------------------------------


def site_login(client, person, **_):
    response = client.post(
        reverse("accounts:login"), {"username": person.email, "password": PASSWORD}
    )
    assert response["Location"] == reverse("accounts:two_factor_verify")
    assert_held(client, person)
    give_code(client, person)


def wagtail_login(client, person, **_):
    """The probe: POST /admin/login/ as the registrar, then an admin page."""
    response = client.post(
        reverse("wagtailadmin_login"),
        {"username": person.email, "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert_held(client, person)


def wagtail_frontend_login(client, person, **_):
    """Wagtail's sign-in form for private pages."""
    response = client.post(
        reverse("wagtailcore_login"), {"username": person.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert_held(client, person)


def wagtail_password_reset(client, person, **_):
    """Wagtail's own password reset is switched off (WAGTAIL_PASSWORD_RESET_ENABLED)."""
    url = reverse("wagtailadmin_password_reset_confirm", args=["MQ", "set-password"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"new_password1": "x", "new_password2": "x"}).status_code == 404
    assert_held(client, person)


def password_reset(client, person, capture, monkeypatch, **_):
    """Reset the password through the emailed link; even were the reset view set to sign
    in afterwards (`post_reset_login`), the code step would follow."""
    monkeypatch.setattr(auth_views.PasswordResetConfirmView, "post_reset_login", True)
    monkeypatch.setattr(
        auth_views.PasswordResetConfirmView,
        "post_reset_login_backend",
        "django.contrib.auth.backends.ModelBackend",
    )
    with capture(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": person.email})
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", mail.outbox[-1].body)
    page = client.get(link.group(1), follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "brand-new-meadow", "new_password2": "brand-new-meadow"},
    )
    assert client.session.get("_auth_user_id") == str(person.pk)  # signed in by the reset
    assert_held(client, person)
    give_code(client, person)


def invitation(client, person, **_):
    """Accepting an invitation creates the account and signs it in: as a supervisor it has
    no authenticator yet, so it is sent to set one up, with no re-auth window; and a session
    whose person has an authenticator (set up meanwhile in another browser) is held."""
    invite = InvitationFactory(email="new.staff@example.org", role="supervisor")
    client.get(invite.get_absolute_url())
    client.post(
        reverse("accounts:invitation"),
        {
            "legal_name": "New Staff",
            "password1": "steady-lantern-evening",
            "password2": "steady-lantern-evening",
        },
    )
    new = User.objects.get(email="new.staff@example.org")
    assert client.session.get("_auth_user_id") == str(new.pk)
    assert reauth.SESSION_KEY not in client.session
    assert client.get(reverse("practicum:home"))["Location"] == reverse("accounts:two_factor")
    make_staff_with_device(new)
    assert_held(client, new)
    give_code(client, new)
    assert Invitation.objects.get(pk=invite.pk).accepted_by == new


def supervisor_invitation(client, person, capture, **_):
    """Joining as an invited supervisor creates the account and signs it in: with no second
    factor yet it is sent to set one up, with no re-auth window; and once it has one (set up
    meanwhile in another browser) the session is held for the code."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from certification.practicum.services import onboarding
    from lms.accounts.models import Organisation
    from tests.factories import OrganisationFactory

    host = OrganisationFactory(slug="join-host", kind=Organisation.Kind.PLACEMENT_HOST)
    today = timezone.localdate()
    with capture(execute=True):
        onboarding.invite_supervisor(
            invited_by=person,
            host=host,
            trainee_email="someone.else@example.org",
            name="New Supervisor",
            email="new.supervisor@example.org",
            qualification="CPRS",
            starts_on=today,
            ends_on=today,
        )
    link = re.search(r"http://testserver(/practicum/join/\S+/)", mail.outbox[-1].body)
    client.get(link.group(1))
    client.post(
        reverse("practicum:join"),
        {
            "legal_name": "New Supervisor",
            "password1": "steady-lantern-evening",
            "password2": "steady-lantern-evening",
            "qualification": "CPRS",
            "file": SimpleUploadedFile("copy.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32),
        },
    )
    new = User.objects.get(email="new.supervisor@example.org")
    assert client.session.get("_auth_user_id") == str(new.pk)
    assert reauth.SESSION_KEY not in client.session
    assert client.get(reverse("practicum:home"))["Location"] == reverse("accounts:two_factor")
    make_staff_with_device(new)
    assert_held(client, new)
    give_code(client, new)


def registration(client, person, capture, **_):
    """Registering signs nobody in (with the person's address, or a new one confirmed
    through its link)."""
    for email in (person.email, "brand.new@example.org"):
        with capture(execute=True):
            client.post(
                reverse("accounts:register"),
                {
                    "email": email,
                    "legal_name": "Someone",
                    "password1": "quiet-river-morning",
                    "password2": "quiet-river-morning",
                },
            )
        assert_held(client, person)
    link = re.search(r"http://testserver(/accounts/register/confirm/\S+/)", mail.outbox[-1].body)
    client.get(link.group(1))
    client.post(reverse("accounts:confirm_registration"))
    new = User.objects.get(email="brand.new@example.org")
    make_staff_with_device(new)
    assert_held(client, new)


SCENARIOS = {
    "accounts:login": site_login,
    "wagtailadmin_login": wagtail_login,
    "wagtailcore_login": wagtail_frontend_login,
    "wagtailadmin_password_reset_confirm": wagtail_password_reset,
    "accounts:password_reset_confirm": password_reset,
    "accounts:accept_invitation": invitation,
    "accounts:invitation": invitation,
    "accounts:register": registration,
    "accounts:confirm_registration": registration,
    "practicum:join": supervisor_invitation,
}


def test_the_ways_in_are_derived_from_the_url_configuration():
    """The derivation finds at least the known ways in (so it cannot silently find
    nothing), and every way it finds has a scenario: a new one fails here by name."""
    found = ways_in()
    assert found >= KNOWN, f"not found: {sorted(KNOWN - found)}"
    missing = sorted(found - set(SCENARIOS))
    assert not missing, f"ways in with no scenario: {missing}"
    assert {name for name, cb in _patterns() if _view_signs_in(cb)} >= SECOND_STEP


@pytest.mark.parametrize("way_in", sorted(SCENARIOS))
def test_every_way_in_ends_at_the_code_step(
    client, staff, way_in, django_capture_on_commit_callbacks, monkeypatch
):
    assert way_in in ways_in()
    SCENARIOS[way_in](
        client, staff, capture=django_capture_on_commit_callbacks, monkeypatch=monkeypatch
    )


@pytest.mark.parametrize("form", ["/admin/login/", "/_util/login/"])
def test_wagtails_own_login_forms_are_caught_by_the_middleware(client, staff, settings, form):
    """With the redirects of Wagtail's sign-in forms taken away, each signs the registrar in
    with the password alone (what the probe did): the next request signs the session out
    and sends it to the code step, the page kept as `next`; the code then lets them in,
    and opens the re-auth window."""
    settings.ROOT_URLCONF = "tests.lms.urls_without_admin_login_redirect"
    response = client.post(form, {"username": staff.email, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(staff.pk)  # Wagtail signed them in
    assert reauth.SESSION_KEY not in client.session
    held = client.get(reverse("certification_issue_manually"))
    assert held["Location"] == reverse("accounts:two_factor_verify")
    assert client.session.get("_auth_user_id") is None
    device = TOTPDevice.objects.get(user=staff)
    code = totp.code_at(device.secret, totp.current_step() + 1)
    done = client.post(reverse("accounts:two_factor_verify"), {"code": code})
    assert done["Location"] == reverse("certification_issue_manually")
    assert client.get(done["Location"]).status_code == 200
    assert reauth.SESSION_KEY in client.session


@pytest.mark.parametrize("form", ["/admin/login/", "/_util/login/"])
def test_wagtails_login_addresses_send_to_the_sites_sign_in(client, site, form):
    response = client.get(f"{form}?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=%2Fadmin%2Fpages%2F"
