"""Browser: a trainee checks in with the keyboard only, gets the gentle support pointer on a
hard day, writes their statement; their supervisor sees only that they asked to be told.
Accessibility scans of each page, screenshots in tests/screenshots/<test name>/."""

import pytest

from tests.e2e.conftest import landed, sign_in
from tests.factories.accounts import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

NOTE = "Old feelings came up in group today."


@pytest.fixture
def people(transactional_db):
    from cms.demo import seed_site
    from tests.certification.credential_helpers import make_credential, placement_for
    from tests.factories import UserFactory

    seed_site()
    make_credential()
    trainee = UserFactory(
        email="jordan@example.org", legal_name="Jordan Avery Ellis", preferred_name="Jordan"
    )
    placement, supervisor = placement_for(trainee)
    supervisor.email = "marcus@example.org"
    supervisor.save(update_fields=["email"])
    return trainee, placement, supervisor


def test_check_in_by_keyboard_statement_and_the_supervisors_view(page, people, screenshot, axe):
    trainee, placement, supervisor = people
    sign_in(page, "jordan@example.org", PASSWORD)
    landed(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Wellbeing").click()
    page.wait_for_url("**/wellbeing/")
    assert page.get_by_role("heading", level=1).inner_text() == "Your wellbeing"
    assert axe(page) == []
    screenshot(page, "wellbeing-empty")

    # Keyboard only: focus the energy group, pick with the arrow keys, and so on.
    energy = page.get_by_role("group", name="Your energy today")
    energy.get_by_label("1, very low").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")  # moves to 2 and selects it
    stress = page.get_by_role("group", name="Your stress today")
    stress.get_by_label("5, very stressed").focus()
    page.keyboard.press("Space")
    page.get_by_label("A note for yourself (optional)").focus()
    page.keyboard.type(NOTE)
    page.get_by_label("I'd like my supervisor to know I'm struggling").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save my check-in").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    screenshot(page, "after-check-in")
    assert page.get_by_text("Thank you for checking in with yourself.").is_visible()
    pointer = page.get_by_role("heading", name="It sounds like things are heavy right now")
    assert pointer.is_visible()
    assert page.get_by_role("link", name="See support you can reach now").is_visible()
    row = page.get_by_role("row").filter(has_text=NOTE)
    assert "2 / 5" in row.inner_text() and "5 / 5" in row.inner_text()
    assert axe(page) == []
    screenshot(page, "wellbeing-after-a-hard-day")

    page.get_by_role("link", name="Write your statement").click()
    page.get_by_label("Your lived-experience statement").fill("What I share, and what I keep.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save my statement").click()
    assert page.get_by_text("Only you can read it.").is_visible()
    page.goto("/wellbeing/statement/")
    assert axe(page) == []
    screenshot(page, "statement")

    # The supervisor: the flag only.
    page.context.clear_cookies()
    sign_in(page, "marcus@example.org", PASSWORD)
    landed(page)
    page.goto(f"/practicum/supervise/{placement.pk}/")
    flag = page.get_by_role("heading", name="Jordan would like you to know they are struggling")
    assert flag.is_visible()
    content = page.content()
    assert NOTE not in content and "What I share" not in content
    assert axe(page) == []
    screenshot(page, "supervisor-sees-the-flag")
