"""What certificates and credentials say (issue 16): the basis of issue on every output, the
Open Badges edges (proof array, the 1EdTech schema, the suspension status list, the expiry
day), a stable issuer, public answers that survive erasure, the holder told of a revocation
or suspension, and the audit chain's end anchored outside its table."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.urls import reverse
from django.utils import timezone

from certification.credentials import openbadges, pdf
from certification.credentials.models import Certificate, CertificateTemplate, IssuerIdentity
from certification.credentials.openbadges.multibase import decode_public_multikey
from certification.credentials.openbadges.proof import format_datetime
from certification.credentials.services import certificates as certificate_services
from certification.credentials.services import credentials as credential_services
from certification.credentials.services import lifecycle as lifecycle_services
from certification.credentials.services import loading as loading_services
from certification.practicum.signals import practicum_signed
from lms.audit.models import AuditCheckpoint, AuditEvent, OutboxMessage
from lms.audit.services.events import verify_audit_chain
from lms.privacy.services import data_rights
from tests.certification.credential_helpers import approved_minutes, make_credential, placement_for
from tests.certification.ob_schema import assert_valid_open_badge
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PRIVATE_REASON = "Private words about the holder that only registrars may read."


@pytest.fixture(autouse=True)
def setup(settings, tmp_path, db):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PEERPATH_VERIFY_RATE_LIMIT = 10_000
    settings.PEERPATH_REGISTRAR_EMAIL = "registrar@northside.example"
    cache.clear()
    pdf.reset_process_state()
    loading_services.load_frameworks()
    CertificateTemplate.objects.create(
        name="Northside", issuing_organisation="Northside Recovery College", is_default=True
    )


def holder(name="Jordan Avery Ellis"):
    trainee = UserFactory(legal_name=name, email="jordan@example.org")
    credential_services.confirm_certificate_name(user=trainee, name=name)
    return trainee


def issue_manually(trainee, code, registrar, capture, *, render=True):
    """A registrar's issue on recognition of prior learning; the PDF is rendered and the
    credential signed on commit (unless `render` is False)."""
    with capture(execute=render):
        certificate, _created = certificate_services.issue_certificate(
            trainee=trainee, credential_code=code, actor=registrar, reason=PRIVATE_REASON
        )
    certificate.refresh_from_db()
    return certificate


def verify_json(client, certificate):
    return client.get(reverse("verify:certificate_json", args=[certificate.verification_code]))


def verify_html(client, certificate) -> str:
    response = client.get(reverse("verify:certificate", args=[certificate.verification_code]))
    assert response.status_code == 200
    return response.content.decode()


def banner(html: str) -> list[str]:
    """The status heading and text of the verify page, whitespace collapsed."""
    parts = re.findall(
        r'class="verify-banner__(?:title|text)"[^>]*>(.*?)</(?:h1|h2|p)>', html, flags=re.S
    )
    return [" ".join(re.sub(r"<[^>]+>", " ", part).split()) for part in parts]


# --- 1. The basis of issue ----------------------------------------------------------------


@pytest.fixture
def rpl(registrar, django_capture_on_commit_callbacks):
    """Issued by a registrar with the practicum hours recognised from prior learning and the
    code of ethics attested on Peerpath."""
    make_credential(experience_hours=10, attestations=["code_of_ethics"])
    trainee = holder()
    credential_services.attest(trainee=trainee, code="code_of_ethics")
    return issue_manually(trainee, "test-cert", registrar, django_capture_on_commit_callbacks)


@pytest.fixture
def earned(django_capture_on_commit_callbacks):
    """Issued automatically: every requirement met on Peerpath."""
    make_credential(experience_hours=10)
    trainee = holder()
    placement, supervisor = placement_for(trainee)
    approved_minutes(placement, supervisor, 600)
    with django_capture_on_commit_callbacks(execute=True):
        practicum_signed.send(sender=None, trainee=trainee, credential_code="test-cert")
    return Certificate.objects.get(trainee=trainee)


def test_the_basis_of_a_manual_issue_is_snapshot_with_what_met_what(rpl, registrar):
    """Each requirement with how it was met, and whose decision granted the rest."""
    assert rpl.status == Certificate.Status.ISSUED
    by_key = {item["key"]: item for item in rpl.basis["requirements"]}
    assert by_key["experience"]["met_by"] == "recognition"
    assert by_key["code_of_ethics"]["met_by"] == "evidence"
    assert rpl.basis["recognition"]["decided_by"] == registrar.pk
    assert rpl.basis["recognition"]["decided_on"] == rpl.issued_on.isoformat()
    assert PRIVATE_REASON not in str(rpl.basis)
    event = AuditEvent.objects.get(action="certificate.issued", object_id=str(rpl.pk))
    assert event.after["recognised"] == ["experience"]


def test_a_certificate_issued_on_prior_learning_never_says_every_requirement_was_met(client, rpl):
    """PDF, holder page, verify page (HTML and JSON) and the signed criteria all say what was
    certified: the hours recognised from prior learning, on a registrar's decision."""
    printed = pdf.render_html(pdf.certificate_context(rpl))  # what WeasyPrint lays out
    assert "has met every requirement" not in printed
    assert "Recognised from prior learning, not assessed on Peerpath: Practicum hours." in printed

    client.force_login(rpl.trainee)
    page = client.get(rpl.get_absolute_url()).content.decode()
    assert "has met every requirement" not in page
    assert "Recognised from prior learning" in page and "Practicum hours" in page
    assert "Code of ethics" in page  # met on Peerpath
    assert PRIVATE_REASON not in page

    record = verify_json(client, rpl).json()
    assert record["basis"] == {
        "every_requirement_met": False,
        "statement": (
            "Awarded Test Peer Certificate on the decision of a registrar: 1 of 2 requirements "
            "met on Peerpath; recognised from prior learning (not assessed on Peerpath): "
            "Practicum hours."
        ),
        "recognised_prior_learning": ["Practicum hours"],
        "met_through_prior_learning": [],
        "decided_on": rpl.issued_on.isoformat(),
    }
    html = verify_html(client, rpl)
    assert "Awarded on the decision of a registrar on" in html
    assert "Recognised from prior learning (not assessed on Peerpath): Practicum hours." in html

    narrative = rpl.signed_credential["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert narrative.startswith(record["basis"]["statement"])
    assert "Met every requirement" not in narrative
    assert openbadges.verify_credential(credential=rpl.signed_credential).verified
    assert_valid_open_badge(rpl.signed_credential)


def test_a_certificate_earned_on_peerpath_says_every_requirement_was_met(client, earned):
    assert all(item["met_by"] == "evidence" for item in earned.basis["requirements"])
    printed = pdf.render_html(pdf.certificate_context(earned))
    assert "has met every requirement of the" in printed
    assert "Recognised from prior learning" not in printed
    record = verify_json(client, earned).json()
    assert record["basis"]["every_requirement_met"] is True
    assert record["basis"]["recognised_prior_learning"] == []
    assert "Every requirement met on Peerpath." in verify_html(client, earned)
    narrative = earned.signed_credential["credentialSubject"]["achievement"]["criteria"][
        "narrative"
    ]
    assert narrative.startswith("Met every requirement of Test Peer Certificate.")
    assert_valid_open_badge(earned.signed_credential)


def test_the_data_migration_gives_earlier_certificates_a_truthful_basis(
    rpl, registrar, django_capture_on_commit_callbacks
):
    """Certificates from before bases were recorded: a manual issue met what its snapshot
    shows and the rest was the registrar's decision; a replacement keeps the original's."""
    from importlib import import_module

    migration = import_module("certification.credentials.migrations.0002_truth_basis_status_issuer")
    with django_capture_on_commit_callbacks(execute=True):
        copy = lifecycle_services.replace_certificate(
            actor=registrar, certificate_id=rpl.pk, reason="Typo in the name."
        )
    Certificate.objects.filter(pk__in=[rpl.pk, copy.pk]).update(basis={})
    migration.backfill_basis(django_apps, None)
    for certificate in (rpl, copy):
        certificate.refresh_from_db()
        basis = certificate.basis_of_issue
        assert basis.recognised == ["Practicum hours"]
        assert basis.evidenced == ["Code of ethics"]
        assert basis.decided_on == rpl.issued_on


# --- 2. Open Badges edges -------------------------------------------------------------------


def status_of(client, certificate, purpose) -> bool | None:
    listed = client.get(reverse("issuer:status_list", args=[purpose])).json()
    assert listed["credentialSubject"]["statusPurpose"] == purpose
    return openbadges.check_status(
        credential=certificate.signed_credential, status_list=listed
    ).status


def test_suspension_sets_the_suspension_bit_and_reinstatement_clears_it(
    client, rpl, registrar, django_capture_on_commit_callbacks
):
    """Outside verifiers see a suspension: the credential's second status entry names the
    suspension list, whose bit follows suspension; the revocation bit does not move."""
    assert status_of(client, rpl, "suspension") is False
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle_services.suspend_certificate(
            registrar=registrar, certificate_id=rpl.pk, reason=PRIVATE_REASON
        )
    assert status_of(client, rpl, "suspension") is True
    assert status_of(client, rpl, "revocation") is False
    lifecycle_services.reinstate_certificate(registrar=registrar, certificate_id=rpl.pk)
    assert status_of(client, rpl, "suspension") is False
    assert client.get(reverse("issuer:status_list", args=["other"])).status_code == 404


def test_every_issued_credential_validates_against_the_1edtech_schema(
    client, rpl, registrar, django_capture_on_commit_callbacks
):
    """Issued (manual here; automatic in the test above), replaced, and the status lists."""
    assert_valid_open_badge(rpl.signed_credential)
    with django_capture_on_commit_callbacks(execute=True):
        copy = lifecycle_services.replace_certificate(
            actor=registrar, certificate_id=rpl.pk, reason="Typo in the name."
        )
    copy.refresh_from_db()
    assert_valid_open_badge(copy.signed_credential)
    assert isinstance(copy.signed_credential["proof"], list)
    for purpose in ("revocation", "suspension"):
        listed = client.get(reverse("issuer:status_list", args=[purpose])).json()
        assert isinstance(listed["proof"], list)
        assert openbadges.verify_credential(credential=listed).verified


def test_on_the_expiry_day_the_credential_and_the_verify_page_both_say_valid(
    client, registrar, django_capture_on_commit_callbacks
):
    """One rule: valid through the whole expiry day (site time zone), expired from the next.
    The signed validUntil is the first moment of the day after; the verify page agrees on
    both sides of the boundary."""
    make_credential(experience_hours=10)
    make_credential("older-cert", experience_hours=10)
    trainee = holder("Sam Last-Day")
    today = timezone.localdate()
    last_day, past = (
        issue_manually(trainee, code, registrar, django_capture_on_commit_callbacks, render=False)
        for code in ("test-cert", "older-cert")
    )
    # The dates are set before the credential is signed (at render), as if issued long ago.
    for certificate, expires_on in ((last_day, today), (past, today - timedelta(days=1))):
        Certificate.objects.filter(pk=certificate.pk).update(
            issued_on=today - timedelta(days=800), expires_on=expires_on
        )
        certificate_services.store_certificate_pdf(certificate_id=certificate.pk)
        certificate.refresh_from_db()

    boundary = lifecycle_services.valid_until(today)
    assert last_day.signed_credential["validUntil"] == format_datetime(boundary)
    assert verify_json(client, last_day).json()["status"]["state"] == "valid"
    assert "Valid certificate" in verify_html(client, last_day)
    just_before = openbadges.verify_credential(
        credential=last_day.signed_credential, now=boundary - timedelta(seconds=1)
    )
    at_boundary = openbadges.verify_credential(credential=last_day.signed_credential, now=boundary)
    assert just_before.verified and at_boundary.status == "expired"

    assert verify_json(client, past).json()["status"]["state"] == "expired"
    assert "Expired on" in verify_html(client, past)
    now = openbadges.verify_credential(credential=past.signed_credential, now=timezone.now())
    assert now.status == "expired"
    assert (
        lifecycle_services.public_status(last_day, today=today + timedelta(days=1)).state
        == "expired"
    )


# --- 3. The issuer --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "site_url, issuer_id, fails",
    [
        ("", "", True),
        ("http://127.0.0.1:8000", "", True),
        ("https://localhost", "", True),
        ("https://[::1]:8443", "", True),
        ("http://peerpath.example.org", "", True),
        ("https://peerpath.example.org", "http://127.0.0.1/issuer/", True),
        ("https://peerpath.example.org", "", False),
    ],
)
def test_check_deploy_fails_on_an_issuer_address_verifiers_cannot_reach(
    settings, site_url, issuer_id, fails
):
    settings.SITE_URL = site_url
    settings.PEERPATH_ISSUER_ID = issuer_id
    from lms.checks import issuer_address_public

    errors = issuer_address_public(None)
    assert bool(errors) is fails
    assert all(error.id == "peerpath.E002" for error in errors)
    if fails:
        with pytest.raises(SystemCheckError, match="peerpath.E002"):
            call_command("check", deploy=True)


