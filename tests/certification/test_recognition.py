"""Recognition of prior learning, one requirement at a time: a trainee's claim with evidence,
an assessor's decision (accept, accept in part, decline with a reason), and the accepted
credit counted once wherever the requirement is checked, always shown as prior learning."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from certification.credentials.services import certificates as certificate_services
from certification.credentials.services import credentials as credential_services
from certification.credentials.services.credentials import check_eligibility
from certification.recognition.models import PriorLearningClaim
from certification.recognition.services import claims as claim_services
from certification.verification.services import public_record
from lms.hours import lines_for, sum_by_domain
from tests.certification.credential_helpers import (
    approved_minutes,
    make_course,
    make_credential,
    placement_for,
)
from tests.factories import UserFactory
from tests.factories.practicum import build_practicum

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def evidence():
    return SimpleUploadedFile("certificate.pdf", PDF, content_type="application/pdf")


@pytest.fixture
def frameworks(db):
    build_practicum()  # loads the frameworks (domains and competencies)


def claim_hours(client, trainee, text="icrc-pr/ethics: 6\nicrc-pr/advocacy: 2", **extra):
    client.force_login(trainee)
    return client.post(
        reverse("recognition:home"),
        {
            "kind": "training_hours",
            "title": "Mental Health First Aid, 2024",
            "provider": "Riverside College",
            "completed_on": "2024-05-01",
            "hours_by_domain": text,
            "description": "ZQXRPL what I learned there",
            "evidence_file": evidence(),
            **extra,
        },
    )


def test_training_hours_accepted_in_part_count_once_with_their_source(
    client, frameworks, registrar
):
    trainee = UserFactory()
    response = claim_hours(client, trainee)
    assert response.status_code == 302
    claim = PriorLearningClaim.objects.get(trainee=trainee)
    assert claim.hours == 8 and claim.status == "submitted"
    # Waiting: shown to the ledger but not counted.
    (line,) = lines_for([trainee.pk])[trainee.pk]
    assert line.status == "pending" and sum_by_domain([line]) == {}

    client.force_login(registrar)
    queue = client.get(reverse("recognition:queue")).content.decode()
    assert "Mental Health First Aid, 2024" in queue
    # In part without fewer hours, or without a reason: refused at the fields.
    refused = client.post(
        reverse("recognition:decide", args=[claim.pk]),
        {"decision": "partly_accepted", "granted_hours": "9"},
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Give fewer hours than asked (8)" in body and "Say why only part" in body
    client.post(
        reverse("recognition:decide", args=[claim.pk]),
        {"decision": "partly_accepted", "granted_hours": "4", "reason": "Only the ethics day."},
    )
    claim.refresh_from_db()
    assert claim.status == "partly_accepted" and claim.granted_hours == 4
    (line,) = lines_for([trainee.pk])[trainee.pk]
    assert line.counts and line.source == "prior_learning"
    assert line.title.startswith("Recognised prior learning")
    assert sum_by_domain([line]) == {"icrc-pr/ethics": 3, "icrc-pr/advocacy": 1}
    # Decided once.
    again = client.post(reverse("recognition:decide", args=[claim.pk]), {"decision": "accepted"})
    assert again.status_code == 400 and "decided already" in again.content.decode()
    client.force_login(trainee)
    page = client.get(reverse("recognition:detail", args=[claim.pk])).content.decode()
    assert "Accepted in part" in page and "Only the ethics day." in page


def test_bad_claims_are_refused_at_their_fields_with_input_kept(client, frameworks):
    trainee = UserFactory()
    response = claim_hours(client, trainee, text="icrc-pr/ethics: six")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Write one domain per line" in body and "Mental Health First Aid, 2024" in body
    response = claim_hours(client, trainee, text="icrc-pr/nonsense: 3")
    assert response.status_code == 400 and "We do not know the domain" in response.content.decode()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = claim_hours(client, trainee, completed_on=tomorrow)
    assert (
        response.status_code == 400 and "Give a date that has passed" in response.content.decode()
    )
    response = claim_hours(
        client,
        trainee,
        evidence_file=SimpleUploadedFile("certificate.pdf", b"MZ\x90 not a pdf"),
    )
    assert response.status_code == 400 and "content is not a" in response.content.decode()
    assert not PriorLearningClaim.objects.exists()


def test_declining_needs_a_reason_and_nothing_counts(client, frameworks, registrar):
    trainee = UserFactory()
    claim_hours(client, trainee)
    claim = PriorLearningClaim.objects.get()
    client.force_login(registrar)
    url = reverse("recognition:decide", args=[claim.pk])
    assert client.post(url, {"decision": "declined"}).status_code == 400
    client.post(url, {"decision": "declined", "reason": "The certificate does not show hours."})
    (line,) = lines_for([trainee.pk])[trainee.pk]
    assert line.status == "returned" and not line.counts
    assert line.note == "The certificate does not show hours."


def test_only_the_trainee_and_assessors_see_a_claim_and_its_evidence(
    client, frameworks, registrar, trainer
):
    trainee = UserFactory()
    claim_hours(client, trainee)
    claim = PriorLearningClaim.objects.get()
    download = client.get(reverse("recognition:evidence", args=[claim.pk]))
    assert b"".join(download.streaming_content) == PDF
    for person in (UserFactory(), trainer):
        client.force_login(person)
        assert client.get(reverse("recognition:detail", args=[claim.pk])).status_code == 404
        assert client.get(reverse("recognition:evidence", args=[claim.pk])).status_code == 404
        assert client.get(reverse("recognition:queue")).status_code == 403
    client.force_login(registrar)
    assert client.get(reverse("recognition:evidence", args=[claim.pk])).status_code == 200
    # An assessor never decides their own claim.
    claim_hours(client, registrar, title="My own volunteer training")
    own = PriorLearningClaim.objects.get(trainee=registrar)
    client.force_login(registrar)
    response = client.post(reverse("recognition:decide", args=[own.pk]), {"decision": "accepted"})
    assert response.status_code == 404
    own.refresh_from_db()
    assert own.status == "submitted"
    queue = client.get(reverse("recognition:queue")).content.decode()
    assert "My own volunteer training" not in queue and "Mental Health" in queue


def test_an_assessor_role_a_registrar_assigns(client, frameworks):
    assessor = UserFactory()
    group = Group.objects.create(name="Assessors")
    group.permissions.add(Permission.objects.get(codename="assess_priorlearningclaim"))
    assessor.groups.add(group)
    trainee = UserFactory()
    claim_hours(client, trainee)
    claim = PriorLearningClaim.objects.get()
    client.force_login(assessor)
    assert client.get(reverse("recognition:queue")).status_code == 200
    client.post(reverse("recognition:decide", args=[claim.pk]), {"decision": "accepted"})
    claim.refresh_from_db()
    assert claim.status == "accepted" and claim.decided_by == assessor


def test_a_course_and_practicum_hours_recognised_show_on_the_checklist_and_certificate(
    client, frameworks, registrar, django_capture_on_commit_callbacks
):
    make_course("ethics", quiz=False)
    make_credential("test-cert", required_courses=["ethics"], experience_hours=10)
    trainee = UserFactory(legal_name="Rowan Price")
    placement, supervisor = placement_for(trainee)
    approved_minutes(placement, supervisor, 6 * 60)
    course_claim = claim_services.make_claim(
        trainee=trainee,
        data={
            "kind": "course",
            "title": "Ethics for peer workers (Riverside, 2023)",
            "completed_on": date(2023, 6, 1),
            "course_slug": "ethics",
            "description": "Same syllabus.",
        },
    )
    hours_claim = claim_services.make_claim(
        trainee=trainee,
        data={
            "kind": "practicum_hours",
            "title": "Volunteer peer support, 2022",
            "completed_on": date(2022, 12, 1),
            "hours": 5,
            "credential_code": "test-cert",
            "description": "Supervised by the service lead.",
        },
    )
    eligibility = check_eligibility(trainee=trainee, credential_code="test-cert")
    assert not eligibility.met
    for claim in (course_claim, hours_claim):
        claim_services.decide(assessor=registrar, claim_id=claim.pk, decision="accepted")
    eligibility = check_eligibility(trainee=trainee, credential_code="test-cert")
    lines = {r.kind: r for r in eligibility.requirements}
    assert lines["course"].met and lines["course"].detail == "Ethics: recognised prior learning"
    hours = lines["practicum_hours"]
    assert hours.met and "11 of 10 practicum hours" in hours.detail
    assert "including 5 h recognised prior learning" in hours.detail
    credential_services.confirm_certificate_name(user=trainee, name="Rowan Price")
    with django_capture_on_commit_callbacks(execute=True):  # rendered and signed
        certificate, _ = certificate_services.issue_certificate(
            trainee=trainee, credential_code="test-cert"
        )
    certificate.refresh_from_db()
    by_kind = {item["kind"]: item["met_by"] for item in certificate.basis["requirements"]}
    assert by_kind == {"course": "prior_learning", "practicum_hours": "prior_learning"}
    record = public_record(certificate)
    assert "recognised prior learning for: Ethics; Practicum hours" in record["basis"]["statement"]
    assert record["basis"]["met_through_prior_learning"] == ["Ethics", "Practicum hours"]
    assert record["basis"]["every_requirement_met"] is True
    page = client.get(reverse("verify:certificate", args=[certificate.verification_code]))
    assert "Met through recognised prior learning" in page.content.decode()
    assert "Same syllabus" not in str(public_record(certificate))


def test_export_and_erasure_of_claims(client, frameworks, registrar):
    from lms.privacy.services import data_rights

    trainee = UserFactory()
    claim_hours(client, trainee)
    exported = str(data_rights.personal_data(user=trainee))
    assert "ZQXRPL what I learned there" in exported
    request = data_rights.request_erasure(user=trainee)
    data_rights.complete_erasure(registrar=registrar, request_id=request.pk)
    assert not PriorLearningClaim.objects.filter(trainee=trainee).exists()
