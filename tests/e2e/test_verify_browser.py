"""Browser: an employer scans the QR code on a certificate PDF and reads the verification page
by keyboard, with the landmarks, headings and labels a screen reader announces; a phone-width
layout; the PDF check; and axe-core on every verification page (the form, valid, revoked,
not found, rate-limited, and the PDF-check result). Screenshots go to tests/screenshots/."""

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.files.storage import default_storage

from certification.credentials import tasks as credential_tasks
from certification.credentials.services import certificates as certificate_services
from certification.credentials.services import credentials as credential_services
from certification.credentials.services import lifecycle as lifecycle_services
from certification.credentials.services import loading as loading_services
from tests.conftest import skip_or_fail
from tests.e2e.conftest import focus_by_tab
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def tool(name):
    path = shutil.which(name)
    if path is None:
        skip_or_fail(f"{name} is not installed: apt-get install zbar-tools poppler-utils")
    return path


@pytest.fixture
def certificates(transactional_db, settings, tmp_path):
    """Two certificates: one valid with its real PDF (and QR code), one revoked."""
    from certification.credentials import pdf
    from certification.credentials.models import Certificate, CertificateTemplate
    from cms.demo import seed_site
    from tests.certification.credential_helpers import make_credential

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PEERPATH_VERIFY_RATE_LIMIT = 1000
    pdf.reset_process_state()
    seed_site()
    loading_services.load_frameworks()
    CertificateTemplate.objects.create(
        name="Northside", issuing_organisation="Northside Recovery College", is_default=True
    )
    make_credential(title="Peer Worker Foundations Certificate")
    registrar = UserFactory(legal_name="Ana Souza")

    def issue(name):
        trainee = UserFactory(legal_name=f"{name} Legal")
        credential_services.confirm_certificate_name(user=trainee, name=name)
        certificate, _ = certificate_services.issue_certificate(
            trainee=trainee, credential_code="test-cert", actor=registrar, reason="RPL"
        )
        credential_tasks.render_certificate_task(certificate.pk)  # already run on commit: a no-op
        assert Certificate.objects.get(pk=certificate.pk).ready
        Certificate.objects.filter(pk=certificate.pk).update(
            competencies=[{"code": "samhsa-pw-2015/III.1", "text": "Relates own recovery story"}]
        )
        return Certificate.objects.get(pk=certificate.pk)

    valid = issue("Jordan Ellis")
    revoked = issue("Sam Rivera")
    lifecycle_services.revoke_certificate(
        registrar=registrar, certificate_id=revoked.pk, reason="Paperwork mixup"
    )
    return valid, revoked


