"""A journey per role, on a phone (390x844) and a laptop (1280x800), on the demo site: sign
in with the keyboard only (and the demo two-factor code where the role needs one), land
where the role's work is, see the role's own tools in the header, and take the first step
of the role's main task. A screenshot of each landing and each first step is saved under
tests/screenshots/test_every_role_lands_on_its_work_and_starts_it/."""

import pytest
from django.core.management import call_command

from lms.accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tests.e2e.conftest import sign_in_by_keyboard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": (390, 844), "laptop": (1280, 800)}
# (role, size) pairs allowed to scroll sideways: none. Any landing wider than its screen fails
# this test (after every journey has run and been saved).
KNOWN_SIDEWAYS: set[tuple[str, str]] = set()


def trainee_step(page):
    page.get_by_role("link", name="Continue where you left off").first.click()
    page.wait_for_url("**/courses/**")
    assert page.get_by_role("heading", level=1).is_visible()
    return "lesson"


def trainer_step(page):
    nav(page).get_by_role("link", name="Marking").click()
    page.wait_for_url("**/teach/marking/")
    return "marking"


def supervisor_step(page):
    page.get_by_role("table").first.get_by_role("link").first.click()
    page.wait_for_url("**/practicum/supervise/*/")
    return "supervise"


def verifier_step(page, code):
    page.get_by_label("Or paste codes").fill(code)
    page.get_by_role("button", name="Check the roster").click()
    page.get_by_role("heading", name="Results for 1 row").wait_for()
    assert page.get_by_text("1 valid").is_visible()
    return "roster-result"


def registrar_step(page):
    page.locator("select#id_standing").select_option("blocked")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(lambda url: "standing=blocked" in url)
    assert page.get_by_role("heading", name="Who is ready for a certificate").is_visible()
    return "desk-blocked"


def org_admin_step(page):
    page.get_by_label("Email address").fill("new.trainee@example.org")
    page.get_by_label("Role").select_option("trainee")
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text("Invitation sent to new.trainee@example.org").wait_for()
    return "invited"


def graduate_step(page):
    page.get_by_role("link", name="My credentials and certificates").click()
    page.wait_for_url("**/credentials/")
    return "credentials"


# role: (demo email, needs a code, landing path, tools in the header, first step)
JOURNEYS = {
    "trainee": ("trainee@peerpath.example", False, "/learn/", ["My learning"], trainee_step),
    "trainer": (
        "trainer@peerpath.example",
        True,
        "/teach/",
        ["Cohorts and statistics", "Marking"],
        trainer_step,
    ),
    "supervisor": (
        "supervisor@peerpath.example",
        True,
        "/practicum/",
        ["Supervision"],
        supervisor_step,
    ),
    "verifier": (
        "verifier@peerpath.example",
        False,
        "/organisations/riverside-health/",
        ["Roster check", "Watch list"],
        verifier_step,
    ),
    "registrar": ("registrar@peerpath.example", True, "/desk/", ["Registrar desk"], registrar_step),
    "orgadmin": (
        "orgadmin@peerpath.example",
        True,
        "/accounts/organisations/northside-recovery-college/",
        ["Members and invitations", "Roster check"],
        org_admin_step,
    ),
    "graduate": ("graduate@peerpath.example", False, "/learn/", ["My learning"], graduate_step),
}


def nav(page):
    return page.get_by_role("navigation", name="Main")


def test_every_role_lands_on_its_work_and_starts_it(browser, live_server, screenshot):
    from certification.credentials.models import Certificate

    call_command("seed_demo", quiet=True)
    code = Certificate.objects.active().get(
        trainee__email="graduate@peerpath.example", kind=Certificate.Kind.CREDENTIAL
    )
    code = code.grouped_code
    sideways = []
    for role, (email, needs_code, lands, tool_labels, step) in JOURNEYS.items():
        for number, (size, (width, height)) in enumerate(SIZES.items()):
            context = browser.new_context(
                viewport={"width": width, "height": height}, base_url=live_server.url
            )
            page = context.new_page()
            try:
                sign_in_by_keyboard(
                    page,
                    email,
                    DEMO_PASSWORD,
                    totp_secret=DEMO_TOTP_SECRET if needs_code else None,
                    step=number,
                )
                assert page.url == live_server.url + lands, f"{role} at {size}: {page.url}"
                for label in tool_labels:
                    link = nav(page).get_by_role("link", name=label, exact=True)
                    assert link.is_visible(), f"{role} at {size} cannot see {label}"
                width_now = page.evaluate("document.documentElement.scrollWidth")
                if width_now > width and (role, size) not in KNOWN_SIDEWAYS:
                    sideways.append(f"{role} at {size}: {page.url} is {width_now} px wide")
                screenshot(page, f"{role}-{size}-1-landing")
                name = step(page, code) if step is verifier_step else step(page)
                screenshot(page, f"{role}-{size}-2-{name}")
            finally:
                context.close()
    assert sideways == [], "\n".join(sideways)