def test_changing_site_url_after_issuing_keeps_every_credential_verifiable(
    client, settings, rpl, registrar, django_capture_on_commit_callbacks
):
    """The issuer recorded at the first issue stays the issuer: what an outside verifier
    fetches (issuer profile, the key the proof names, the status list) still matches an
    earlier credential after SITE_URL changes, and later credentials name the same issuer."""
    credential = rpl.signed_credential
    issuer = credential["issuer"]["id"]
    assert IssuerIdentity.objects.get().issuer_id == issuer == "http://testserver/issuer/"
    settings.SITE_URL = "https://peerpath.example.org"

    profile = client.get(urlsplit(issuer).path).json()
    method = credential["proof"][0]["verificationMethod"]
    key = client.get(urlsplit(method).path).json()
    assert profile["id"] == issuer and method in profile["assertionMethod"]
    assert key["id"] == method and key["controller"] == issuer
    public = decode_public_multikey(key["publicKeyMultibase"])
    assert openbadges.verify_credential(
        credential=credential, public_keys={method: public}
    ).verified
    for entry in credential["credentialStatus"]:
        listed = client.get(urlsplit(entry["statusListCredential"]).path).json()
        assert listed["id"] == entry["statusListCredential"] and listed["issuer"] == issuer

    make_credential("later-cert", experience_hours=10)
    later = issue_manually(rpl.trainee, "later-cert", registrar, django_capture_on_commit_callbacks)
    assert later.signed_credential["issuer"]["id"] == issuer
    assert later.signed_credential["proof"][0]["verificationMethod"] == method
    assert later.verification_url.startswith("https://peerpath.example.org/verify/")


