"""A course's certificate of completion as a PDF: one tagged A4 landscape page whose text
carries the course as approved, the holder, the contact hours in total and by domain, the
delivery mode, the dates attended, the provider and its approved-provider numbers, the code
and the verification address; rendered to PNG for a person to look at (var/shots/)."""

import re

import pytest
from django.core.files.storage import default_storage

from certification.credentials import pdf
from certification.credentials.models import Certificate, CertificateTemplate
from certification.credentials.services import credentials as credential_services
from certification.credentials.services import loading as loading_services
from tests.certification.course_helpers import (
    complete_course,
    course_with_hours,
    provider_approvals,
)
from tests.certification.test_certificate_pdf import run, tool
from tests.conftest import ROOT
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SHOTS = ROOT / "var" / "shots"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    pdf.reset_process_state()


def test_course_certificate_pdf_shows_the_hours_by_domain(
    site, registrar, django_capture_on_commit_callbacks
):
    from certification.credentials.demo import seed_certificate_design

    loading_services.load_frameworks()
    seed_certificate_design()
    CertificateTemplate.objects.update(is_default=True)
    provider_approvals()
    course, lessons = course_with_hours(
        registrar,
        "ethics-pdf",
        hours={
            "icrc-pr/ethics": "8",
            "icrc-pr/mentoring": "4",
            "samhsa-pw-2015/IX": "7.5",
            "samhsa-pw-2015/XII": "4.5",
        },
    )
    learner = UserFactory(legal_name="Jordan Avery Ellis")
    credential_services.confirm_certificate_name(user=learner, name="Jordan Avery Ellis")
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(learner, course, lessons)
    certificate = Certificate.objects.get(kind=Certificate.Kind.COURSE)
    assert certificate.ready
    path = default_storage.path(certificate.pdf.name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    run(
        tool("pdftoppm"),
        "-png",
        "-r",
        "110",
        "-singlefile",
        path,
        str(SHOTS / "course_certificate"),
    )
    assert (SHOTS / "course_certificate.png").stat().st_size > 10_000
    info = run(tool("pdfinfo"), path)
    assert re.search(r"^Pages:\s+1$", info, re.M)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    text = run(tool("pdftotext"), "-layout", path, "-").replace("\n", " ")
    flat = re.sub(r"\s+", " ", text)
    (SHOTS / "course_certificate.txt").write_text(flat)
    assert "CERTIFICATE OF COMPLETION" in flat.upper()
    assert "Jordan Avery Ellis" in flat and "Ethics-Pdf (approved)" in flat
    assert "12 approved contact hours" in flat and "Live online" in flat
    for label, hours in (("Ethical Responsibility", "8"), ("Mentoring/Education", "4")):
        assert re.search(rf"{re.escape(label)}\s+icrc-pr/\w+\s+{hours}\b", flat), label
    assert re.search(r"samhsa-pw-2015/IX\s+7\.5\b", flat)
    assert "NAADAC NAADAC-212345" in flat and "PCB-4410" in flat
    assert "Northside Recovery College" in flat
    plain = re.sub(r"\s+", "", run(tool("pdftotext"), path, "-"))
    assert certificate.verification_url in plain and certificate.grouped_code in plain
    assert "Dr Helen Okafor" in flat
