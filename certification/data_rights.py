"""Certification's part of a person's data (see lms/privacy/registry.py): placements, the
practicum ledger, supervision and sign-offs, notifications, certificates, continuing
education, credential enrolments, the name on certificates, attestations and shares.

Erasure: notifications go; supervision notes and sign-off accounts are erased (their signed
digests stay, so the signed record still verifies, see verify_audit_chain); practicum entries
stay as signed, de-identified records of supervised hours; continuing-education records no
renewal counted are deleted with their evidence files, those a renewal counted keep only
topic, hours and date; active shares are stopped, then issued certificates are reduced to
the minimal record, hidden, without their PDF or signed copy. Retention purges stale
practicum drafts; a placement keeps an account in use."""

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from lms.audit.services.events import record_event
from lms.privacy import registry
from lms.privacy.services.data_rights import iso

from .models import (
    Attestation,
    Certificate,
    CertificateShare,
    ContinuingEducation,
    CredentialEnrolment,
    Notification,
    PracticumEntry,
    SignOffRequest,
    SupervisionSession,
)
from .signals import certificate_changed


def export(user) -> registry.Export:
    placements = list(
        user.placements.select_related("host").prefetch_related("supervisor_links__supervisor")
    )
    entries = (
        PracticumEntry.objects.filter(placement__trainee=user)
        .select_related("activity", "decided_by")
        .prefetch_related("domains")
        .order_by("date", "start_time")
    )
    sessions = SupervisionSession.objects.filter(placement__trainee=user).select_related(
        "supervisor"
    )
    requests = (
        SignOffRequest.objects.filter(placement__trainee=user)
        .select_related("competency__domain__framework")
        .prefetch_related("ratings__rater")
    )
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
    entries, sessions, requests = list(entries), list(sessions), list(requests)
    subjects = {
        "certification.placement": [p.pk for p in placements],
        "certification.practicumentry": [e.pk for e in entries],
        "certification.supervisionsession": [x.pk for x in sessions],
        "certification.signoffrequest": [r.pk for r in requests],
        "certification.signoffrating": [x.pk for r in requests for x in r.ratings.all()],
        "certification.certificate": list(user.certificates.values_list("pk", flat=True)),
        "certification.continuingeducation": [r.pk for r in ce_records],
        "certification.credentialenrolment": [e.pk for e in credential_enrolments],
        "certification.attestation": [a.pk for a in attestations],
        "certification.certificateshare": [x.pk for x in shares],
        "certification.certificatename": [certificate_name.pk] if certificate_name else [],
    }
    return registry.Export(
        sections={
            "placements": [
                {
                    "host": p.host.name,
                    "starts_on": iso(p.starts_on),
                    "ends_on": iso(p.ends_on),
                    "credential": p.credential_code,
                    "you_accepted_the_agreement": iso(p.trainee_agreed_at),
                    "supervisors": [
                        {"name": link.supervisor.display_name, "qualification": link.qualification}
                        for link in p.supervisor_links.all()
                    ],
                }
                for p in placements
            ],
            "practicum_entries": [
                {
                    "date": iso(e.date),
                    "start_time": iso(e.start_time),
                    "minutes": e.minutes,
                    "setting": e.get_setting_display(),
                    "activity": e.activity.title,
                    "domains": [d.title for d in e.domains.all()],
                    "description": e.description,
                    "status": e.get_status_display(),
                    "decided_by": e.decided_by.display_name if e.decided_by else None,
                    "comment": e.decision_comment,
                }
                for e in entries
            ],
            "supervision_sessions": [
                {
                    "kind": s.get_kind_display(),
                    "date": iso(s.date),
                    "minutes": s.minutes,
                    "supervisor": s.supervisor.display_name,
                    "private_notes": s.private_notes,
                }
                for s in sessions
            ],
            "competency_signoffs": [
                {
                    "competency": f"{r.competency.domain.framework.slug}/{r.competency.code}",
                    "your_account": r.account,
                    "ratings": [
                        {
                            "rating": x.get_rating_display(),
                            "rater": x.rater.display_name,
                            "comment": x.comment,
                            "at": iso(x.created_at),
                        }
                        for x in r.ratings.all()
                    ],
                }
                for r in requests
            ],
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
            "notifications": [
                {"message": n.message, "at": iso(n.created_at)} for n in user.notifications.all()
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
            "supervision_agreements": [
                {"host": p.host.name, "you_accepted": iso(p.trainee_agreed_at)} for p in placements
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
    counts = {
        "notifications": Notification.objects.filter(recipient=person).delete()[0],
        "supervision_notes": SupervisionSession.objects.filter(placement__trainee=person)
        .exclude(private_notes="")
        .update(private_notes=""),
        "signoff_accounts": SignOffRequest.objects.filter(placement__trainee=person)
        .exclude(account="")
        .update(account=""),
    }
    counts.update(_erase_ce(person))
    counts["shares_stopped"] = (
        CertificateShare.objects.active()
        .filter(certificate__trainee=person)
        .update(stopped_at=timezone.now())
    )
    counts["certificates_hidden"] = _minimal_certificates(person)
    return counts


def purge(cutoff) -> dict[str, int]:
    """Practicum drafts untouched since `cutoff` (never signed), each with an audit event."""
    drafts = PracticumEntry.objects.filter(
        status=PracticumEntry.Status.DRAFT, created_at__lt=cutoff, content_hash=""
    )
    draft_count = 0
    for draft in drafts.select_related("activity"):
        record_event(
            actor=None,
            action="entry.purged",
            obj=draft,
            before={"status": draft.status, "date": draft.date, "minutes": draft.minutes},
        )
        draft.domains.clear()
        draft.delete()
        draft_count += 1
    return {"drafts": draft_count}


registry.register(
    "certification", export=export, erase=erase, purge=purge, keeps_account=("placements",)
)