# --- 4. Erasure -----------------------------------------------------------------------------


def test_erasure_keeps_the_public_answer_for_revoked_expired_and_replaced_certificates(
    client, registrar, django_capture_on_commit_callbacks
):
    """Status, dates, credential and code answer exactly as before; only the name goes."""
    trainee = holder()
    for code in ("revoked-cert", "expired-cert", "replaced-cert"):
        make_credential(code, experience_hours=10)
    revoked, expired, replaced = (
        issue_manually(trainee, code, registrar, django_capture_on_commit_callbacks)
        for code in ("revoked-cert", "expired-cert", "replaced-cert")
    )
    lifecycle_services.revoke_certificate(
        registrar=registrar, certificate_id=revoked.pk, reason="x"
    )
    Certificate.objects.filter(pk=expired.pk).update(
        expires_on=timezone.localdate() - timedelta(days=3)
    )
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle_services.replace_certificate(
            actor=registrar, certificate_id=replaced.pk, reason="x"
        )

    certificates = (revoked, expired, replaced)
    before = {
        c.pk: (verify_json(client, c).json(), banner(verify_html(client, c))) for c in certificates
    }
    assert [before[c.pk][0]["status"]["state"] for c in certificates] == [
        "revoked",
        "expired",
        "replaced",
    ]
    cache.clear()
    request = data_rights.request_erasure(user=trainee)
    with django_capture_on_commit_callbacks(execute=True):
        data_rights.complete_erasure(registrar=registrar, request_id=request.pk)

    for certificate in certificates:
        record, html_banner = before[certificate.pk]
        response = verify_json(client, certificate)
        assert response.status_code == 200
        after = response.json()
        assert after["holder_name"] is None and record["holder_name"] == "Jordan Avery Ellis"
        for field in ("code", "status", "credential", "issued_on", "expires_on", "basis"):
            assert after[field] == record[field], field
        html = verify_html(client, certificate)
        assert banner(html)[:2] == html_banner[:2]
        assert "Jordan Avery Ellis" not in html
        assert "personal data was erased" in html


