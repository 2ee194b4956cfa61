"""Browser: a supervisor approves a week of entries with the keyboard alone (nothing ticked
in advance; password asked again), and every practicum page passes axe-core."""

import re

import pytest

from tests.e2e.conftest import focus_by_tab, landed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def practicum(transactional_db, settings):
    from certification.practicum.services import supervision as supervision_services
    from certification.standards.models import Competency
    from cms.demo import seed_site
    from tests.factories import build_practicum

    settings.PEERPATH_REAUTH_SECONDS = 0  # every signature asks for the password
    seed_site()
    scenario = build_practicum(week_of_entries=True)
    competency = Competency.objects.get(domain__framework__slug="samhsa-pw-2015", code="III.3")
    scenario.signoff = supervision_services.request_signoff(
        trainee=scenario.trainee,
        placement_id=scenario.placement.pk,
        competency_id=competency.pk,
        account="Checked in with a quiet group member afterwards and listened first.",
    )
    return scenario


def test_supervisor_approves_a_week_of_entries_by_keyboard(page, practicum, screenshot):
    from certification.practicum.models import PracticumEntry
    from tests.factories.accounts import PASSWORD

    sign_in(page, practicum.supervisor.email, PASSWORD)
    landed(page)
    page.goto("/practicum/")
    person = page.get_by_role("link", name="Jordan")
    focus_by_tab(page, person)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/practicum/supervise/{practicum.placement.pk}/")
    boxes = page.get_by_role("checkbox")
    # Nothing is ticked for the supervisor: each entry is chosen on purpose.
    assert boxes.count() == 5 and not any(boxes.nth(i).is_checked() for i in range(5))
    # Tick the first four with the space bar; the last day stays back.
    for i in range(4):
        focus_by_tab(page, boxes.nth(i))
        page.keyboard.press("Space")
    assert all(boxes.nth(i).is_checked() for i in range(4)) and not boxes.nth(4).is_checked()
    password = page.get_by_label("Your password, to sign")
    focus_by_tab(page, password)
    page.keyboard.type(PASSWORD)
    approve = page.get_by_role("button", name="Approve and sign the chosen entries")
    focus_by_tab(page, approve)
    screenshot(page, "before-approving")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/practicum/supervise/{practicum.placement.pk}/")
    assert page.get_by_text("Approved and signed 4 entries.").is_visible()
    screenshot(page, "after-approving")
    statuses = PracticumEntry.objects.filter(placement=practicum.placement).order_by("date")
    assert [e.status for e in statuses] == ["approved"] * 4 + ["submitted"]
    assert PracticumEntry.objects.get(pk=practicum.entries[0].pk).status == "submitted"  # newest


def test_practicum_pages_have_no_serious_accessibility_violations(page, practicum, axe, screenshot):
    from certification.practicum.services import practicum as practicum_services
    from tests.factories.accounts import PASSWORD

    approved = practicum_services.approve_entry(
        supervisor=practicum.supervisor, entry_id=practicum.entries[0].pk
    )
    p = practicum.placement.pk
    found = {}

    def scan(name, path=None):
        if path:
            page.goto(path)
        screenshot(page, name)
        found[name] = axe(page)

    sign_in(page, practicum.trainee.email, PASSWORD)
    landed(page)
    scan("trainee-home", "/practicum/")
    scan("placement", f"/practicum/{p}/")
    scan("log-hours", f"/practicum/{p}/entries/new/")
    page.get_by_label("Start time").fill("09:00")
    page.get_by_label("Duration in minutes").fill("90")
    page.get_by_label("What you did").fill("Met client Sarah, phone 07700 900123.")
    page.get_by_role("button", name="Save as draft").click()
    # Beside the description field, and listed (as a link to it) in the summary above.
    at_field = page.locator("#id_description_error").get_by_text("Please remove identifying")
    assert at_field.is_visible()
    assert page.get_by_role("link", name=re.compile("Please remove identifying")).is_visible()
    scan("log-hours-refused")
    scan("correction", f"/practicum/{p}/entries/{approved.pk}/correct/")
    scan("locked-entry", f"/practicum/{p}/entries/{approved.pk}/")
    scan("sign-off-request", f"/practicum/{p}/sign-off/")
    page.context.clear_cookies()

    sign_in(page, practicum.supervisor.email, PASSWORD)
    landed(page)
    scan("supervisor-home", "/practicum/")
    scan("supervise", f"/practicum/supervise/{p}/")
    page.get_by_role("button", name="Approve and sign the chosen entries").click()
    scan("supervise-password-missing")
    scan("session", f"/practicum/supervise/{p}/sessions/new/")
    scan("rating", f"/practicum/supervise/{p}/sign-off/{practicum.signoff.pk}/")
    assert {name: v for name, v in found.items() if v} == {}