def qr_url(certificate, tmp_path) -> str:
    """The URL in the QR code printed on the certificate's PDF, as a phone camera reads it."""
    path = default_storage.path(certificate.pdf.name)
    subprocess.run(
        [tool("pdftoppm"), "-png", "-r", "150", "-singlefile", path, str(tmp_path / "qr")],
        check=True,
    )
    return subprocess.run(
        [tool("zbarimg"), "--quiet", "--raw", str(tmp_path / "qr.png")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_employer_scans_the_qr_code_and_reads_the_page_by_keyboard(
    page, certificates, tmp_path, screenshot, axe
):
    valid, _revoked = certificates
    url = qr_url(valid, tmp_path)
    assert url == valid.verification_url
    page.goto(urlsplit(url).path)  # the QR's address, on the test server
    assert page.title().startswith("Valid certificate: Jordan Ellis")
    # Landmarks and the status first, as a screen reader meets them.
    assert page.get_by_role("banner").count() == 1
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("contentinfo").count() == 1
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text().strip().endswith("Valid certificate")
    status = page.get_by_role("region", name="Valid certificate")
    assert status.is_visible()
    assert "expires on" in status.inner_text()
    # The record: terms and their definitions.
    terms = page.get_by_role("term").all_inner_texts()
    definitions = page.get_by_role("definition").all_inner_texts()
    record = dict(zip(terms, definitions, strict=True))
    assert record["Holder"] == "Jordan Ellis"
    assert record["Issued by"] == "Northside Recovery College"
    assert record["Certificate code"] == valid.grouped_code
    assert record["Credential"].startswith("Peer Worker Foundations Certificate")
    # Keyboard: the skip link first, then into the record, to the framework link.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    alignment = page.get_by_role("link", name=re.compile("III.1: Relates own recovery story"))
    focus_by_tab(page, alignment, limit=10)
    page.keyboard.press("Enter")
    page.wait_for_url("**/frameworks/samhsa-pw-2015/III.1/")
    screenshot(page, "framework-from-verify")
    page.go_back()
    screenshot(page, "valid")
    assert axe(page) == []


def test_phone_width_and_revoked_and_not_found_pages(page, certificates, screenshot, axe):
    valid, revoked = certificates
    page.set_viewport_size({"width": 360, "height": 740})
    for name, path in [
        ("valid-phone", f"/verify/{valid.verification_code}/"),
        ("revoked-phone", f"/verify/{revoked.grouped_code.lower()}/"),
    ]:
        page.goto(path)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px"
        screenshot(page, name)
        assert axe(page) == []
    # Its accessible name (what a screen reader says) leaves the decorative icon out.
    assert page.get_by_role("heading", level=1, name=re.compile(r"^Revoked on \d")).is_visible()
    assert "Paperwork mixup" not in page.content()
    # The form, typed by keyboard, then a code that cannot be shown.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/verify/")
    assert axe(page) == []
    field = page.get_by_label("Certificate code")
    field.fill("not-a-real-code")
    field.press("Enter")
    page.wait_for_url("**/verify/not-a-real-code/")
    assert (
        page.get_by_role("heading", level=1)
        .inner_text()
        .strip()
        .endswith("No certificate to show for this code")
    )
    assert "not-a-real-code" not in page.locator("main").inner_text()
    screenshot(page, "not-found")
    assert axe(page) == []


def test_rate_limited_page(page, certificates, settings, screenshot, axe):
    settings.PEERPATH_VERIFY_RATE_LIMIT = 1
    page.goto("/verify/first/")
    response = page.goto("/verify/second/")
    assert response.status == 429
    assert page.get_by_role("heading", level=1).inner_text() == "Too many checks for now"
    screenshot(page, "rate-limited")
    assert axe(page) == []


def test_pdf_check_by_keyboard(page, certificates, tmp_path, screenshot, axe):
    valid, _revoked = certificates
    page.goto("/verify/check-pdf/")
    assert axe(page) == []
    original = default_storage.path(valid.pdf.name)
    page.get_by_label("Certificate PDF").set_input_files(original)
    page.get_by_role("button", name="Check the PDF").click()
    page.wait_for_load_state()
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "The PDF matches a certificate we issued"
    )
    assert page.get_by_role("region", name="Valid certificate").is_visible()
    screenshot(page, "pdf-matches")
    assert axe(page) == []
    edited = tmp_path / "edited.pdf"
    data = Path(original).read_bytes()
    edited.write_bytes(data[:-20] + b"%edited" + data[-13:])
    page.get_by_label("Certificate PDF").set_input_files(str(edited))
    page.get_by_role("button", name="Check the PDF").click()
    page.wait_for_load_state()
    assert "does not match any certificate" in page.get_by_role("heading", level=1).inner_text()
    screenshot(page, "pdf-edited")
    assert axe(page) == []
    # A file that is not a PDF: a clear message next to the field.
    not_pdf = tmp_path / "photo.pdf"
    not_pdf.write_bytes(b"\x89PNG\r\n\x1a\n not a pdf")
    page.get_by_label("Certificate PDF").set_input_files(str(not_pdf))
    page.get_by_role("button", name="Check the PDF").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text().count("This file is not a PDF") == 1
    assert axe(page) == []
