"""Data rights: a person downloads everything held about them (JSON and a readable PDF) and
asks for erasure; a registrar completes it before the deadline; what must stay, stays (the
signed hours, verifiable; the audit trail, pseudonymous), and everything else is gone."""

import json
import subprocess
from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.credentials.services import credentials as credential_services
from certification.credentials.services import renewal as renewal_services
from certification.organisations import services as organisation_services
from certification.practicum.models import (
    Notification,
    PracticumEntry,
    SignOffRequest,
    SupervisionSession,
)
from certification.practicum.services import practicum as practicum_services
from certification.practicum.services import supervision as supervision_services
from certification.standards.models import Competency
from courses.models import Reflection
from lms.accounts.models import ErasureRequest, User
from lms.accounts.reauth import SESSION_KEY
from lms.audit.models import AuditEvent
from lms.audit.services.events import verify_audit_chain
from lms.privacy.services import data_rights, wellbeing
from tests.factories import CourseIndexPageFactory, build_course, build_practicum
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

NOTES = "Private: we talked about the anniversary of my sister's death."
REFLECTION = "Writing this down helps me notice when I over-share."


@pytest.fixture
def person(site, roles):
    practicum = build_practicum(week_of_entries=True)
    practicum_services.approve_entries(
        supervisor=practicum.supervisor, entry_ids=[e.pk for e in practicum.entries[:2]]
    )
    supervision_services.record_session(
        supervisor=practicum.supervisor,
        placement_id=practicum.placement.pk,
        kind="individual",
        date=timezone.localdate() - timedelta(days=9),
        start_time=time(15, 0),
        minutes=60,
        private_notes=NOTES,
    )
    request = supervision_services.request_signoff(
        trainee=practicum.trainee,
        placement_id=practicum.placement.pk,
        competency_id=Competency.objects.get(
            domain__framework__slug="samhsa-pw-2015", code="III.3"
        ).pk,
        account="Shared a little of my story in group, briefly and on purpose.",
    )
    supervision_services.rate_signoff(
        supervisor=practicum.supervisor, request_id=request.pk, rating="competent", comment="Yes."
    )
    CourseIndexPageFactory(parent=site)
    _course, lessons = build_course(title="Boundaries", modules=1, lessons_per_module=1)
    Reflection.objects.create(
        user=practicum.trainee, lesson=lessons[0], block_id="b1", prompt="What?", text=REFLECTION
    )
    return practicum


