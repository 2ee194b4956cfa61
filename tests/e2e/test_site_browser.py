"""Browser: the home page, signing in, keyboard access to support, and accessibility scans."""

import pytest

from tests.e2e.conftest import landed, sign_in
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def demo_site(transactional_db):
    from cms.demo import seed_site

    return seed_site()


def test_home_page_loads_and_trainee_signs_in(page, demo_site, screenshot):
    UserFactory(email="jordan@example.org", legal_name="Jordan Ellis", preferred_name="Jordan")
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == demo_site.hero_title
    screenshot(page, "home")
    sign_in(page, "jordan@example.org", PASSWORD)
    page.wait_for_url("**/learn/")  # a learner lands on their learning page
    page.goto("/accounts/profile/")
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Jordan"
    screenshot(page, "profile")


def test_support_link_is_reachable_by_keyboard(page, demo_site):
    """From the top of any page, Tab reaches "Need support now?" and Enter opens it."""
    page.goto("/")
    for _ in range(12):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        if focused == "Need support now?":
            break
    else:
        pytest.fail("Tab never reached the support link within 12 presses")
    page.keyboard.press("Enter")
    page.wait_for_url("**/support/")
    assert page.get_by_role("heading", name="Samaritans").is_visible()


def test_skip_link_moves_focus_to_main(page, demo_site):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_quick_exit_leaves_and_replaces_history(page, demo_site, live_server):
    """Escape twice leaves for the neutral site and Back does not return to the page."""
    from cms.models import SupportSettings

    settings = SupportSettings.objects.get()
    settings.quick_exit_url = f"{live_server.url}/no-such-neutral-page/"
    settings.save()
    page.goto("/about/")
    page.goto("/support/")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url("**/no-such-neutral-page/")
    page.go_back()
    assert page.url.endswith("/about/")  # the support page was replaced, not stacked


@pytest.mark.parametrize(
    "path,name", [("/", "home"), ("/accounts/login/", "login"), ("/support/", "support")]
)
def test_public_pages_have_no_serious_accessibility_violations(
    page, demo_site, axe, screenshot, path, name
):
    page.goto(path)
    violations = axe(page)
    screenshot(page, name)
    assert violations == []


def test_profile_page_has_no_serious_accessibility_violations(page, demo_site, axe, screenshot):
    UserFactory(email="jordan@example.org", legal_name="Jordan Ellis")
    sign_in(page, "jordan@example.org", PASSWORD)
    landed(page)
    page.goto("/accounts/profile/")
    violations = axe(page)
    screenshot(page, "profile")
    assert violations == []


def test_mobile_and_zoomed_layout_keeps_safety_tools_visible(
    browser, live_server, demo_site, screenshot
):
    """At phone width (the same reflow as 200% zoom on a laptop) nothing scrolls sideways."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    page = context.new_page()
    page.goto("/")
    assert page.get_by_role("link", name="Need support now?").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "home-mobile")
    context.close()
