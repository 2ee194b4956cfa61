"""A certificate after issue: its signed Open Badges credential and its bit in the
revocation status list; revocation, suspension, replacement (corrections), renewal and the
holder hiding it. Every change goes through `transition_certificate`: an allowed-moves table,
the row lock, the save, the status-list bit, one audit event and the change signal, in one
transaction (django-oscar's `set_status`)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.audit.services.events import record_event
from lms.audit.services.outbox import enqueue_task
from lms.site import absolute_url

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
    "transition_certificate",
    "MOVES",
]

REVOCATION = "revocation"


class LifecycleError(CertificationError):
    """A certificate lifecycle move that cannot be made (a refused move is a 409)."""


def status_list_url() -> str:
    return absolute_url(reverse("issuer:status_list", kwargs={"purpose": REVOCATION}))


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
            target_url=absolute_url(
                reverse(
                    "frameworks:node",
                    kwargs={
                        "framework": item["code"].partition("/")[0],
                        "code": item["code"].partition("/")[2],
                    },
                )
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
        achievement_id=absolute_url(
            reverse("credentials:detail", kwargs={"code": certificate.credential_code})
        ),
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


def _locked(certificate_id, **filters) -> Certificate:
    certificate = (
        Certificate.objects.select_for_update().filter(pk=certificate_id, **filters).first()
    )
    if certificate is None:
        raise LifecycleError(_("We could not find that certificate."), status=404)
    return certificate


# The guarded transition.

SUSPENDED = "suspended"  # an issued certificate with `suspended_at` set
ANY_STATE = frozenset({*Certificate.Status.values, SUSPENDED})


def certificate_state(certificate: Certificate) -> str:
    """The state the moves table reads: the status, with an issued certificate under
    suspension told apart (suspension is reversible, so it is a flag, not a status)."""
    if certificate.status == Certificate.Status.ISSUED and certificate.suspended_at:
        return SUSPENDED
    return certificate.status


@dataclass(frozen=True)
class Move:
    sources: frozenset  # the states the move may start from
    refusal: str  # why it is refused from any other state, fit to show
    action: str  # the audit event's action
    change: str | None  # the `certificate_changed` signal's change (None: no signal)
    sets_bit: bool = False  # the credential stops being current in the status list


MOVES: dict[str, Move] = {
    "issue": Move(
        frozenset({Certificate.Status.PENDING}),
        gettext_lazy("Only a certificate being prepared can be issued."),
        "certificate.pdf_stored",
        None,  # nobody watches a certificate before it is issued; caches follow the save
    ),
    "revoke": Move(
        frozenset({Certificate.Status.ISSUED, SUSPENDED}),
        gettext_lazy("Only an issued certificate can be revoked."),
        "certificate.revoked",
        "revoked",
        sets_bit=True,
    ),
    "suspend": Move(
        frozenset({Certificate.Status.ISSUED}),
        gettext_lazy("Only an issued, unsuspended certificate can be suspended."),
        "certificate.suspended",
        "suspended",
    ),
    "reinstate": Move(
        frozenset({SUSPENDED}),
        gettext_lazy("Only a suspended certificate can be reinstated."),
        "certificate.reinstated",
        "reinstated",
    ),
    "replace": Move(
        frozenset({Certificate.Status.ISSUED, SUSPENDED}),
        gettext_lazy("Only an issued certificate can be replaced."),
        "certificate.replaced",
        "replaced",
        sets_bit=True,
    ),
    "renew": Move(
        frozenset({Certificate.Status.ISSUED}),
        gettext_lazy("Only an issued certificate can be renewed."),
        "certificate.renewed",
        "replaced",  # watchers hear of a renewal as of any replacement
        sets_bit=True,
    ),
    "hide": Move(ANY_STATE, "", "certificate.hidden", "hidden"),
    "show": Move(ANY_STATE, "", "certificate.shown", "shown"),
}


def check_move(certificate: Certificate, move: str, *, error=LifecycleError) -> Move:
    """The move's rule, or `error` (status 409) with its refusal if the certificate's state
    does not allow it. Writes nothing."""
    rule = MOVES[move]
    if certificate_state(certificate) not in rule.sources:
        raise error(str(rule.refusal), status=409)
    return rule


def transition_certificate(
    certificate: Certificate,
    *,
    move: str,
    actor,
    changes: dict,
    before: dict | None = None,
    after: dict | None = None,
    successor: Callable[[Certificate], Certificate] | None = None,
    error=LifecycleError,
) -> Certificate | None:
    """The one way a certificate's status changes. `certificate` is locked by the caller
    (`select_for_update`, in this transaction). Refuses a move the table does not allow from
    the current state, writing nothing; otherwise saves `changes`, lets `successor` create
    the certificate that replaces this one (after the save, so the one-active constraint
    holds) and links it, sets the status-list bit if the move revokes the credential,
    records one audit event and sends `certificate_changed`. Returns the successor, if any."""
    rule = check_move(certificate, move, error=error)
    for name, value in changes.items():
        setattr(certificate, name, value)
    certificate.save(update_fields=list(changes))
    new = None
    if successor is not None:
        new = successor(certificate)
        Certificate.objects.filter(pk=certificate.pk).update(replaced_by=new)
        certificate.replaced_by = new
    if rule.sets_bit:
        _set_bit(certificate)
    after = {**(after or {}), **({"replaced_by": new.pk} if new is not None else {})}
    record_event(actor=actor, action=rule.action, obj=certificate, before=before, after=after)
    if rule.change is not None:
        certificate_changed.send(sender=Certificate, certificate=certificate, change=rule.change)
    return new


@transaction.atomic
def revoke_certificate(*, registrar, certificate_id: int, reason: str) -> Certificate:
    """Revoke an issued certificate. The reason is kept for registrars only; the public sees
    the date. The status list is re-signed in this transaction."""
    reason = (reason or "").strip()
    if not reason:
        raise LifecycleError(_("Give the reason for the record (it is never shown publicly)."))
    certificate = _locked(certificate_id)
    transition_certificate(
        certificate,
        move="revoke",
        actor=registrar,
        changes={
            "status": Certificate.Status.REVOKED,
            "revoked_at": timezone.now(),
            "revoked_by": registrar,
            "revocation_reason": reason,
        },
        before={"status": Certificate.Status.ISSUED},
        after={"status": Certificate.Status.REVOKED, "status_index": certificate.status_index},
    )
    return certificate


@transaction.atomic
def replace_certificate(*, actor, certificate_id: int, reason: str, holder_name=None):
    """Replace an issued certificate with a corrected copy (a new code, a new PDF), keeping
    the history: the old one shows "replaced by" the new one. Returns the new certificate."""
    from ..tasks import render_certificate_task
    from .certificates import generate_verification_code

    reason = (reason or "").strip()
    if not reason:
        raise LifecycleError(_("Say what the replacement corrects (kept for registrars)."))
    old = _locked(certificate_id)
    check_move(old, "replace")
    snapshot = {name: getattr(old, name) for name in Certificate.SNAPSHOT_FIELDS}
    snapshot.pop("uuid")
    snapshot["verification_code"] = generate_verification_code()
    if holder_name:
        snapshot["holder_name"] = holder_name.strip()

    def corrected_copy(old):
        return Certificate.objects.create(
            trainee=old.trainee,
            credential_version=old.credential_version,
            template=old.template,
            route=Certificate.Route.MANUAL,
            issued_by=actor,
            manual_reason=f"Replaces {old.grouped_code}: {reason}",
            **snapshot,
        )

    new = transition_certificate(
        old,
        move="replace",
        actor=actor,
        changes={"status": Certificate.Status.REPLACED, "replaced_at": timezone.now()},
        before={"status": Certificate.Status.ISSUED},
        after={"status": Certificate.Status.REPLACED},
        successor=corrected_copy,
    )
    record_event(actor=actor, action="certificate.issued", obj=new, after={"replaces": old.pk})
    enqueue_task(render_certificate_task, new.pk)
    return new


@transaction.atomic
def hide_certificate(*, holder, certificate_id: int, hidden: bool) -> Certificate:
    """The holder hides their certificate from public verification, or shows it again."""
    certificate = _locked(certificate_id, trainee=holder)
    if certificate.hidden != hidden:  # asking again changes nothing and records nothing
        transition_certificate(
            certificate,
            move="hide" if hidden else "show",
            actor=holder,
            changes={"hidden": hidden},
            after={"hidden": hidden},
        )
    return certificate


@transaction.atomic
def suspend_certificate(*, registrar, certificate_id: int, reason: str) -> Certificate:
    """Suspend an issued certificate while something is looked into (reversible; the public
    sees "suspended" and the date, never the reason)."""
    reason = (reason or "").strip()
    if not reason:
        raise LifecycleError(_("Give the reason for the record (it is never shown publicly)."))
    certificate = _locked(certificate_id)
    transition_certificate(
        certificate,
        move="suspend",
        actor=registrar,
        changes={"suspended_at": timezone.now(), "suspension_reason": reason},
        after={"suspended": True},
    )
    return certificate


@transaction.atomic
def reinstate_certificate(*, registrar, certificate_id: int) -> Certificate:
    """Lift a suspension: the certificate verifies as issued again."""
    certificate = _locked(certificate_id)
    transition_certificate(
        certificate,
        move="reinstate",
        actor=registrar,
        changes={"suspended_at": None},
        before={"suspended": True},
        after={"suspended": False},
    )
    return certificate
