"""After issue: every certificate carries a signed Open Badges credential that verifies
against the published issuer keys, with a bit in the signed revocation status list; revoking
flips that bit in the same transaction; replacing keeps the history; suspending is
reversible; the holder can hide it; registrars do this in the admin, never the public."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.credentials import openbadges, pdf
from certification.credentials import tasks as credential_tasks
from certification.credentials.models import Certificate, CertificateTemplate
from certification.credentials.services import credentials as credential_services
from certification.credentials.services import lifecycle as lifecycle_services
from certification.credentials.services import loading as loading_services
from certification.practicum.signals import practicum_signed
from certification.verification import services as verification_services
from lms.accounts.reauth import SESSION_KEY
from lms.audit.models import AuditEvent
from lms.privacy.services import data_rights
from tests.certification.credential_helpers import approved_minutes, make_credential, placement_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    pdf.reset_process_state()


@pytest.fixture
def issued(db, django_capture_on_commit_callbacks):
    loading_services.load_frameworks()
    CertificateTemplate.objects.create(
        name="Northside", issuing_organisation="Northside Recovery College", is_default=True
    )
    make_credential(experience_hours=10)
    trainee = UserFactory(legal_name="Jordan Avery Ellis", email="jordan@example.org")
    credential_services.confirm_certificate_name(user=trainee, name="Jordan Avery Ellis")
    placement, supervisor = placement_for(trainee)
    approved_minutes(placement, supervisor, 600)
    with django_capture_on_commit_callbacks(execute=True):
        practicum_signed.send(sender=None, trainee=trainee, credential_code="test-cert")
    certificate = Certificate.objects.get(trainee=trainee)
    assert certificate.status == Certificate.Status.ISSUED
    return certificate


def test_an_issued_certificate_carries_a_signed_open_badge_that_verifies(client, issued):
    credential = issued.signed_credential
    assert "OpenBadgeCredential" in credential["type"]
    assert credential["credentialSubject"]["achievement"]["name"] == issued.credential_title
    assert credential["id"] == issued.verification_url
    # Two status entries (revocation, suspension) at the certificate's index; one proof, in
    # an array (1EdTech's OB 3.0 schema requires the array).
    assert [entry["statusPurpose"] for entry in credential["credentialStatus"]] == [
        "revocation",
        "suspension",
    ]
    assert {entry["statusListIndex"] for entry in credential["credentialStatus"]} == {
        str(issued.status_index)
    }
    assert [proof["cryptosuite"] for proof in credential["proof"]] == ["eddsa-rdfc-2022"]
    assert openbadges.verify_credential(credential=credential).verified
    # Nothing private is in it: no email, nothing but the name as it appears on certificates.
    text = json.dumps(credential)
    assert "jordan@example.org" not in text
    # The issuer profile and the key named in the proof are published.
    profile = client.get(reverse("issuer:profile"))
    assert profile.status_code == 200 and profile["Access-Control-Allow-Origin"] == "*"
    key_id = credential["proof"][0]["verificationMethod"].rstrip("/").split("/")[-1].split("#")[-1]
    assert client.get(reverse("issuer:key", args=[key_id])).status_code == 200
    assert client.get(reverse("issuer:key", args=["z6MkNotOurs"])).status_code == 404


def test_a_tampered_open_badge_fails_verification(issued):
    credential = json.loads(json.dumps(issued.signed_credential))
    credential["credentialSubject"]["achievement"]["name"] = "Advanced Clinical Certificate"
    result = openbadges.verify_credential(credential=credential)
    assert not result.verified


def status_bit(client, certificate) -> bool | None:
    listed = client.get(reverse("issuer:status_list", args=["revocation"])).json()
    return openbadges.check_status(
        credential=certificate.signed_credential, status_list=listed
    ).status


def test_revocation_flips_the_status_list_bit_in_the_same_transaction(client, issued):
    registrar = UserFactory(is_staff=True, is_superuser=True)
    assert status_bit(client, issued) is False
    with pytest.raises(lifecycle_services.LifecycleError, match="reason"):
        lifecycle_services.revoke_certificate(
            registrar=registrar, certificate_id=issued.pk, reason=" "
        )
    lifecycle_services.revoke_certificate(
        registrar=registrar, certificate_id=issued.pk, reason="Issued to the wrong person."
    )
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.REVOKED
    assert status_bit(client, issued) is True
    state = lifecycle_services.public_status(issued)
    assert state.state == "revoked" and state.on == timezone.localdate()
    assert "wrong person" not in json.dumps(verification_services.public_record(issued))
    event = AuditEvent.objects.get(action="certificate.revoked")
    assert "wrong person" not in json.dumps(event.after)
    with pytest.raises(lifecycle_services.LifecycleError):
        lifecycle_services.revoke_certificate(
            registrar=registrar, certificate_id=issued.pk, reason="Again"
        )


def test_replacement_keeps_history_and_points_to_the_new_certificate(
    issued, django_capture_on_commit_callbacks
):
    registrar = UserFactory(is_staff=True, is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        new = lifecycle_services.replace_certificate(
            actor=registrar,
            certificate_id=issued.pk,
            reason="Name corrected at the holder's request.",
            holder_name="Jordan A. Ellis",
        )
    issued.refresh_from_db()
    new.refresh_from_db()
    assert issued.status == Certificate.Status.REPLACED and issued.replaced_by == new
    assert new.status == Certificate.Status.ISSUED and new.holder_name == "Jordan A. Ellis"
    assert new.verification_code != issued.verification_code
    assert issued.holder_name == "Jordan Avery Ellis"  # the old snapshot never changes
    record = verification_services.public_record(issued)
    assert record["status"]["state"] == "replaced"
    assert record["replaced_by"]["url"] == new.verification_url
    assert openbadges.verify_credential(credential=new.signed_credential).verified


def test_suspension_is_reversible(issued):
    registrar = UserFactory(is_staff=True, is_superuser=True)
    lifecycle_services.suspend_certificate(
        registrar=registrar, certificate_id=issued.pk, reason="Checking a complaint."
    )
    issued.refresh_from_db()
    assert lifecycle_services.public_status(issued).state == "suspended"
    lifecycle_services.reinstate_certificate(registrar=registrar, certificate_id=issued.pk)
    issued.refresh_from_db()
    assert lifecycle_services.public_status(issued).state == "valid"
    assert [e.action for e in AuditEvent.objects.filter(object_id=str(issued.pk))][-2:] == [
        "certificate.suspended",
        "certificate.reinstated",
    ]


def test_expiry_and_not_yet_valid_follow_the_dates(issued):
    today = timezone.localdate()
    assert lifecycle_services.public_status(
        issued, today=issued.issued_on - timedelta(days=1)
    ).state == ("not_yet_valid")
    assert lifecycle_services.public_status(
        issued, today=issued.expires_on + timedelta(days=1)
    ).state == ("expired")
    assert lifecycle_services.public_status(issued, today=today).state == "valid"


def test_hidden_certificates_cannot_be_found_and_can_be_shown_again(client, issued):
    assert verification_services.find_certificate(issued.grouped_code.lower()) == issued
    client.force_login(issued.trainee)
    response = client.post(reverse("certificates:visibility", args=[issued.uuid]), {"hidden": "1"})
    assert response.status_code == 302
    assert verification_services.find_certificate(issued.verification_code) is None
    client.post(reverse("certificates:visibility", args=[issued.uuid]), {"hidden": "0"})
    assert verification_services.find_certificate(issued.verification_code) == issued
    # Someone else cannot hide it.
    client.force_login(UserFactory())
    response = client.post(reverse("certificates:visibility", args=[issued.uuid]), {"hidden": "1"})
    assert response.status_code == 404


def test_the_holder_downloads_the_signed_json_and_gets_a_linkedin_link(client, issued):
    client.force_login(issued.trainee)
    response = client.get(reverse("certificates:open_badge", args=[issued.uuid]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert openbadges.verify_credential(credential=json.loads(response.content)).verified
    link = client.get(reverse("certificates:linkedin", args=[issued.uuid]))
    assert link.status_code == 302
    assert link["Location"].startswith("https://www.linkedin.com/profile/add?")
    assert "certId=" in link["Location"] and "startTask=CERTIFICATION_NAME" in link["Location"]
    client.force_login(UserFactory())
    assert client.get(reverse("certificates:open_badge", args=[issued.uuid])).status_code == 404


def test_registrars_revoke_in_the_admin_with_their_password(client, roles, issued, registrar):
    url = reverse("certification_certificate_lifecycle", args=[issued.pk])
    client.force_login(issued.trainee)
    assert client.get(url).status_code in (302, 403)
    client.force_login(registrar)
    session = client.session
    session[SESSION_KEY] = 0
    session.save()
    assert client.get(url).status_code == 200
    # The confirmation step (see test_revoking_shows_what_will_happen_before_it_happens).
    response = client.post(
        url, {"action": "revoke", "reason": "Fraudulent hours.", "confirmed": "yes"}
    )
    assert response.status_code == 400 and "password" in response.content.decode()
    from tests.factories.accounts import PASSWORD

    response = client.post(
        url,
        {
            "action": "revoke",
            "reason": "Fraudulent hours.",
            "password": PASSWORD,
            "confirmed": "yes",
        },
    )
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.REVOKED
    assert issued.revocation_reason == "Fraudulent hours."


def test_the_render_task_signs_once(issued):
    before = issued.signed_credential
    assert credential_tasks.render_certificate_task(issued.pk) is False
    issued.refresh_from_db()
    assert issued.signed_credential == before


def test_erasure_keeps_only_the_minimal_certificate_record(issued, registrar):
    from django.core.files.storage import default_storage

    pdf_name = issued.pdf.name
    assert default_storage.exists(pdf_name)
    data = data_rights.personal_data(user=issued.trainee)
    assert data["certificates"][0]["code"] == issued.grouped_code
    erasure = data_rights.request_erasure(user=issued.trainee)
    data_rights.complete_erasure(registrar=registrar, request_id=erasure.pk)
    issued.refresh_from_db()
    assert issued.hidden and not issued.pdf and issued.signed_credential == {}
    assert not default_storage.exists(pdf_name)
    assert issued.pdf_sha256 and issued.verification_code  # the minimal record stays
    assert verification_services.find_certificate(issued.verification_code) is None


def _events(certificate):
    return list(
        AuditEvent.objects.filter(
            object_type="certification.certificate", object_id=str(certificate.pk)
        ).values_list("action", flat=True)
    )


def test_an_illegal_move_is_refused_with_a_clear_error_and_writes_nothing(issued):
    """The allowed-moves table guards every status change: reinstating a certificate that is
    not suspended, or suspending a revoked one, is refused before anything is written (no
    field, no audit event, no status-list bit, no change signal)."""
    from certification.credentials.exceptions import CertificationError
    from certification.credentials.services.lifecycle import LifecycleError, transition_certificate
    from certification.credentials.signals import certificate_changed

    registrar = UserFactory(is_staff=True, is_superuser=True)
    heard = []
    certificate_changed.connect(
        lambda **kw: heard.append(kw["change"]), weak=False, dispatch_uid="t"
    )
    try:
        events_before = AuditEvent.objects.count()
        with pytest.raises(LifecycleError, match="Only a suspended certificate can be reinstated"):
            lifecycle_services.reinstate_certificate(registrar=registrar, certificate_id=issued.pk)
        certificate = Certificate.objects.get(pk=issued.pk)
        with pytest.raises(CertificationError) as refused:
            transition_certificate(
                certificate,
                move="reinstate",
                actor=registrar,
                changes={"status": Certificate.Status.REVOKED, "revocation_reason": "x"},
            )
        assert refused.value.status == 409
        assert certificate.revocation_reason == ""  # not even the instance was touched
        lifecycle_services.revoke_certificate(
            registrar=registrar, certificate_id=issued.pk, reason="Why."
        )
        listed = lifecycle_services.signed_status_list()
        events_after_revoke = AuditEvent.objects.count()
        with pytest.raises(LifecycleError, match="Only an issued, unsuspended certificate"):
            lifecycle_services.suspend_certificate(
                registrar=registrar, certificate_id=issued.pk, reason="x"
            )
        with pytest.raises(LifecycleError, match="Only an issued certificate can be replaced"):
            lifecycle_services.replace_certificate(
                actor=registrar, certificate_id=issued.pk, reason="x"
            )
    finally:
        certificate_changed.disconnect(dispatch_uid="t")
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.REVOKED and issued.suspended_at is None
    assert issued.replaced_by is None and Certificate.objects.count() == 1
    assert events_after_revoke == events_before + 1
    assert AuditEvent.objects.count() == events_after_revoke
    assert lifecycle_services.signed_status_list() == listed
    assert heard == ["revoked"]


def test_each_legal_move_writes_exactly_one_audit_event(issued, django_capture_on_commit_callbacks):
    registrar = UserFactory(is_staff=True, is_superuser=True)
    holder = issued.trainee
    moves = [
        (
            "certificate.suspended",
            lambda: lifecycle_services.suspend_certificate(
                registrar=registrar, certificate_id=issued.pk, reason="A complaint."
            ),
        ),
        (
            "certificate.reinstated",
            lambda: lifecycle_services.reinstate_certificate(
                registrar=registrar, certificate_id=issued.pk
            ),
        ),
        (
            "certificate.hidden",
            lambda: lifecycle_services.hide_certificate(
                holder=holder, certificate_id=issued.pk, hidden=True
            ),
        ),
        (
            "certificate.shown",
            lambda: lifecycle_services.hide_certificate(
                holder=holder, certificate_id=issued.pk, hidden=False
            ),
        ),
        (
            "certificate.replaced",
            lambda: lifecycle_services.replace_certificate(
                actor=registrar, certificate_id=issued.pk, reason="Typo."
            ),
        ),
    ]
    for action, move in moves:
        before = _events(issued)
        total = AuditEvent.objects.count()
        with django_capture_on_commit_callbacks(execute=True):
            move()
        assert _events(issued) == [*before, action]
        if action != "certificate.replaced":
            assert AuditEvent.objects.count() == total + 1, action
    # Hiding what is already hidden changes nothing and records nothing.
    new = Certificate.objects.get(replaces=issued)
    assert _events(new) == ["certificate.issued", "certificate.pdf_stored"]  # issue is a move
    lifecycle_services.hide_certificate(holder=holder, certificate_id=new.pk, hidden=False)
    lifecycle_services.revoke_certificate(
        registrar=registrar, certificate_id=new.pk, reason="Fraud."
    )
    assert _events(new) == ["certificate.issued", "certificate.pdf_stored", "certificate.revoked"]


def _registrar_signing_again(client, registrar):
    """The registrar, signed in longer ago than the re-authentication window."""
    client.force_login(registrar)
    session = client.session
    session[SESSION_KEY] = 0
    session.save()


def test_revoking_shows_what_will_happen_before_it_happens(client, roles, issued, registrar):
    """Choosing "Revoke (permanent)" leads to a page that says what the public check will
    say and that revocation cannot be undone; only the confirmed, re-authenticated POST
    revokes, and a wrong password leaves the certificate as it was."""
    from tests.factories.accounts import PASSWORD

    url = reverse("certification_certificate_lifecycle", args=[issued.pk])
    _registrar_signing_again(client, registrar)
    events = AuditEvent.objects.count()
    assert "password" not in client.get(url).content.decode()
    choice = {"action": "revoke", "reason": "Fraudulent hours."}
    page = client.post(url, choice)
    body = page.content.decode()
    assert page.status_code == 200
    assert f"will say “Revoked” ({timezone.localdate():%-d %B %Y})" in body
    assert "Revocation is permanent: it cannot be undone." in body
    assert 'name="password"' in body and 'name="confirmed"' in body
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.ISSUED and AuditEvent.objects.count() == events

    response = client.post(url, {**choice, "confirmed": "yes", "password": "wrong"})
    assert response.status_code == 400 and "not right" in response.content.decode()
    assert "Revocation is permanent" in response.content.decode()
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.ISSUED

    response = client.post(url, {**choice, "confirmed": "yes", "password": PASSWORD})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.REVOKED


def test_suspension_and_reinstatement_are_confirmed_too(client, roles, issued, registrar):
    from tests.factories.accounts import PASSWORD

    url = reverse("certification_certificate_lifecycle", args=[issued.pk])
    _registrar_signing_again(client, registrar)
    choice = {"action": "suspend", "reason": "A complaint is being looked into."}
    body = client.post(url, choice).content.decode()
    assert "will say “Suspended”" in body and "can be undone" in body
    issued.refresh_from_db()
    assert issued.suspended_at is None
    assert client.post(url, {**choice, "confirmed": "yes"}).status_code == 400
    issued.refresh_from_db()
    assert issued.suspended_at is None
    response = client.post(url, {**choice, "confirmed": "yes", "password": PASSWORD})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.suspended_at is not None

    # Within the window, reinstating still shows the page first, then needs no password.
    body = client.post(url, {"action": "reinstate"}).content.decode()
    assert "will say “Valid”" in body and 'name="password"' not in body
    issued.refresh_from_db()
    assert issued.suspended_at is not None
    assert client.post(url, {"action": "reinstate", "confirmed": "yes"}).status_code == 302
    issued.refresh_from_db()
    assert issued.suspended_at is None


def test_a_move_the_certificate_cannot_make_is_refused_at_the_choice(
    client, roles, issued, registrar
):
    url = reverse("certification_certificate_lifecycle", args=[issued.pk])
    client.force_login(registrar)
    response = client.post(url, {"action": "reinstate"})
    assert response.status_code == 400 and "Confirm:" not in response.content.decode()
    response = client.post(url, {"action": "revoke", "reason": " "})
    assert response.status_code == 400
    assert "Give the reason for the record" in response.content.decode()
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.ISSUED and issued.suspended_at is None
