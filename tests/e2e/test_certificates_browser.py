"""Browser: the credential checklist (progress bars, confirming the name, attesting) and the
holder's certificate page, before and after the PDF is ready; accessibility scans and
screenshots (tests/screenshots/<test name>/) for a person to look at."""

import pytest

from certification.credentials import tasks as credential_tasks
from certification.credentials.services import certificates as certificate_services
from certification.credentials.services import credentials as credential_services
from certification.credentials.services import loading as loading_services
from tests.e2e.conftest import landed, sign_in
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def progress(transactional_db, settings, tmp_path):
    """A trainee part-way to a credential: 62 of 80 hours, supervision done, ethics to attest."""
    from certification.credentials import pdf
    from certification.credentials.models import CertificateTemplate
    from cms.demo import seed_site
    from tests.certification.credential_helpers import (
        approved_minutes,
        make_credential,
        placement_for,
    )

    settings.MEDIA_ROOT = tmp_path / "media"
    pdf.reset_process_state()
    seed_site()
    loading_services.load_frameworks()
    CertificateTemplate.objects.create(
        name="Northside", issuing_organisation="Northside Recovery College", is_default=True
    )
    make_credential(
        code="peer-test",
        title="Peer Worker Foundations Certificate",
        experience_hours=80,
        supervision_hours=2,
        direct_service_share_min=0.5,
        attestations=["code_of_ethics"],
    )
    trainee = UserFactory(
        email="jordan@example.org", legal_name="Jordan Avery Ellis", preferred_name="Jordan"
    )
    placement, supervisor = placement_for(trainee, credential_code="peer-test")
    for day in range(1, 16):
        approved_minutes(placement, supervisor, 240, day=day)
    approved_minutes(placement, supervisor, 120, activity="supervision_individual", day=17)
    return trainee, placement, supervisor


def test_checklist_name_and_attestation(page, progress, screenshot, axe):
    trainee, placement, supervisor = progress
    sign_in(page, "jordan@example.org", PASSWORD)
    landed(page)
    page.goto("/credentials/")
    assert page.get_by_role("heading", level=1).inner_text() == "My credentials"
    assert page.get_by_text("62 of 80 practicum hours").is_visible()
    assert page.get_by_label("I agree").count() == 1  # offered once, though two ask for it
    assert page.locator("progress").count() >= 2
    screenshot(page, "checklist")
    assert axe(page) == []
    # Keyboard only: confirm the name, then attest.
    field = page.get_by_label("Name as it should appear on your certificate")
    assert field.input_value() == "Jordan Avery Ellis"
    field.fill("Jordan A. Ellis")
    field.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_text("Confirmed:").is_visible()
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Record my attestation").click()
    page.wait_for_load_state()
    assert page.get_by_text("Code of ethics: attested").first.is_visible()
    assert page.get_by_label("I agree").count() == 0
    screenshot(page, "checklist-after")


def test_certificate_page_being_prepared_then_ready(page, progress, screenshot, axe):
    from certification.credentials.models import Certificate

    trainee, _placement, _supervisor = progress
    credential_services.confirm_certificate_name(user=trainee, name="Jordan Avery Ellis")
    certificate, _ = certificate_services.issue_certificate(
        trainee=trainee, credential_code="peer-test", actor=UserFactory(), reason="Prior learning"
    )
    # The render queued on commit already ran in-process; show the page as it was before.
    Certificate.objects.filter(pk=certificate.pk).update(status="pending", pdf_sha256="", pdf="")
    sign_in(page, "jordan@example.org", PASSWORD)
    landed(page)
    page.goto(certificate.get_absolute_url())
    assert page.get_by_role("heading", name="Your certificate is being prepared").is_visible()
    assert page.get_by_role("link", name="Download the PDF").count() == 0
    screenshot(page, "being-prepared")
    assert credential_tasks.render_certificate_task(certificate.pk) is True
    page.reload()
    assert page.get_by_role("heading", name="Your certificate is ready").is_visible()
    certificate.refresh_from_db()
    assert page.get_by_text(certificate.grouped_code).first.is_visible()
    screenshot(page, "ready")
    assert axe(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    assert download.value.suggested_filename == f"certificate-{certificate.grouped_code}.pdf"
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    screenshot(page, "ready-phone")
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert not overflow, "the certificate page scrolls sideways on a phone"
