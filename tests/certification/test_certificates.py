"""Issuing certificates: on the event that completes the rules, exactly once, manually with a
reason; snapshots that later edits never change; the holder's pages and the stored PDF;
failures that leave the certificate pending with the error recorded."""

import hashlib
import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.storage import default_storage

from certification.credentials import pdf
from certification.credentials import tasks as credential_tasks
from certification.credentials.exceptions import (
    CredentialError,
    NameNotConfirmedError,
    NotEligibleError,
)
from certification.credentials.models import Certificate, CertificateTemplate
from certification.credentials.services import certificates as certificate_services
from certification.credentials.services import codes as verification_codes
from certification.credentials.services import credentials as credential_services
from certification.credentials.services import loading as loading_services
from certification.practicum.services import practicum as practicum_services
from certification.standards.models import Credential
from certification.standards.services import credentials as standards_credentials
from lms.audit.models import AuditEvent
from tests.certification.credential_helpers import (
    approved_minutes,
    finish_lessons,
    make_course,
    make_credential,
    placement_for,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    pdf.reset_process_state()


@pytest.fixture
def frameworks(db):
    loading_services.load_frameworks()


@pytest.fixture
def design(db):
    return CertificateTemplate.objects.create(
        name="Northside", issuing_organisation="Northside Recovery College", is_default=True
    )


@pytest.fixture
def hours_credential(frameworks, design):
    """A credential of 10 practicum hours and a confirmed-name trainee with a placement."""
    make_credential(experience_hours=10)
    trainee = UserFactory(legal_name="Jordan Avery Ellis")
    credential_services.confirm_certificate_name(user=trainee, name="Jordan Avery Ellis")
    placement, supervisor = placement_for(trainee)
    return trainee, placement, supervisor


def test_issued_on_commit_when_the_completing_course_is_finished(
    site, frameworks, design, django_capture_on_commit_callbacks
):
    """Completing the last lesson completes the course, which completes the rules: the
    issuing task runs on commit, then the PDF task, then the email."""
    course, lessons, _quiz = make_course("ethics-x", quiz=False)
    make_credential(required_courses=["ethics-x"])
    trainee = UserFactory()
    credential_services.confirm_certificate_name(user=trainee, name="Jordan Ellis")
    with django_capture_on_commit_callbacks(execute=True):
        finish_lessons(trainee, course, lessons[:-1])
    assert not Certificate.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        finish_lessons(trainee, course, lessons[-1:])
    # The course's own certificate of completion is issued too (test_course_certificates).
    certificate = Certificate.objects.get(kind=Certificate.Kind.CREDENTIAL)
    assert Certificate.objects.filter(kind=Certificate.Kind.COURSE, course=course).count() == 1
    assert certificate.status == Certificate.Status.ISSUED and certificate.ready
    assert certificate.courses == ["Ethics-X"] and certificate.holder_name == "Jordan Ellis"
    data = default_storage.open(certificate.pdf.name).read()
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    assert data.startswith(b"%PDF")
    [email] = [m for m in mail.outbox if certificate.get_absolute_url() in m.body]
    assert email.to == [trainee.email]
    assert "ready" in email.subject.lower()
    actions = list(
        AuditEvent.objects.filter(
            object_type="certification.certificate", object_id=str(certificate.pk)
        ).values_list("action", flat=True)
    )
    assert actions == ["certificate.issued", "certificate.pdf_stored"]


def test_issued_when_a_supervisor_signs_the_last_hours(
    hours_credential, django_capture_on_commit_callbacks
):
    """The practicum signal (sent when entries are approved) queues issuing on commit."""
    from certification.practicum.signals import practicum_signed

    trainee, placement, supervisor = hours_credential
    approved_minutes(placement, supervisor, 9 * 60)
    with django_capture_on_commit_callbacks(execute=True):
        practicum_signed.send(sender=None, trainee=trainee, credential_code="test-cert")
    assert not Certificate.objects.exists()
    approved_minutes(placement, supervisor, 60, day=2)
    with django_capture_on_commit_callbacks(execute=True):
        practicum_signed.send(sender=None, trainee=trainee, credential_code="test-cert")
    certificate = Certificate.objects.get()
    assert certificate.hours["practicum"] == 10 and certificate.ready


def test_confirming_the_name_last_triggers_issuing(
    frameworks, design, django_capture_on_commit_callbacks
):
    make_credential()
    trainee = UserFactory()
    credential_services.pin_credential(
        trainee=trainee, credential=Credential.objects.get(code="test-cert")
    )
    with pytest.raises(NameNotConfirmedError):
        certificate_services.issue_certificate(trainee=trainee, credential_code="test-cert")
    with django_capture_on_commit_callbacks(execute=True):
        credential_services.confirm_certificate_name(user=trainee, name="Sam Rivera")
    assert Certificate.objects.get().holder_name == "Sam Rivera"
    # The name is on a certificate now: the trainee can no longer change it themselves.
    with pytest.raises(CredentialError, match="ask a registrar"):
        credential_services.confirm_certificate_name(user=trainee, name="Someone Else")
    credential_services.set_certificate_name(
        registrar=UserFactory(), user=trainee, name="Sam J. Rivera"
    )
    assert Certificate.objects.get().holder_name == "Sam Rivera"


def test_issuing_twice_or_the_task_twice_gives_one_certificate(
    hours_credential, django_capture_on_commit_callbacks
):
    trainee, placement, supervisor = hours_credential
    with pytest.raises(NotEligibleError, match="0 of 10 practicum hours"):
        certificate_services.issue_certificate(trainee=trainee, credential_code="test-cert")
    approved_minutes(placement, supervisor, 600)
    with django_capture_on_commit_callbacks(execute=True):
        first = credential_tasks.issue_certificate_task(trainee.pk, "test-cert")
        second = credential_tasks.issue_certificate_task(trainee.pk, "test-cert")
    assert first == second == Certificate.objects.get().pk
    again, created = certificate_services.issue_certificate(
        trainee=trainee, credential_code="test-cert"
    )
    assert not created and again.pk == first
    assert credential_tasks.render_certificate_task(first) is False  # already stored: nothing to do
    assert len(default_storage.listdir("certificates")[1]) == 1
    assert credential_tasks.email_certificate_ready_task(first) is False
    assert len(mail.outbox) == 1


def test_database_allows_one_active_certificate_per_trainee_and_version(hours_credential):
    from django.db import IntegrityError, transaction

    trainee, placement, supervisor = hours_credential
    approved_minutes(placement, supervisor, 600)
    certificate, _ = certificate_services.issue_certificate(
        trainee=trainee, credential_code="test-cert"
    )
    duplicate = Certificate.objects.get(pk=certificate.pk)
    duplicate.pk = None
    duplicate.uuid = __import__("uuid").uuid4()
    duplicate.verification_code = verification_codes.generate_verification_code()
    duplicate._state.adding = True
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_manual_issue_needs_a_reason_and_a_registrar_and_is_audited(hours_credential):
    trainee, _placement, _supervisor = hours_credential
    registrar = UserFactory()
    with pytest.raises(NotEligibleError):
        certificate_services.issue_certificate(
            trainee=trainee, credential_code="test-cert", actor=registrar
        )
    with pytest.raises(CredentialError, match="registrar"):
        certificate_services.issue_certificate(
            trainee=trainee, credential_code="test-cert", reason="RPL"
        )
    certificate, created = certificate_services.issue_certificate(
        trainee=trainee,
        credential_code="test-cert",
        actor=registrar,
        reason="Recognition of prior learning: 600 hours as a peer worker at another service.",
    )
    assert created and certificate.route == Certificate.Route.MANUAL
    assert certificate.issued_by == registrar and certificate.manual_reason.startswith(
        "Recognition"
    )
    event = AuditEvent.objects.get(action="certificate.issued")
    assert event.actor == registrar and event.after["route"] == "manual"
    assert "Recognition" not in str(event.after)  # free text stays on the certificate
    with pytest.raises(CredentialError, match="does not issue"):
        certificate_services.issue_certificate(
            trainee=trainee, credential_code="icrc-pr", actor=registrar, reason="x"
        )


def test_registrar_issues_manually_in_the_admin(client, roles, hours_credential):
    from django.contrib.auth.models import Group

    trainee, _placement, _supervisor = hours_credential
    registrar = UserFactory(is_staff=True)
    registrar.groups.add(Group.objects.get(name="Registrars"))
    client.force_login(registrar)
    url = "/admin/certificates/issue/"
    credential = Credential.objects.get(code="test-cert")
    response = client.post(url, {"email": "nobody@example.org", "credential": credential.pk})
    assert response.status_code == 400 and b"No one has an account" in response.content
    response = client.post(
        url, {"email": trainee.email, "credential": credential.pk, "reason": "Prior learning"}
    )
    assert response.status_code == 302
    assert Certificate.objects.get().manual_reason == "Prior learning"
    client.force_login(trainee)
    assert client.get(url).status_code in (302, 403)


def test_snapshot_never_changes_when_people_courses_rules_or_designs_change(
    hours_credential, design
):
    trainee, placement, supervisor = hours_credential
    approved_minutes(placement, supervisor, 600)
    certificate, _ = certificate_services.issue_certificate(
        trainee=trainee, credential_code="test-cert"
    )
    before = {f: getattr(certificate, f) for f in Certificate.SNAPSHOT_FIELDS}
    html_before = pdf.render_html(pdf.certificate_context(certificate))

    trainee.legal_name = "Changed Name"
    trainee.save()
    credential_services.set_certificate_name(
        registrar=UserFactory(), user=trainee, name="Changed Name"
    )
    standards_credentials.save_credential_version(
        credential=Credential.objects.get(code="test-cert"),
        actor=None,
        rules={"title": "Renamed Credential", "alignment_statement": "Aligned to something else."},
    )
    design.heading = "Diploma"
    design.primary_colour = "#000000"
    design.issuing_organisation = "Someone Else"
    design.save()

    certificate = Certificate.objects.get(pk=certificate.pk)
    assert {f: getattr(certificate, f) for f in Certificate.SNAPSHOT_FIELDS} == before
    assert pdf.render_html(pdf.certificate_context(certificate)) == html_before
    certificate.holder_name = "Tampered"
    with pytest.raises(ValueError, match="never changed"):
        certificate.save()
    with pytest.raises(ValueError, match="never changed"):
        certificate.save(update_fields=["holder_name"])


def test_expiry_follows_validity_months(frameworks, design):
    make_credential(validity_months=24)
    trainee = UserFactory()
    credential_services.confirm_certificate_name(user=trainee, name="A Person")
    certificate, _ = certificate_services.issue_certificate(
        trainee=trainee, credential_code="test-cert"
    )
    assert certificate.expires_on.year == certificate.issued_on.year + 2


def test_verification_code_is_long_random_and_typo_tolerant():
    codes = {verification_codes.generate_verification_code() for _ in range(200)}
    assert len(codes) == 200
    code = codes.pop()
    assert len(code) == 25 and set(code) <= set(verification_codes.CROCKFORD)
    assert verification_codes.CODE_BITS >= 100
    grouped = "-".join(code[i : i + 5] for i in range(0, 25, 5))
    assert verification_codes.normalise_code(grouped.lower()) == code
    typed = code.replace("0", "o").replace("1", "l")
    assert verification_codes.normalise_code(typed) == code
    assert verification_codes.normalise_code("not a code") is None
    assert verification_codes.normalise_code("U" * 25) is None


# Failure handling.


def test_a_failed_render_stays_pending_with_the_error_and_the_sweeper_queues_it_again(
    hours_credential, monkeypatch, django_capture_on_commit_callbacks
):
    trainee, placement, supervisor = hours_credential
    approved_minutes(placement, supervisor, 600)
    monkeypatch.setattr(pdf, "FONT_FILES", (*pdf.FONT_FILES, "certification/fonts/Missing.ttf"))
    pdf.reset_process_state()
    with django_capture_on_commit_callbacks(execute=True):
        certificate, _ = certificate_services.issue_certificate(
            trainee=trainee, credential_code="test-cert"
        )
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.PENDING and not certificate.pdf
    assert "fonts missing" in certificate.last_error and certificate.render_attempts == 1
    assert mail.outbox == []
    # The holder sees "being prepared", and the PDF link is not there yet.
    from django.test import Client

    client = Client()
    client.force_login(trainee)
    page = client.get(certificate.get_absolute_url())
    assert b"being prepared" in page.content
    assert client.get(f"/certificates/{certificate.uuid}/certificate.pdf").status_code == 404
    # Nothing tried for a while: the sweeper picks it up; with the fonts back, it is stored.
    assert certificate_services.stale_certificate_ids(older_than=timedelta(minutes=15)) == []
    assert certificate_services.stale_certificate_ids(older_than=timedelta(0)) == [certificate.pk]
    monkeypatch.undo()
    pdf.reset_process_state()
    an_hour_ago = certificate.created_at - timedelta(hours=1)
    Certificate.objects.filter(pk=certificate.pk).update(last_attempt_at=an_hour_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert credential_tasks.requeue_stale_certificates_task() == 1
    certificate.refresh_from_db()
    assert certificate.ready and certificate.last_error == ""


def test_a_broken_template_or_refused_url_never_stores_a_pdf(hours_credential, monkeypatch):
    trainee, placement, supervisor = hours_credential
    approved_minutes(placement, supervisor, 600)
    certificate, _ = certificate_services.issue_certificate(
        trainee=trainee, credential_code="test-cert"
    )
    monkeypatch.setattr(
        pdf,
        "render_html",
        lambda context, *args, **kwargs: '<img src="https://example.org/tracker.png">',
    )
    assert credential_tasks.render_certificate_task(certificate.pk) is False
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.PENDING
    assert "Refused to fetch" in certificate.last_error and not certificate.pdf_sha256


# Holder pages.


def test_holder_page_pdf_download_and_privacy(client, hours_credential, caplog):
    trainee, placement, supervisor = hours_credential
    approved_minutes(placement, supervisor, 600)
    certificate, _ = certificate_services.issue_certificate(
        trainee=trainee, credential_code="test-cert"
    )
    credential_tasks.render_certificate_task(certificate.pk)
    certificate.refresh_from_db()
    url = certificate.get_absolute_url()
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404  # someone else's: not even its existence
    client.force_login(trainee)
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert certificate.grouped_code in text and certificate.verification_url in text
    assert "Jordan Avery Ellis" in text and "approved by" not in text.lower()
    response = client.get(f"/certificates/{certificate.uuid}/certificate.pdf?download=1")
    data = response.content
    assert response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    assert "attachment" in response["Content-Disposition"]
    # A file swapped on disk behind the database's back is never served.
    path = default_storage.path(certificate.pdf.name)
    with open(path, "ab") as handle:
        handle.write(b"tampered")
    assert client.get(f"/certificates/{certificate.uuid}/certificate.pdf").status_code == 404
    # A file lost from storage is a 404 and an error in the log, not a 500.
    default_storage.delete(certificate.pdf.name)
    with caplog.at_level(logging.ERROR, logger="certification.credentials.views"):
        assert client.get(f"/certificates/{certificate.uuid}/certificate.pdf").status_code == 404
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("certification")]
    assert logged == [f"Certificate {certificate.pk}: its stored PDF cannot be read"]
    assert client.get("/certificates/not-a-uuid/").status_code == 404


def test_credentials_page_shows_the_checklist_and_bad_input_is_a_clear_message(
    client, hours_credential
):
    trainee, placement, supervisor = hours_credential
    approved_minutes(placement, supervisor, 62 * 6)
    client.force_login(trainee)
    page = client.get("/credentials/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "6.2 of 10 practicum hours" in text and "<progress" in text
    assert "Peer Worker Foundations Certificate" in text
    assert client.get("/credentials/test-cert/").status_code == 200
    assert client.get("/credentials/no-such-credential/").status_code == 404
    # The name is locked only once a certificate carries it; a bad name is a 4xx with the
    # message and the typed text kept.
    response = client.post("/credentials/name/", {"name": "<b>bold</b>"})
    assert response.status_code == 400 and "&lt;b&gt;bold&lt;/b&gt;" in response.content.decode()
    assert client.post("/credentials/attest/code_of_ethics/", {}).status_code == 302
    assert not trainee.attestations.exists()
    response = client.post("/credentials/attest/code_of_ethics/", {"agree": "yes"})
    assert response.status_code == 302 and trainee.attestations.count() == 1
    assert client.post("/credentials/attest/unknown/", {"agree": "yes"}).status_code == 302
    assert client.get("/credentials/name/").status_code == 405


def test_registrar_changes_a_holders_name_in_the_admin(client, roles, hours_credential):
    from django.contrib.auth.models import Group

    trainee, placement, supervisor = hours_credential
    approved_minutes(placement, supervisor, 600)
    certificate, _ = certificate_services.issue_certificate(
        trainee=trainee, credential_code="test-cert"
    )
    registrar = UserFactory(is_staff=True)
    registrar.groups.add(Group.objects.get(name="Registrars"))
    client.force_login(registrar)
    url = "/admin/certificates/name/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"email": trainee.email, "name": "<x>"})
    assert bad.status_code == 400 and b"letters" in bad.content
    assert client.post(url, {"email": trainee.email, "name": "Jordan Ellis"}).status_code == 302
    trainee.certificate_name.refresh_from_db()
    assert trainee.certificate_name.name == "Jordan Ellis"
    assert AuditEvent.objects.filter(action="certificate_name.changed", actor=registrar).exists()
    assert Certificate.objects.get(pk=certificate.pk).holder_name == "Jordan Avery Ellis"
    client.force_login(trainee)
    assert client.get(url).status_code in (302, 403)


def test_issued_when_the_supervisor_approves_the_last_entry_through_the_service(
    hours_credential, django_capture_on_commit_callbacks
):
    """The real signing service: approving entries sends practicum_signed in its
    transaction, and the certificate follows on commit."""
    from datetime import time as clock

    from django.utils import timezone

    from certification.practicum.models import ActivityType, PracticumEntry

    trainee, placement, supervisor = hours_credential
    approved_minutes(placement, supervisor, 8 * 60, day=3)
    entries = [
        practicum_services.save_entry(
            trainee=trainee,
            placement_id=placement.pk,
            date=timezone.localdate() - timedelta(days=day),
            start_time=clock(9, 0),
            minutes=60,
            setting=PracticumEntry.Setting.COMMUNITY,
            activity=ActivityType.objects.get(code="group"),
            description="Co-facilitated the Tuesday peer group.",
        )
        for day in (1, 2)
    ]
    practicum_services.submit_entries(trainee=trainee, entry_ids=[e.pk for e in entries])
    with django_capture_on_commit_callbacks(execute=True):
        practicum_services.approve_entries(supervisor=supervisor, entry_ids=[entries[0].pk])
    assert not Certificate.objects.exists()  # 9 of 10 hours
    with django_capture_on_commit_callbacks(execute=True):
        practicum_services.approve_entries(supervisor=supervisor, entry_ids=[entries[1].pk])
    certificate = Certificate.objects.get()
    assert certificate.ready and certificate.hours["practicum"] == 10


def test_manual_issue_asks_for_the_password_again_like_the_lifecycle_actions(
    client, roles, hours_credential
):
    """Past the re-authentication window, a manual issue is refused until the registrar's
    password is given, with everything typed kept; with it, the certificate is issued."""
    from django.contrib.auth.models import Group

    from lms.accounts.reauth import SESSION_KEY
    from tests.factories.accounts import PASSWORD

    trainee, _placement, _supervisor = hours_credential
    registrar = UserFactory(is_staff=True)
    registrar.groups.add(Group.objects.get(name="Registrars"))
    client.force_login(registrar)
    session = client.session
    session[SESSION_KEY] = 0  # signed in long ago
    session.save()
    url = "/admin/certificates/issue/"
    assert 'name="password"' in client.get(url).content.decode()
    credential = Credential.objects.get(code="test-cert")
    data = {"email": trainee.email, "credential": credential.pk, "reason": "Prior learning here"}
    for password in ("", "not-the-password"):
        response = client.post(url, {**data, "password": password})
        body = response.content.decode()
        assert response.status_code == 400
        # At the password field (the re-authentication form base puts it there).
        assert response.context["form"].errors.get("password")
        assert trainee.email in body and "Prior learning here" in body  # nothing typed is lost
        assert not Certificate.objects.exists()
    response = client.post(url, {**data, "password": PASSWORD})
    assert response.status_code == 302
    assert Certificate.objects.get().manual_reason == "Prior learning here"
