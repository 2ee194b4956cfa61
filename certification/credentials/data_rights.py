"""The credentials app's part of a person's data (see lms/privacy/registry.py):
certificates, continuing education, credential enrolments, the name on certificates and
attestations (shares are the organisations app's part).

Erasure: continuing-education records no renewal counted are deleted with their evidence
files, those a renewal counted keep only topic, hours and date; issued certificates (their
shares already stopped by the organisations app, which erases first) are reduced to the
minimal record, without their PDF or signed copy: revoked, expired and replaced ones still
answer public checks (without the name), the rest are hidden."""

import copy

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lms.privacy import registry
from lms.privacy.services.data_rights import iso

from .models import (
    Attestation,
    Certificate,
    ContinuingEducation,
    CredentialEnrolment,
    EligibilityLetter,
)
from .services.lifecycle import public_status
from .signals import certificate_changed


def export(user) -> registry.Export:
    ce_records = list(ContinuingEducation.objects.filter(holder=user).select_related("used_for"))
    certificate_name = getattr(user, "certificate_name", None)
    credential_enrolments = list(
        CredentialEnrolment.objects.filter(trainee=user).select_related("credential", "version")
    )
    attestations = list(Attestation.objects.filter(trainee=user))
    letters = list(EligibilityLetter.objects.filter(trainee=user))
    subjects = {
        "credentials.eligibilityletter": [letter.pk for letter in letters],
        "certification.certificate": list(user.certificates.values_list("pk", flat=True)),
        "certification.continuingeducation": [r.pk for r in ce_records],
        "certification.credentialenrolment": [e.pk for e in credential_enrolments],
        "certification.attestation": [a.pk for a in attestations],
        "certification.certificatename": [certificate_name.pk] if certificate_name else [],
    }
    return registry.Export(
        sections={
            "certificates": [
                {
                    "credential": c.credential_title,
                    "kind": c.get_kind_display(),
                    "contact_hours": c.contact_hours or None,
                    "dates_attended": [iso(c.attended_from), iso(c.attended_to)]
                    if c.is_course
                    else None,
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
                    "review": r.get_review_status_display(),
                    "picked_for_audit": r.audit_sampled,
                    "returned_because": r.return_reason or None,
                    "recorded_at": iso(r.created_at),
                }
                for r in ce_records
            ],
            "eligibility_letters": [
                {
                    "exam": letter.exam_name,
                    "board": letter.board,
                    "name_on_letter": letter.holder_name,
                    "code": letter.grouped_code,
                    "issued_at": iso(letter.issued_at),
                    "withdrawn_at": iso(letter.withdrawn_at),
                    "states": letter.requirements,
                }
                for letter in letters
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
        },
        subjects=subjects,
    )


# Public answers that survive the holder's erasure: an employer shown an old copy must still
# learn that it is not current.
STILL_ANSWERING = ("revoked", "expired", "replaced")


def _erased_fields(certificate, *, today, now) -> dict:
    """What erasure writes on one certificate (and what `preview` assumes): no PDF, no signed
    copy, the erasure time; hidden unless its public answer is one of STILL_ANSWERING."""
    answers = (
        certificate.status != Certificate.Status.PENDING
        and public_status(certificate, today=today).state in STILL_ANSWERING
    )
    return {
        "pdf": "",
        "signed_credential": {},
        "holder_erased_at": now,
        "hidden": certificate.hidden or not answers,
    }


def _minimal_certificates(person) -> int:
    """Issued certificates stay only as the minimal record: code, credential, dates, status,
    the name as issued and the PDF's hash (so a registrar can still answer "was this issued?").
    Their PDF files are deleted and the signed Open Badges copy (which repeats the name) is
    dropped; the status-list bits stay. The public check of a revoked, expired or replaced
    certificate answers exactly as before (status and dates: an employer shown an old copy
    must still learn it is not current), without the holder's name; a certificate that would
    still check as valid (or suspended, or is being prepared) is hidden from public checks."""
    today = timezone.localdate()
    certificates = list(Certificate.objects.select_for_update().filter(trainee=person))
    for certificate in certificates:
        if certificate.pdf and default_storage.exists(certificate.pdf.name):
            default_storage.delete(certificate.pdf.name)
    now = timezone.now()
    for certificate in certificates:
        fields = _erased_fields(certificate, today=today, now=now)
        Certificate.objects.filter(pk=certificate.pk).update(**fields)
        certificate.hidden = fields["hidden"]
    for certificate in certificates:  # so caches of the public record forget it at once
        change = "hidden" if certificate.hidden else "erased"
        certificate_changed.send(sender=Certificate, certificate=certificate, change=change)
    return len(certificates)


def _erase_ce(person) -> dict[str, int]:
    """CE records a renewal counted are its evidence
    (PROTECTed by the certificate), so they keep only topic, hours and date; the rest go.
    Evidence files are deleted after commit, so a rollback never loses a file still used."""
    records = list(ContinuingEducation.objects.select_for_update().filter(holder=person))
    files = [r.evidence_file.name for r in records if r.evidence_file]
    used = [r.pk for r in records if r.used_for_id]
    ContinuingEducation.objects.filter(pk__in=used).update(
        title="Erased",
        provider="",
        evidence_text="",
        evidence_file="",
        evidence_name="",
        return_reason="",
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


def _withdraw_letters(person) -> int:
    """Letters name the person: each is withdrawn (the public check says so, so a board shown
    one learns it no longer stands) and loses the name and the lines it stated."""
    letters = EligibilityLetter.objects.filter(trainee=person)
    letters.filter(withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
    return letters.update(holder_name="", requirements=[], withdraw_reason="")


def erase(person) -> dict[str, int]:
    counts = _erase_ce(person)
    counts["eligibility_letters_withdrawn"] = _withdraw_letters(person)
    counts["certificates_hidden"] = _minimal_certificates(person)
    return counts


def _public_answer(certificate) -> str:
    """What the public check says of a certificate: nothing for a hidden or unfinished one
    (`find_certificate` leaves them out), else its public status with its date."""
    if certificate.hidden or certificate.status == Certificate.Status.PENDING:
        return _("No certificate to show for this code")
    public = public_status(certificate)
    if public.on is None:
        return str(public.label)
    return f"{public.label} ({date_format(public.on, 'j F Y')})"


def preview(person) -> list[str]:
    """For each of the person's certificates, what the public check says now and what it
    will say after erasure (worked out on the certificate as erasure leaves it)."""
    lines = []
    today, now = timezone.localdate(), timezone.now()
    for certificate in Certificate.objects.filter(trainee=person).order_by("issued_on", "pk"):
        after = copy.copy(certificate)
        for name, value in _erased_fields(certificate, today=today, now=now).items():
            setattr(after, name, value)
        lines.append(
            _(
                "Certificate %(code)s (%(title)s): the public check says “%(now)s” now and "
                "will say “%(after)s” afterwards. Its PDF and signed Open Badges copy are "
                "deleted; the minimal record stays for registrars."
            )
            % {
                "code": certificate.grouped_code,
                "title": certificate.credential_title,
                "now": _public_answer(certificate),
                "after": _public_answer(after),
            }
        )
    return lines


registry.register("credentials", export=export, erase=erase, preview=preview)
