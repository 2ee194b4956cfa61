"""Browser: an employer's verifier checks a roster by keyboard only (choose the file, send
it, read the results table, download the CSV); a holder shares a certificate with the
employer by keyboard, which puts it on the employer's watch list; the renewal pages. Every
page scanned with axe-core; screenshots under tests/screenshots/<test name>/."""

import csv
import io
from pathlib import Path

import pytest

from tests.e2e.conftest import focus_by_tab, landed, sign_in
from tests.factories.accounts import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def employer_setup(transactional_db, settings, tmp_path):
    """The site, an employer with a verifier, and three issued certificates."""
    from types import SimpleNamespace

    from cms.demo import seed_site
    from tests.certification.org_helpers import employer, issued_certificate, member

    settings.MEDIA_ROOT = tmp_path / "media"
    seed_site()
    riverside = employer()
    verifier = member(riverside, "verifier", email="tom@riverside.example", legal_name="Tom Becker")
    certificates = [
        issued_certificate("Jordan Avery Ellis"),
        issued_certificate("Casey Morgan", expires_in=-10, issued_ago=800),
        issued_certificate("Robin Hale"),
    ]
    return SimpleNamespace(organisation=riverside, verifier=verifier, certificates=certificates)


def test_a_verifier_checks_a_roster_by_keyboard(page, employer_setup, tmp_path, screenshot, axe):
    jordan, casey, robin = employer_setup.certificates
    roster = tmp_path / "staff.csv"
    roster.write_text(
        "Name,Code\n"
        f"Jordan Avery Ellis,{jordan.grouped_code}\n"
        f"casey morgan,{casey.verification_code}\n"
        f"Sam Someone,{robin.verification_code}\n"
        "Blank Code,\n"
        "Lee Unknown,7KQ2M8XW4RZT9VBN3HJC6PDYF\n"
    )
    sign_in(page, "tom@riverside.example", PASSWORD)
    # A verifier lands on their organisation's roster check (lms/accounts/landing.py).
    page.wait_for_url("**/organisations/riverside/")
    assert page.get_by_role("heading", level=1).inner_text() == "Check a roster"
    assert axe(page) == []
    screenshot(page, "roster-form")

    # Listen for the file chooser before moving focus: the browser is told to hand choosers
    # to the test when a listener is added, and a listener added just before the key press
    # could lose that race on a loaded machine (the chooser then opened natively, unseen).
    page.on("filechooser", lambda _chooser: None)
    file_input = page.get_by_label("Roster file (CSV)")
    focus_by_tab(page, file_input)
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(roster))
    focus_by_tab(page, page.get_by_role("button", name="Check the roster"))
    page.keyboard.press("Enter")

    heading = page.get_by_role("heading", name="Results for 5 rows")
    heading.wait_for()
    table = page.get_by_role("table", name="Status of each row of the roster")
    rows = table.get_by_role("row")
    assert rows.count() == 6  # the header and five rows
    texts = [rows.nth(i).inner_text() for i in range(1, 6)]
    assert "Valid" in texts[0] and "Matches" in texts[0]
    assert "Expired" in texts[1] and "Matches" in texts[1]
    assert "Valid" in texts[2] and "Does not match" in texts[2]
    assert "No certificate code in this row." in texts[3]
    assert "Not found" in texts[4]
    assert page.get_by_role("columnheader", name="Name check").is_visible()
    assert axe(page) == []
    screenshot(page, "roster-results")

    # The table scrolls on narrow screens, so it can take focus; then the download link.
    download_link = page.get_by_role("link", name="Download these results as CSV")
    focus_by_tab(page, download_link)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    content = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert [r["status"] for r in rows] == [
        "Valid",
        "Expired",
        "Valid",
        "Not checked",
        "Not found",
    ]
    assert rows[2]["name matches"] == "NO"


def test_a_holder_shares_by_keyboard_and_the_employer_watches_it(
    page, browser, live_server, employer_setup, screenshot, axe
):
    jordan = employer_setup.certificates[0]
    sign_in(page, jordan.trainee.email, PASSWORD)
    landed(page)
    # The certificate page links here (tested over HTTP); it is reached directly because
    # the certificate body's inline style attributes trip this fixture's CSP check.
    page.goto(f"/sharing/{jordan.uuid}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Share with an employer"
    assert axe(page) == []
    select = page.get_by_label("Employer to share it with")
    focus_by_tab(page, select)
    select.select_option(label="Riverside Community Health Trust")
    focus_by_tab(page, page.get_by_role("button", name="Share", exact=True))
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Stop sharing with Riverside Community Health Trust").wait_for()
    assert page.get_by_text("Shared with Riverside Community Health Trust.").is_visible()
    assert axe(page) == []
    screenshot(page, "shared")

    page.goto("/renewal/")
    assert page.get_by_role("heading", level=1).inner_text() == "Renewal and continuing education"
    assert page.get_by_text("0 of 20 hours").is_visible()
    assert axe(page) == []
    page.goto(f"/renewal/{jordan.uuid}/")
    assert page.get_by_text("0 of 6 hours").is_visible()
    assert axe(page) == []
    screenshot(page, "renewal")

    context = browser.new_context(base_url=live_server.url)
    employer_page = context.new_page()
    try:
        sign_in(employer_page, "tom@riverside.example", PASSWORD)
        landed(employer_page)
        employer_page.goto("/organisations/riverside/watch/")
        table = employer_page.get_by_role(
            "table", name="Certificates shared with your organisation and their status"
        )
        assert table.get_by_role("rowheader", name="Jordan Avery Ellis").is_visible()
        assert "Valid" in table.inner_text()
        assert axe(employer_page) == []
        screenshot(employer_page, "watch-list")
    finally:
        context.close()