def test_the_json_export_holds_everything_and_only_for_its_owner(client, person):
    client.force_login(person.trainee)
    response = client.get(reverse("privacy:export_json"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == person.trainee.email
    assert data["reflections"][0]["text"] == REFLECTION
    assert data["supervision_sessions"][0]["private_notes"] == NOTES
    assert len(data["practicum_entries"]) == 6  # five logged, one from the session
    assert data["competency_signoffs"][0]["ratings"][0]["rating"] == "Competent"
    # The supervisor's export has none of the trainee's data.
    client.force_login(person.supervisor)
    theirs = json.loads(client.get(reverse("privacy:export_json")).content)
    assert theirs["reflections"] == [] and theirs["supervision_sessions"] == []
    assert NOTES not in json.dumps(theirs)


def test_the_pdf_export_is_readable(client, person, tmp_path):
    client.force_login(person.trainee)
    response = client.get(reverse("privacy:export_pdf"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "export.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Your Peerpath data" in text
    assert "anniversary" in text  # the notes, for their owner


def test_erasure_request_then_completion_by_a_registrar(client, person, registrar):
    trainee = person.trainee
    client.force_login(trainee)
    # Without the confirmation box nothing happens.
    client.post(reverse("privacy:erase"), {"password": PASSWORD})
    assert not ErasureRequest.objects.exists()
    client.post(reverse("privacy:erase"), {"confirm": "yes", "password": PASSWORD})
    erasure = ErasureRequest.objects.get()
    assert erasure.due_by == timezone.localdate() + timedelta(days=30)
    page = client.get(reverse("privacy:home")).content.decode()
    assert "A registrar will complete it by" in page

    # Trainees and supervisors cannot see or complete requests.
    assert client.get(reverse("privacy:requests")).status_code == 403
    assert client.post(reverse("privacy:complete", args=[erasure.pk])).status_code == 403

    client.force_login(registrar)
    listing = client.get(reverse("privacy:requests")).content.decode()
    assert trainee.email in listing
    response = client.post(reverse("privacy:complete", args=[erasure.pk]))
    assert response.status_code == 302
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.COMPLETED

    person_now = User.objects.get(pk=trainee.pk)
    assert person_now.legal_name == "Erased person" and not person_now.is_active
    assert person_now.email.endswith("@erased.invalid")
    assert not person_now.has_usable_password()
    assert not Reflection.objects.filter(user=trainee).exists()
    assert not Notification.objects.filter(recipient=trainee).exists()
    assert SupervisionSession.objects.get().private_notes == ""
    assert SignOffRequest.objects.get().account == ""
    # The signed hours stay, and the record still verifies.
    assert PracticumEntry.objects.filter(placement__trainee=trainee, status="approved").count() == 3
    assert verify_audit_chain() == []
    from django.core.management import call_command

    call_command("verify_audit_chain")
    # The audit trail keeps the person's pseudonym (the id of the anonymised account).
    assert AuditEvent.objects.filter(actor_id=trainee.pk, action="entry.created").exists()
    assert AuditEvent.objects.filter(action="erasure.completed", actor_id=registrar.pk).exists()


def test_a_completed_request_cannot_run_twice_and_bad_ids_are_clear(client, person, registrar):
    erasure = data_rights.request_erasure(user=person.trainee)
    assert data_rights.request_erasure(user=person.trainee) == erasure  # one open request
    client.force_login(registrar)
    client.post(reverse("privacy:complete", args=[erasure.pk]))
    response = client.post(reverse("privacy:complete", args=[erasure.pk]), follow=True)
    assert "not open" in response.content.decode()
    response = client.post(reverse("privacy:complete", args=[99999]), follow=True)
    assert "could not find" in response.content.decode()


def test_a_disabled_account_is_signed_out_at_its_next_request(client, person):
    client.force_login(person.trainee)
    assert client.get(reverse("practicum:home")).status_code == 200
    User.objects.filter(pk=person.trainee.pk).update(is_active=False)
    response = client.get(reverse("practicum:home"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_withdrawing_keeps_everything(client, person):
    client.force_login(person.trainee)
    data_rights.request_erasure(user=person.trainee)
    client.post(reverse("privacy:withdraw"))
    assert ErasureRequest.objects.get().status == ErasureRequest.Status.WITHDRAWN
    assert Reflection.objects.filter(user=person.trainee).exists()


def test_retention_purges_stale_drafts_invitations_and_unused_accounts(person, settings):
    from datetime import UTC, datetime

    from lms.accounts.models import Invitation
    from tests.factories import InvitationFactory, UserFactory, log_entry

    settings.PEERPATH_RETENTION_DAYS = 30
    long_ago = timezone.now() - timedelta(days=60)
    stale = log_entry(person.placement, days_ago=20)
    fresh = log_entry(person.placement, days_ago=21)
    PracticumEntry.objects.filter(pk=stale.pk).update(created_at=long_ago)
    old_invite = InvitationFactory(expires_at=long_ago)
    new_invite = InvitationFactory()
    unused = UserFactory()
    User.objects.filter(pk=unused.pk).update(date_joined=long_ago)
    active = UserFactory(last_login=datetime(2026, 1, 1, tzinfo=UTC))
    User.objects.filter(pk=active.pk).update(date_joined=long_ago)

    assert data_rights.purge_stale_data() == {"drafts": 1, "invitations": 1, "accounts": 1}
    assert not PracticumEntry.objects.filter(pk=stale.pk).exists()
    assert PracticumEntry.objects.filter(pk=fresh.pk).exists()
    assert not Invitation.objects.filter(pk=old_invite.pk).exists()
    assert Invitation.objects.filter(pk=new_invite.pk).exists()
    assert not User.objects.filter(pk=unused.pk).exists()
    assert User.objects.filter(pk=active.pk).exists()
    assert User.objects.filter(pk=person.trainee.pk).exists()
    # Submitted and approved entries are never purged, however old.
    assert PracticumEntry.objects.filter(placement=person.placement).count() == 7
    assert data_rights.purge_stale_data() == {"drafts": 0, "invitations": 0, "accounts": 0}
    assert verify_audit_chain() == []


# The wellbeing space, continuing education, sharing and the audit trail in the export, and
# what erasure does to them.

STATEMENT = "I share my story about recovery only when it helps the person in front of me."
CHECKIN_NOTE = "Slept badly after the anniversary; going gently today."
CE_EVIDENCE = "Certificate number CE-4471, ask the trainer at Northside."


@pytest.fixture
def holder(person, settings, tmp_path):
    """The person also holds a certificate shared with an employer, two CE records (one a
    renewal counted), a statement and two check-ins."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from certification.credentials.models import ContinuingEducation
    from tests.certification.org_helpers import employer, issued_certificate

    settings.MEDIA_ROOT = tmp_path / "media"
    trainee = person.trainee
    credential_services.confirm_certificate_name(user=trainee, name="Jordan Ellis")
    certificate = issued_certificate(trainee=trainee)
    riverside = employer()
    organisation_services.share_certificate(
        holder=trainee, certificate_id=certificate.pk, organisation_id=riverside.pk
    )
    used = renewal_services.add_ce_record(
        holder=trainee,
        title="Trauma-informed practice refresher",
        provider="Northside Recovery College",
        topic="ethics",
        hours="6",
        completed_on=timezone.localdate() - timedelta(days=40),
        evidence_text=CE_EVIDENCE,
        evidence_file=SimpleUploadedFile("my-cert.pdf", b"%PDF-1.7\n% evidence\n"),
    )
    ContinuingEducation.objects.filter(pk=used.pk).update(used_for=certificate)
    renewal_services.add_ce_record(
        holder=trainee,
        title="Self-care workshop",
        topic="ethics",
        hours="2",
        completed_on=timezone.localdate() - timedelta(days=10),
    )
    wellbeing.save_statement(trainee=trainee, text=STATEMENT, share_with_supervisor=True)
    wellbeing.record_checkin(
        trainee=trainee,
        on=timezone.localdate(),
        energy=2,
        stress=5,
        note=CHECKIN_NOTE,
        tell_supervisor=True,
    )
    wellbeing.record_checkin(trainee=trainee, on=timezone.localdate(), energy=4, stress=2)
    person.certificate, person.organisation, person.used_ce = certificate, riverside, used
    return person


def test_the_export_holds_wellbeing_ce_sharing_and_a_pseudonymous_audit_trail(client, holder):
    client.force_login(holder.trainee)
    data = json.loads(client.get(reverse("privacy:export_json")).content)
    assert data["lived_experience_statement"]["text"] == STATEMENT
    assert data["lived_experience_statement"]["shared_with_your_supervisor"] is True
    assert [c["note"] for c in data["wellbeing_checkins"]] == ["", CHECKIN_NOTE]
    assert data["wellbeing_checkins"][1]["asked_supervisor_to_know"] is True
    ce = {r["title"]: r for r in data["continuing_education"]}
    assert ce["Trauma-informed practice refresher"]["evidence"] == CE_EVIDENCE
    assert ce["Trauma-informed practice refresher"]["evidence_document"] == "my-cert.pdf"
    assert ce["Trauma-informed practice refresher"]["counted_toward_renewal"] == (
        holder.certificate.grouped_code
    )
    assert ce["Self-care workshop"]["counted_toward_renewal"] is None
    consent = data["consent_and_sharing"]
    assert consent["certificate_shares"][0]["organisation"] == holder.organisation.name
    assert consent["certificate_shares"][0]["stopped_at"] is None
    assert consent["name_on_certificates"]["name"]
    assert consent["supervision_agreements"][0]["you_accepted"]
    assert consent["lived_experience_statement_shared_with_supervisor"] is True
    assert {m["organisation"] for m in data["memberships"]} == {
        m.organisation.name for m in holder.trainee.memberships.all()
    }
    assert data["supervision_sessions"][0]["private_notes"] == NOTES
    assert len(data["certificates"]) == 1

    events = data["audit_events"]
    actions = {e["action"] for e in events}
    # As actor (entries logged, CE recorded, a share) and as subject (approved by the
    # supervisor, the certificate issued by a registrar).
    assert {"entry.created", "entry.approved", "ce.recorded", "certificate.issued"} <= actions, (
        actions
    )
    by = {e["by"] for e in events}
    assert "you" in by
    others = by - {"you", None}
    assert others and all(name.startswith("person-") for name in others)
    # Pseudonyms only: no other person's id, name or email anywhere in the trail.
    trail = json.dumps(events)
    assert holder.supervisor.email not in trail
    assert holder.supervisor.display_name not in trail
    assert data_rights.pseudonym(holder.supervisor.pk) in by
    # Nobody else's trail: the supervisor's own export has none of the trainee's events.
    client.force_login(holder.supervisor)
    theirs = json.loads(client.get(reverse("privacy:export_json")).content)
    assert theirs["wellbeing_checkins"] == [] and theirs["lived_experience_statement"] is None
    assert not any(e["action"] == "ce.recorded" for e in theirs["audit_events"])


def test_the_pdf_export_has_every_section_and_is_tagged(client, holder, tmp_path):
    client.force_login(holder.trainee)
    response = client.get(reverse("privacy:export_pdf"))
    assert response.status_code == 200
    path = tmp_path / "export.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    for heading in (
        "Your lived-experience statement",
        "Wellbeing check-ins",
        "Continuing education",
        "Consent and sharing",
        "Certificates",
        "Organisations",
        "Audit trail",
    ):
        assert heading in flat, heading
    assert " ".join(STATEMENT.split()) in flat
    assert " ".join(CHECKIN_NOTE.split()) in flat
    assert holder.organisation.name in flat
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:" in info and "yes" in info.split("Tagged:")[1].splitlines()[0]


def test_erasure_removes_wellbeing_and_handles_ce_records(
    client, holder, registrar, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from certification.credentials.models import ContinuingEducation
    from certification.organisations.models import CertificateShare
    from lms.privacy.models import LivedExperienceStatement, WellbeingCheckIn

    trainee = holder.trainee
    evidence = ContinuingEducation.objects.get(pk=holder.used_ce.pk).evidence_file.name
    assert default_storage.exists(evidence)
    erasure = data_rights.request_erasure(user=trainee)
    client.force_login(registrar)
    with django_capture_on_commit_callbacks(execute=True):  # evidence files go after commit
        response = client.post(reverse("privacy:complete", args=[erasure.pk]))
    assert response.status_code == 302
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.COMPLETED

    assert not LivedExperienceStatement.objects.filter(trainee=trainee).exists()
    assert not WellbeingCheckIn.objects.filter(trainee=trainee).exists()
    # The record a renewal counted stays as its evidence, reduced to topic, hours and date.
    kept = ContinuingEducation.objects.get(holder=trainee)
    assert kept.pk == holder.used_ce.pk and kept.used_for_id == holder.certificate.pk
    assert (kept.title, kept.provider, kept.evidence_text, kept.evidence_file.name) == (
        "Erased",
        "",
        "",
        "",
    )
    assert str(kept.hours) == "6.00" and kept.topic == "ethics"
    assert not default_storage.exists(evidence)
    # The employer no longer watches the certificate.
    assert not CertificateShare.objects.active().filter(certificate__trainee=trainee).exists()
    counts = AuditEvent.objects.get(action="erasure.completed").after
    assert counts["wellbeing_checkins"] == 2 and counts["lived_experience_statement"] == 1
    assert counts["ce_records_deleted"] == 1 and counts["ce_records_reduced"] == 1
    assert verify_audit_chain() == []


def test_erase_now_says_what_will_happen_and_asks_for_the_password(client, holder, registrar):
    """ "Erase now" in the queue is a link to a page that says what erasure does, including
    what the public check of each certificate will say afterwards; GET changes nothing; the
    erasure runs only on the re-authenticated POST."""
    erasure = data_rights.request_erasure(user=holder.trainee)
    client.force_login(registrar)
    session = client.session
    session[SESSION_KEY] = 0
    session.save()
    listing = client.get(reverse("privacy:requests")).content.decode()
    url = reverse("privacy:complete", args=[erasure.pk])
    assert f'href="{url}"' in listing and f'action="{url}"' not in listing

    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert holder.certificate.grouped_code in body
    assert "will say “No certificate to show for this code” afterwards" in body
    assert "Erasure cannot be undone." in body and 'name="password"' in body
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.OPEN

    response = client.post(url, {"password": "wrong"})
    assert response.status_code == 400 and "not right" in response.content.decode()
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.OPEN
    assert User.objects.get(pk=holder.trainee.pk).is_active

    response = client.post(url, {"password": PASSWORD})
    assert response.status_code == 302
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.COMPLETED
