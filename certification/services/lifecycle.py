"""A certificate after issue: its signed Open Badges credential and its bit in the
revocation status list; revocation, replacement (corrections) and the holder hiding it.
Every change is atomic, audited, and re-signs the status list in the same transaction."""

from datetime import datetime, time

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lms.audit.services.events import record_event
from lms.audit.services.outbox import enqueue_task

from .. import openbadges
from ..exceptions import CertificationError
from ..models import Certificate, StatusList
from ..signals import certificate_changed

__all__ = [
    "LifecycleError",
    "hide_certificate",
    "reinstate_certificate",
    "replace_certificate",
    "revoke_certificate",
    "sign_certificate",
    "suspend_certificate",
    "signed_status_list",
    "status_list_url",
]

REVOCATION = "revocation"


class LifecycleError(CertificationError):
    def __init__(self, message, status=400):
        super().__init__(message)
        self.message, self.status = message, status


def _site() -> str:
    return settings.SITE_URL.rstrip("/")


def status_list_url() -> str:
    return _site() + reverse("issuer:status_list", kwargs={"purpose": REVOCATION})


def _status_list(*, lock: bool) -> StatusList:
    StatusList.objects.get_or_create(purpose=REVOCATION)
    queryset = StatusList.objects.select_for_update() if lock else StatusList.objects
    return queryset.get(purpose=REVOCATION)


def _sign_list(status_list: StatusList) -> None:
    bits = openbadges.Bitstring.from_indexes(status_list.revoked_indexes, size=status_list.size)
    unsigned = openbadges.status_list_credential(
        list_url=status_list_url(),
        issuer=openbadges.issuer_id(),
        bitstring=bits,
        valid_from=timezone.now().replace(microsecond=0),
    )
    status_list.signed_credential = openbadges.sign_credential(credential=unsigned)
    status_list.save(update_fields=["signed_credential", "revoked_indexes", "updated_at"])


def signed_status_list() -> dict:
    """The published list credential (signed on first use)."""
    with transaction.atomic():
        status_list = _status_list(lock=True)
        if not status_list.signed_credential:
            _sign_list(status_list)
    return status_list.signed_credential


