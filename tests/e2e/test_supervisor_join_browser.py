"""Browser, on a 390 px phone: a supervisor opens the emailed invitation, joins (password,
qualification, a copy of it), registers a passkey with Chromium's virtual authenticator
(through the DevTools protocol: a software authenticator that verifies the user), then signs
in again with the password and the passkey, which satisfies the second step that their role
requires. Screenshots of each step go to var/shots/."""

import re
from datetime import timedelta

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = ROOT / "var" / "shots"
PASSWORD = "a-long-new-passphrase-42"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def invitation_link(transactional_db, settings, live_server):
    from django.core import mail
    from django.utils import timezone

    from certification.practicum.services import onboarding
    from cms.demo import seed_site
    from tests.factories import UserFactory, build_practicum

    settings.PEERPATH_REQUIRE_TWO_FACTOR = True
    settings.PEERPATH_WEBAUTHN_RP_ID = "localhost"
    settings.PEERPATH_WEBAUTHN_ORIGIN = live_server.url
    assert live_server.url.startswith("http://localhost:")  # a secure context for WebAuthn
    seed_site()
    practicum = build_practicum()
    trainee = UserFactory(legal_name="Riley Brook", preferred_name="Riley")
    today = timezone.localdate()
    onboarding.invite_supervisor(
        invited_by=trainee,
        host=practicum.host,
        trainee_email=trainee.email,
        name="Casey Morgan",
        email="casey.supervisor@example.org",
        job_role="Peer support lead",
        qualification="Certified Peer Recovery Specialist",
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=80),
    )
    (message,) = mail.outbox
    return re.search(r"/practicum/join/\S+/", message.body).group(0)


def fits_the_phone(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert fits_the_phone(page), f"{name}: the page scrolls sideways at 390 px"
    assert page.locator(".quick-exit").first.is_visible()
    page.screenshot(path=str(SHOTS / f"supervisor-join-{name}.png"), full_page=True)


def test_a_supervisor_joins_with_a_passkey_and_signs_in_with_it(
    browser, live_server, invitation_link
):
    from certification.practicum.models import Placement
    from lms.accounts.models import Passkey, User

    context = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url, is_mobile=True
    )
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )["authenticatorId"]

    page.goto(invitation_link)
    page.wait_for_url("**/practicum/join/")
    assert "/join/" in page.url and invitation_link not in page.url  # the token left the bar
    shot(page, "1-invitation")
    page.get_by_label("Full legal name").fill("Casey Morgan")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_label("It expires on (optional)").fill("2030-06-30")
    page.get_by_label("A copy of the certificate").set_input_files(
        files=[{"name": "certificate.png", "mimeType": "image/png", "buffer": PNG}]
    )
    shot(page, "2-filled")
    page.get_by_role("button", name="Join and continue").click()
    page.wait_for_url("**/accounts/two-factor/")
    shot(page, "3-second-factor")
    # The role needs a second factor: nothing else is reachable until one is set up.
    page.goto("/practicum/")
    page.wait_for_url("**/accounts/two-factor/")

    page.get_by_role("button", name="Set up a passkey").click()
    page.get_by_text("Your passkey is set up").wait_for()
    shot(page, "4-passkey-on")
    supervisor = User.objects.get(email="casey.supervisor@example.org")
    key = Passkey.objects.get(user=supervisor)
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(credentials["credentials"]) == 1
    assert Placement.objects.get(trainee__legal_name="Riley Brook").supervisor_links.get().held
    page.goto("/practicum/")
    assert page.url.endswith("/practicum/")

    # Signed out, then in again: the password, then the passkey as the second step.
    context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(supervisor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/login/code/")
    assert page.get_by_label("Six-digit code").count() == 0  # no app: the passkey alone
    shot(page, "5-sign-in-passkey")
    page.get_by_role("button", name="Sign in with your passkey").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url and "/two-factor/" not in url)
    page.goto("/practicum/")
    assert page.url.endswith("/practicum/")
    shot(page, "6-signed-in")
    page.get_by_role("link", name="Riley").click()
    page.get_by_text("held until the qualification is approved").first.wait_for()
    shot(page, "7-supervising-held")
    key.refresh_from_db()
    assert key.last_used_at is not None
    context.close()
    assert violations == []