# --- 5. The holder is told ------------------------------------------------------------------


def test_the_holder_sees_and_is_emailed_the_date_reason_category_and_contact_of_a_revocation(
    client, rpl, registrar, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle_services.revoke_certificate(
            registrar=registrar,
            certificate_id=rpl.pk,
            reason=PRIVATE_REASON,
            category=Certificate.Reason.CONDUCT,
        )
    rpl.refresh_from_db()
    day = f"{timezone.localdate(rpl.revoked_at):%-d %B %Y}"
    from certification.credentials.tasks import email_certificate_status_task

    message = OutboxMessage.objects.get(task=email_certificate_status_task.name)
    assert message.args == [rpl.pk, "revoked"] and message.sent_at is not None
    [email] = mail.outbox
    assert email.to == ["jordan@example.org"] and "revoked" in email.subject
    for text in (day, "A conduct or ethics decision", "registrar@northside.example"):
        assert text in email.body
    assert PRIVATE_REASON not in email.body

    client.force_login(rpl.trainee)
    page = client.get(rpl.get_absolute_url()).content.decode()
    assert f"Revoked on {day}" in page
    assert "A conduct or ethics decision" in page
    assert "mailto:registrar@northside.example" in page
    assert PRIVATE_REASON not in page
    # Running the task again sends nothing more.
    assert email_certificate_status_task(rpl.pk, "revoked") is False
    assert len(mail.outbox) == 1


def test_the_holder_is_emailed_about_a_suspension_and_sees_it(
    client, rpl, registrar, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle_services.suspend_certificate(
            registrar=registrar, certificate_id=rpl.pk, reason=PRIVATE_REASON
        )
    rpl.refresh_from_db()
    [email] = mail.outbox
    assert "suspended" in email.subject and "Under review" in email.body
    assert PRIVATE_REASON not in email.body
    client.force_login(rpl.trainee)
    page = client.get(rpl.get_absolute_url()).content.decode()
    assert f"Suspended on {timezone.localdate(rpl.suspended_at):%-d %B %Y}" in page
    assert "Under review" in page and PRIVATE_REASON not in page


def test_the_registrar_chooses_the_category_in_the_admin(client, rpl, registrar):
    from django.contrib.auth import SESSION_KEY  # noqa: F401  (the session is the form's)

    from tests.factories.accounts import PASSWORD

    client.force_login(registrar)
    url = reverse("certification_certificate_lifecycle", args=[rpl.pk])
    response = client.post(
        url,
        {
            "action": "revoke",
            "reason": PRIVATE_REASON,
            "category": Certificate.Reason.ISSUED_IN_ERROR,
            "password": PASSWORD,
            "confirmed": "yes",  # the confirmation page's submission (practicum's step)
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rpl.refresh_from_db()
    assert rpl.revocation_category == Certificate.Reason.ISSUED_IN_ERROR


# --- 6. The audit chain's end ---------------------------------------------------------------


def test_removing_the_newest_audit_events_is_caught_on_sqlite(rpl, registrar):
    """The chain alone cannot show that its last events are gone; the keyed checkpoint,
    kept outside the events table, does. Forging or removing the checkpoint is caught too."""
    from django.db import connection

    if connection.vendor != "sqlite":
        # On PostgreSQL the append-only trigger refuses the deletion itself
        # (tests/certification/test_audit.py), so there is nothing left to detect.
        pytest.skip("Deleting audit events is refused outright on PostgreSQL.")
    lifecycle_services.suspend_certificate(registrar=registrar, certificate_id=rpl.pk, reason="x")
    lifecycle_services.reinstate_certificate(registrar=registrar, certificate_id=rpl.pk)
    assert verify_audit_chain() == []
    newest = list(AuditEvent.objects.order_by("-pk")[:2])
    AuditEvent.objects.filter(pk__in=[e.pk for e in newest]).delete()
    problems = verify_audit_chain()
    assert len(problems) == 1 and "removed from the end" in problems[0]
    with pytest.raises(CommandError, match="1 problem"):
        call_command("verify_audit_chain")

    head = AuditEvent.objects.order_by("-pk").first()
    AuditCheckpoint.objects.update(last_event_id=head.pk, head_hash=head.hash)  # no key
    assert verify_audit_chain() == [
        "The chain's checkpoint does not match its key (edited or forged)."
    ]
    AuditCheckpoint.objects.all().delete()
    assert verify_audit_chain() == [
        "The chain's checkpoint is missing (removed, or never written)."
    ]
