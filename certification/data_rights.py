"""Certification's part of a person's data (see lms/privacy/registry.py): certificates,
continuing education, credential enrolments, the name on certificates, attestations and
shares.

Erasure: continuing-education records no renewal counted are deleted with their evidence
files, those a renewal counted keep only topic, hours and date; active shares are stopped,
then issued certificates are reduced to the minimal record, hidden, without their PDF or
signed copy."""

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from lms.privacy import registry
from lms.privacy.services.data_rights import iso

from .models import (
    Attestation,
    Certificate,
    CertificateShare,
    ContinuingEducation,
    CredentialEnrolment,
)
from .signals import certificate_changed


def export(user) -> registry.Export:
    ce_records = list(ContinuingEducation.objects.filter(holder=user).select_related("used_for"))
    shares = list(
        CertificateShare.objects.filter(certificate__trainee=user)
        .select_related("organisation", "certificate")
        .order_by("shared_at")
    )
    certificate_name = getattr(user, "certificate_name", None)
    credential_enrolments = list(
        CredentialEnrolment.objects.filter(trainee=user).select_related("credential", "version")
    )
    attestations = list(Attestation.objects.filter(trainee=user))
    subjects = {
        "certification.certificate": list(user.certificates.values_list("pk", flat=True)),
        "certification.continuingeducation": [r.pk for r in ce_records],
        "certification.credentialenrolment": [e.pk for e in credential_enrolments],
        "certification.attestation": [a.pk for a in attestations],
        "certification.certificateshare": [x.pk for x in shares],
        "certification.certificatename": [certificate_name.pk] if certificate_name else [],
    }
    return registry.Export(
        sections={
            "certificates": [
                {
                    "credential": c.credential_title,
                    "code": c.grouped_code,
                    "status": c.get_status_display(),
                    "issued_on": iso(c.issued_on),
                    "expires_on": iso(c.expires_on),
                    "name_on_certificate": c.holder_name,
                    "verification_url": c.verification_url,
                    "hidden_from_public_checks": c.hidden,
                }
                for c in user.certificates.all()
            ],
            "continuing_education": [
                {
                    "title": r.title,
                    "provider": r.provider,
                    "topic": r.topic,
                    "hours": str(r.hours),
                    "completed_on": iso(r.completed_on),
                    "evidence": r.evidence_text,
                    "evidence_document": r.evidence_name or None,
                    "counted_toward_renewal": r.used_for.grouped_code if r.used_for else None,
                    "recorded_at": iso(r.created_at),
                }
                for r in ce_records
            ],
            "credentials_you_work_toward": [
                {
                    "credential": e.credential.code,
                    "version": e.version.number,
                    "enrolled_at": iso(e.enrolled_at),
                }
                for e in credential_enrolments
            ],
        },
        consent={
            "name_on_certificates": {
                "name": certificate_name.name,
                "confirmed_at": iso(certificate_name.confirmed_at),
            }
            if certificate_name
            else None,
            "statements_you_accepted": [
                {"code": a.code, "at": iso(a.attested_at)} for a in attestations
            ],
            "certificate_shares": [
                {
                    "certificate": x.certificate.grouped_code,
                    "organisation": x.organisation.name,
                    "shared_at": iso(x.shared_at),
                    "stopped_at": iso(x.stopped_at),
                }
                for x in shares
            ],
        },
        subjects=subjects,
    )


def _minimal_certificates(person) -> int:
    """Issued certificates stay only as the minimal record: code, credential, dates, status,
    the name as issued and the PDF's hash (so a registrar can still answer "was this issued?").
    They are hidden from public verification, their PDF files are deleted and the signed Open
    Badges copy (which repeats the name) is dropped; the status-list bit stays."""
    certificates = list(Certificate.objects.select_for_update().filter(trainee=person))
    for certificate in certificates:
        if certificate.pdf and default_storage.exists(certificate.pdf.name):
            default_storage.delete(certificate.pdf.name)
    Certificate.objects.filter(pk__in=[c.pk for c in certificates]).update(
        hidden=True, pdf="", signed_credential={}
    )
    for certificate in certificates:  # so caches of the public record forget it at once
        certificate.hidden = True
        certificate_changed.send(sender=Certificate, certificate=certificate, change="hidden")
    return len(certificates)


def _erase_ce(person) -> dict[str, int]:
    """CE records a renewal counted are its evidence
    (PROTECTed by the certificate), so they keep only topic, hours and date; the rest go.
    Evidence files are deleted after commit, so a rollback never loses a file still used."""
    records = list(ContinuingEducation.objects.select_for_update().filter(holder=person))
    files = [r.evidence_file.name for r in records if r.evidence_file]
    used = [r.pk for r in records if r.used_for_id]
    ContinuingEducation.objects.filter(pk__in=used).update(
        title="Erased", provider="", evidence_text="", evidence_file="", evidence_name=""
    )
    deleted = ContinuingEducation.objects.filter(holder=person, used_for__isnull=True).delete()[0]

    def delete_files():
        for name in files:
            if default_storage.exists(name):
                default_storage.delete(name)

    transaction.on_commit(delete_files)
    return {
        "ce_records_deleted": deleted,
        "ce_records_reduced": len(used),
        "ce_evidence_files": len(files),
    }


def erase(person) -> dict[str, int]:
    counts = _erase_ce(person)
    counts["shares_stopped"] = (
        CertificateShare.objects.active()
        .filter(certificate__trainee=person)
        .update(stopped_at=timezone.now())
    )
    counts["certificates_hidden"] = _minimal_certificates(person)
    return counts


registry.register("certification", export=export, erase=erase)
