"""Issuing certificates, exactly once, and storing their PDFs, once.

Exactly once rests on three things: a partial unique constraint (one active certificate per
trainee per credential version), the trainee's `CredentialEnrolment` row locked while the
service checks and creates, and tasks that re-check and return the existing certificate. The
PDF is rendered outside any transaction (it is slow) and stored under the certificate's row
lock: whoever stores first wins; a second render is discarded."""

import calendar
import hashlib
import logging
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.standards.models import Credential
from lms.audit.services.events import record_event
from lms.audit.services.outbox import enqueue_task
from lms.site import absolute_url

from .. import pdf
from ..basis import EVIDENCE, PRIOR_LEARNING, RECOGNITION
from ..exceptions import (
    CertificateRenderError,
    CredentialError,
    NameNotConfirmedError,
    NotEligibleError,
)
from ..models import Certificate, CertificateName, CertificateTemplate, CredentialEnrolment
from . import codes
from .credentials import check_eligibility, pin_credential
from .lifecycle import sign_certificate, transition_certificate

logger = logging.getLogger(__name__)

__all__ = [
    "basis_snapshot",
    "default_design",
    "email_certificate_ready",
    "issue_certificate",
    "record_render_failure",
    "store_certificate_pdf",
    "stale_certificate_ids",
]


# Crockford's base32: no I, L, O or U, so a code read aloud or retyped survives.
def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_design() -> dict:
    """The design used when no certificate template exists yet."""
    return CertificateTemplate(name="Default").design_snapshot(signatories=[])


def training_snapshot(summary) -> dict:
    """The credited training hours an issue counted: totals, by domain and topics, and each
    line by source and key (never its title, which the trainee may have typed)."""
    return {
        "total": str(summary.total),
        "face_to_face": str(summary.face_to_face),
        "by_domain": {key: str(hours) for key, hours in sorted(summary.by_domain.items())},
        "topics": sorted(summary.topics),
        "lines": [
            {"source": line.source, "key": line.key, "on": line.on.isoformat(), "hours": str(h)}
            for line, h in summary.counted
        ],
    }


def basis_snapshot(*, eligibility, actor=None, today: date) -> dict:
    """The basis of issue, taken at issue: every requirement of the version with how it was
    met (on Peerpath, or granted on recognition of prior learning) and, when anything was
    granted, whose decision it was (the registrar's account id, never the private reason)."""
    requirements = [
        {
            "kind": r.kind,
            "key": r.key,
            "label": r.label,
            "met_by": (PRIOR_LEARNING if r.via == PRIOR_LEARNING else EVIDENCE)
            if r.met
            else RECOGNITION,
            "detail": r.detail,
        }
        for r in eligibility.requirements
    ]
    basis = {"requirements": requirements}
    if eligibility.version.has_training_rule:
        basis["training_hours"] = training_snapshot(eligibility.training)
    if any(item["met_by"] == RECOGNITION for item in requirements):
        basis["recognition"] = {
            "decided_by": getattr(actor, "pk", None),
            "role": "registrar",
            "decided_on": today.isoformat(),
        }
    return basis


def _template_for(credential: Credential) -> CertificateTemplate | None:
    if credential.template_id:
        return credential.template
    return (
        CertificateTemplate.objects.filter(is_default=True).first()
        or CertificateTemplate.objects.order_by("pk").first()
    )


def issue_certificate(
    *, trainee, credential_code: str, actor=None, reason: str = ""
) -> tuple[Certificate, bool]:
    """Issue the trainee's certificate for their version of the credential, exactly once.
    Returns (certificate, created). Without `reason` every requirement must be met; with one,
    a registrar (`actor`) issues it manually (recognition of prior learning), and the reason
    is kept on the certificate. The PDF is rendered by a task enqueued on commit."""
    reason = (reason or "").strip()
    with transaction.atomic():
        credential = Credential.objects.filter(code=credential_code).first()
        if credential is None:
            raise CredentialError(_("We could not find that credential."))
        if not credential.issued_by_product:
            raise CredentialError(
                _("Peerpath tracks progress toward %(credential)s but does not issue it.")
                % {"credential": credential}
            )
        enrolment = pin_credential(trainee=trainee, credential=credential)
        # The lock that serialises issuing for this trainee and credential (a no-op on SQLite,
        # whose write transactions are already serialised).
        enrolment = (
            CredentialEnrolment.objects.select_for_update()
            .select_related("version")
            .get(pk=enrolment.pk)
        )
        existing = (
            Certificate.objects.active()
            .filter(trainee=trainee, credential_version=enrolment.version)
            .first()
        )
        if existing is not None:
            return existing, False
        eligibility = check_eligibility(trainee=trainee, credential_code=credential_code)
        manual = bool(reason)
        if manual and not getattr(actor, "pk", None):
            raise CredentialError(_("A manual issue needs the registrar who makes it."))
        if not manual and not eligibility.met:
            raise NotEligibleError(
                _("Not every requirement is met: %(missing)s.") % {"missing": eligibility.summary()}
            )
        name = CertificateName.objects.filter(user=trainee).first()
        if name is None:
            raise NameNotConfirmedError(
                _("The holder has not confirmed how their name appears on certificates yet.")
            )
        version = enrolment.version
        template = _template_for(credential)
        today = timezone.localdate()
        totals = eligibility.totals
        competencies = [
            {"code": r.key, "text": r.label.partition(" ")[2]}
            for r in eligibility.requirements
            if r.kind == "competency" and (r.met or not manual)
        ]
        courses = [r.label for r in eligibility.requirements if r.kind == "course" and r.met]
        certificate = Certificate(
            verification_code=codes.generate_verification_code(),
            trainee=trainee,
            credential_version=version,
            template=template,
            route=Certificate.Route.MANUAL if manual else Certificate.Route.AUTOMATIC,
            issued_by=actor if manual else None,
            manual_reason=reason,
            holder_name=name.name,
            credential_code=credential.code,
            credential_title=version.title,
            credential_version_number=version.number,
            alignment_statement=version.alignment_statement,
            issuing_organisation=(template.issuing_organisation if template else "Peerpath"),
            competencies=competencies,
            hours={
                "practicum": round(totals["minutes"] / 60, 1),
                "direct": round(totals["direct_minutes"] / 60, 1),
                "supervision": round(totals["supervision_minutes"] / 60, 1),
            },
            courses=courses,
            issued_on=today,
            expires_on=(
                _add_months(today, version.validity_months) if version.validity_months else None
            ),
            template_version=template.version if template else 0,
            design=template.design_snapshot() if template else default_design(),
            basis=basis_snapshot(eligibility=eligibility, actor=actor, today=today),
        )
        certificate.full_clean()
        try:
            with transaction.atomic():
                certificate.save()
        except IntegrityError:
            # The constraint caught a race the lock did not (it cannot on PostgreSQL; it is
            # the last line of defence): the other certificate stands.
            return (
                Certificate.objects.active().get(trainee=trainee, credential_version=version),
                False,
            )
        record_event(
            actor=actor if manual else None,
            action="certificate.issued",
            obj=certificate,
            after={
                "credential": credential.code,
                "version": version.number,
                "route": certificate.route,
                "recognised": [
                    item["key"]
                    for item in certificate.basis["requirements"]
                    if item["met_by"] == RECOGNITION
                ],
                "template_version": certificate.template_version,
                "expires_on": certificate.expires_on,
            },
        )

        # The task by its name: the tasks module imports this one.

        enqueue_task("certification.tasks.render_certificate_task", certificate.pk)
        return certificate, True