def _as_datetime(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def sign_certificate(certificate: Certificate) -> None:
    """Give the certificate its status-list bit and its signed OpenBadgeCredential. Call
    inside the transaction that issues it (the row is locked by the caller)."""
    if certificate.signed_credential:
        return
    used = set(
        Certificate.objects.exclude(status_index=None).values_list("status_index", flat=True)
    )
    status_list = _status_list(lock=False)
    index = openbadges.allocate_status_index(used=used, size=status_list.size)
    alignments = tuple(
        openbadges.Alignment(
            target_name=item.get("text", "") or item.get("code", ""),
            target_url=_site()
            + reverse(
                "frameworks:node",
                kwargs={
                    "framework": item["code"].partition("/")[0],
                    "code": item["code"].partition("/")[2],
                },
            ),
            target_code=item["code"],
            target_framework=item["code"].partition("/")[0],
        )
        for item in certificate.competencies
        if "/" in str(item.get("code", ""))
    )
    data = openbadges.CredentialInput(
        credential_id=certificate.verification_url,
        holder_name=certificate.holder_name,
        achievement_id=_site()
        + reverse("credentials:detail", kwargs={"code": certificate.credential_code}),
        achievement_name=certificate.credential_title,
        achievement_description=certificate.alignment_statement
        or f"{certificate.credential_title}, version {certificate.credential_version_number}.",
        criteria_narrative=_criteria(certificate),
        achievement_type="Certificate",
        valid_from=_as_datetime(certificate.issued_on),
        valid_until=_as_datetime(certificate.expires_on) if certificate.expires_on else None,
        alignments=alignments,
        credential_status=openbadges.status_entry(list_url=status_list_url(), index=index),
    )
    certificate.status_index = index
    certificate.signed_credential = openbadges.sign_credential(
        credential=openbadges.build_credential(data=data)
    )


def _criteria(certificate: Certificate) -> str:
    parts = []
    if certificate.courses:
        parts.append("Completed the courses " + ", ".join(certificate.courses) + ".")
    hours = certificate.hours or {}
    if hours.get("practicum"):
        parts.append(
            f"Logged {hours['practicum']} hours of supervised practicum "
            f"({hours.get('supervision', 0)} hours of supervision), approved by supervisors."
        )
    if certificate.competencies:
        parts.append(
            "Competencies signed off by a supervisor: "
            + ", ".join(item.get("code", "") for item in certificate.competencies)
            + "."
        )
    return " ".join(parts) or f"Met the requirements of {certificate.credential_title}."


def _set_bit(certificate: Certificate) -> None:
    status_list = _status_list(lock=True)
    if certificate.status_index is not None and (
        certificate.status_index not in status_list.revoked_indexes
    ):
        status_list.revoked_indexes = sorted(
            {*status_list.revoked_indexes, certificate.status_index}
        )
        _sign_list(status_list)


def _locked(certificate_id) -> Certificate:
    certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
    if certificate is None:
        raise LifecycleError("We could not find that certificate.", status=404)
    return certificate


@transaction.atomic
def revoke_certificate(*, registrar, certificate_id: int, reason: str) -> Certificate:
    """Revoke an issued certificate. The reason is kept for registrars only; the public sees
    the date. The status list is re-signed in this transaction."""
    reason = (reason or "").strip()
    if not reason:
        raise LifecycleError("Give the reason for the record (it is never shown publicly).")
    certificate = _locked(certificate_id)
    if certificate.status != Certificate.Status.ISSUED:
        raise LifecycleError("Only an issued certificate can be revoked.", status=409)
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at, certificate.revoked_by = timezone.now(), registrar
    certificate.revocation_reason = reason
    certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
    _set_bit(certificate)
    record_event(
        actor=registrar,
        action="certificate.revoked",
        obj=certificate,
        before={"status": Certificate.Status.ISSUED},
        after={"status": certificate.status, "status_index": certificate.status_index},
    )
    certificate_changed.send(sender=Certificate, certificate=certificate, change="revoked")
    return certificate


@transaction.atomic
def replace_certificate(*, actor, certificate_id: int, reason: str, holder_name=None):
    """Replace an issued certificate with a corrected copy (a new code, a new PDF), keeping
    the history: the old one shows "replaced by" the new one. Returns the new certificate."""
    from ..tasks import render_certificate_task
    from .certificates import generate_verification_code

    reason = (reason or "").strip()
    if not reason:
        raise LifecycleError("Say what the replacement corrects (kept for registrars).")
    old = _locked(certificate_id)
    if old.status != Certificate.Status.ISSUED:
        raise LifecycleError("Only an issued certificate can be replaced.", status=409)
    snapshot = {name: getattr(old, name) for name in Certificate.SNAPSHOT_FIELDS}
    snapshot.pop("uuid")
    snapshot["verification_code"] = generate_verification_code()
    if holder_name:
        snapshot["holder_name"] = holder_name.strip()
    old.status = Certificate.Status.REPLACED
    old.replaced_at = timezone.now()
    old.save(update_fields=["status", "replaced_at"])
    new = Certificate.objects.create(
        trainee=old.trainee,
        credential_version=old.credential_version,
        template=old.template,
        route=Certificate.Route.MANUAL,
        issued_by=actor,
        manual_reason=f"Replaces {old.grouped_code}: {reason}",
        **snapshot,
    )
    Certificate.objects.filter(pk=old.pk).update(replaced_by=new)
    old.replaced_by = new
    _set_bit(old)
    record_event(
        actor=actor,
        action="certificate.replaced",
        obj=old,
        before={"status": Certificate.Status.ISSUED},
        after={"status": old.status, "replaced_by": new.pk},
    )
    record_event(actor=actor, action="certificate.issued", obj=new, after={"replaces": old.pk})
    enqueue_task(render_certificate_task, new.pk)
    certificate_changed.send(sender=Certificate, certificate=old, change="replaced")
    return new


@transaction.atomic
def hide_certificate(*, holder, certificate_id: int, hidden: bool) -> Certificate:
    """The holder hides their certificate from public verification, or shows it again."""
    certificate = (
        Certificate.objects.select_for_update().filter(pk=certificate_id, trainee=holder).first()
    )
    if certificate is None:
        raise LifecycleError("We could not find that certificate.", status=404)
    if certificate.hidden != hidden:
        certificate.hidden = hidden
        certificate.save(update_fields=["hidden"])
        record_event(
            actor=holder,
            action="certificate.hidden" if hidden else "certificate.shown",
            obj=certificate,
            after={"hidden": hidden},
        )
        certificate_changed.send(
            sender=Certificate, certificate=certificate, change="hidden" if hidden else "shown"
        )
    return certificate


@transaction.atomic
def suspend_certificate(*, registrar, certificate_id: int, reason: str) -> Certificate:
    """Suspend an issued certificate while something is looked into (reversible; the public
    sees "suspended" and the date, never the reason)."""
    reason = (reason or "").strip()
    if not reason:
        raise LifecycleError("Give the reason for the record (it is never shown publicly).")
    certificate = _locked(certificate_id)
    if certificate.status != Certificate.Status.ISSUED or certificate.suspended_at:
        raise LifecycleError("Only an issued, unsuspended certificate can be suspended.", 409)
    certificate.suspended_at, certificate.suspension_reason = timezone.now(), reason
    certificate.save(update_fields=["suspended_at", "suspension_reason"])
    record_event(
        actor=registrar, action="certificate.suspended", obj=certificate, after={"suspended": True}
    )
    certificate_changed.send(sender=Certificate, certificate=certificate, change="suspended")
    return certificate


@transaction.atomic
def reinstate_certificate(*, registrar, certificate_id: int) -> Certificate:
    certificate = _locked(certificate_id)
    if certificate.suspended_at is None or certificate.status != Certificate.Status.ISSUED:
        raise LifecycleError("Only a suspended certificate can be reinstated.", status=409)
    certificate.suspended_at = None
    certificate.save(update_fields=["suspended_at"])
    record_event(
        actor=registrar,
        action="certificate.reinstated",
        obj=certificate,
        before={"suspended": True},
        after={"suspended": False},
    )
    certificate_changed.send(sender=Certificate, certificate=certificate, change="reinstated")
    return certificate
