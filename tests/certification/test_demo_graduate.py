"""The demo graduate: `seed_demo` builds a trainee who has met every requirement of
peer-foundations through the real services, holds an issued certificate, and the command
prints its verification code next to the demo logins."""

import io

import pytest
from django.core.management import call_command

from certification import pdf, services
from certification.models import Certificate

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_seed_demo_graduate_meets_every_requirement_and_holds_a_certificate(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    pdf.reset_process_state()
    output = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=output)
    certificate = Certificate.objects.get(trainee__email="graduate@peerpath.example")
    eligibility = services.check_eligibility(
        trainee=certificate.trainee, credential_code="peer-foundations"
    )
    assert eligibility.met and eligibility.ready_to_issue, eligibility.summary()
    assert certificate.ready, certificate.last_error or certificate.status
    assert certificate.route == Certificate.Route.AUTOMATIC
    assert len(certificate.courses) == 4 and len(certificate.competencies) == 3
    assert certificate.hours["practicum"] >= 80 and certificate.hours["supervision"] >= 4
    assert certificate.design["signatories"][0]["signature"]
    text = output.getvalue()
    assert "graduate@peerpath.example" in text
    assert f"verification code {certificate.grouped_code}" in text
    # The demo trainee is part-way: the checklist says what is missing.
    trainee = services.check_eligibility(
        trainee=certificate.trainee.__class__.objects.get(email="trainee@peerpath.example"),
        credential_code="peer-foundations",
    )
    assert not trainee.met and "practicum hours" in trainee.summary()
    # Running it again changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    assert Certificate.objects.count() == 1