def store_certificate_pdf(*, certificate_id: int) -> bool:
    """Render the certificate's PDF and store it, once, with its SHA-256. Returns whether
    this call stored it (False: already stored, by this or another worker). Raises
    CertificateRenderError when the PDF cannot be made; nothing is stored then."""

    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None or certificate.status != Certificate.Status.PENDING:
        return False
    Certificate.objects.filter(pk=certificate_id).update(
        render_attempts=F("render_attempts") + 1, last_attempt_at=timezone.now()
    )
    data = pdf.render_certificate_pdf(certificate)  # slow, so outside the transaction
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate_id)
        if locked.status != Certificate.Status.PENDING:
            return False  # another render stored it first; this one is discarded
        name = f"certificates/{locked.uuid}.pdf"
        # A file left by a render killed before it committed is overwritten, never served:
        # downloads only ever follow the stored path and hash of an issued certificate.
        if default_storage.exists(name):
            default_storage.delete(name)
        saved = default_storage.save(name, ContentFile(data))
        sign_certificate(locked)  # its Open Badges credential and status-list bit
        transition_certificate(
            locked,
            move="issue",
            actor=None,
            changes={
                "pdf": saved,
                "pdf_sha256": digest,
                "status": Certificate.Status.ISSUED,
                "pdf_rendered_at": timezone.now(),
                "last_error": "",
                "status_index": locked.status_index,
                "signed_credential": locked.signed_credential,
            },
            before={"status": Certificate.Status.PENDING},
            after={"status": Certificate.Status.ISSUED, "sha256": digest, "bytes": len(data)},
        )

        enqueue_task("certification.tasks.email_certificate_ready_task", locked.pk)
    return True


def record_render_failure(*, certificate_id: int, error: BaseException) -> None:
    """Keep the error on the pending certificate for registrars (never personal data: the
    exception's type and message, which name a file or template, not a person)."""
    message = f"{type(error).__name__}: {error}"[:2000]
    Certificate.objects.filter(pk=certificate_id, status=Certificate.Status.PENDING).update(
        last_error=message, last_attempt_at=timezone.now()
    )


def stale_certificate_ids(*, older_than: timedelta) -> list[int]:
    """Pending certificates nobody has tried to render for `older_than` (a worker died, the
    broker lost the message, or retries ran out), for the sweeper to queue again."""
    before = timezone.now() - older_than
    return list(Certificate.objects.stale_pending(before).values_list("pk", flat=True))


def email_certificate_ready(*, certificate_id: int) -> bool:
    """Email the holder the link to their certificate, once it is stored. Idempotent."""
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update()
            .select_related("trainee")
            .filter(pk=certificate_id)
            .first()
        )
        if certificate is None or not certificate.ready or certificate.ready_emailed_at:
            return False
        link = absolute_url(certificate.get_absolute_url())
        context = {"certificate": certificate, "link": link, "user": certificate.trainee}
        send_mail(
            subject="Your Peerpath certificate is ready",
            message=render_to_string("certification/email/certificate_ready.txt", context),
            from_email=None,
            recipient_list=[certificate.trainee.email],
        )
        certificate.ready_emailed_at = timezone.now()
        certificate.save(update_fields=["ready_emailed_at"])
    return True


def render_failed(error: BaseException) -> bool:
    """Whether an error is the PDF's own (recorded and retried) rather than a bug."""
    return isinstance(error, CertificateRenderError | OSError)
