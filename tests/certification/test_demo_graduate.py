"""The demo graduate: `seed_demo` builds a trainee who has met every requirement of
peer-foundations through the real services, holds an issued certificate, and the command
prints its verification code next to the demo logins."""

import io

import pytest
from django.core.management import call_command

from certification.credentials import pdf
from certification.credentials.models import Certificate
from certification.credentials.services import credentials as credential_services

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_seed_demo_graduate_meets_every_requirement_and_holds_a_certificate(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    pdf.reset_process_state()
    output = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=output)
    certificate = Certificate.objects.get(
        trainee__email="graduate@peerpath.example", kind=Certificate.Kind.CREDENTIAL
    )
    eligibility = credential_services.check_eligibility(
        trainee=certificate.trainee, credential_code="peer-foundations"
    )
    assert eligibility.met and eligibility.ready_to_issue, eligibility.summary()
    assert certificate.ready, certificate.last_error or certificate.status
    assert certificate.route == Certificate.Route.AUTOMATIC
    assert len(certificate.courses) == 4 and len(certificate.competencies) == 3
    assert certificate.hours["practicum"] >= 80 and certificate.hours["supervision"] >= 4
    assert certificate.design["signatories"][0]["signature"]
    # Training hours: the basis counts them; the demo trainee's outside training waits.
    from certification.hours.models import OutsideTraining

    assert float(certificate.basis["training_hours"]["total"]) >= 20
    assert OutsideTraining.objects.get(trainee=certificate.trainee).status == "verified"
    waiting = OutsideTraining.objects.waiting().get()
    assert waiting.trainee.email == "trainee@peerpath.example"
    text = output.getvalue()
    assert "graduate@peerpath.example" in text
    assert f"verification code {certificate.grouped_code}" in text
    # The demo trainee is part-way: the checklist says what is missing.
    trainee = credential_services.check_eligibility(
        trainee=certificate.trainee.__class__.objects.get(email="trainee@peerpath.example"),
        credential_code="peer-foundations",
    )
    assert not trainee.met and "practicum hours" in trainee.summary()
    # A certificate of completion for each of the four courses, with its approved hours;
    # IC&RC's ethics domain (16 hours) is met by the courses alone.
    courses = Certificate.objects.filter(trainee=certificate.trainee, kind=Certificate.Kind.COURSE)
    assert courses.count() == 4 and all(c.ready for c in courses)
    by_domain = {}
    for course in courses:
        for item in course.contact_hours["by_domain"]:
            by_domain[item["key"]] = by_domain.get(item["key"], 0) + float(item["hours"])
    assert by_domain["icrc-pr/ethics"] == 16 and by_domain["icrc-pr/recovery"] == 10
    assert courses.get(credential_code="ethics").provider["approvals"][0]["number"]
    # The graduate passed the IC&RC exam (recorded by the registrar), and a CE record of
    # theirs waits in the review queue.
    from certification.credentials.models import ContinuingEducation
    from certification.exams.models import ExamResult

    exam = ExamResult.objects.get(trainee=certificate.trainee)
    assert exam.passed and exam.scaled_score == 562 and exam.exam_key == "icrc-pr"
    assert exam.evidence_file.read().startswith(b"%PDF-")
    waiting = ContinuingEducation.objects.waiting().get(holder=certificate.trainee)
    assert waiting.topic == "ethics"
    # Running it again changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    assert Certificate.objects.count() == 5
    assert ExamResult.objects.count() == 1 and ContinuingEducation.objects.count() == 1
