"""A certificate after issue: its signed Open Badges credential and its bit in the
revocation status list; revocation, suspension, replacement (corrections), renewal and the
holder hiding it. Every change goes through `transition_certificate`: an allowed-moves table,
the row lock, the save, the status-list bit, one audit event and the change signal, in one
transaction (django-oscar's `set_status`)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.audit.services.events import record_event
from lms.audit.services.outbox import enqueue_task
from lms.site import absolute_url

from .. import openbadges
from ..exceptions import CertificationError
from ..models import Certificate, IssuerIdentity, StatusList
from ..signals import certificate_changed
from . import codes

__all__ = [
    "STATUS_PURPOSES",
    "LifecycleError",
    "current_issuer",
    "email_certificate_status",
    "record_issuer",
    "valid_until",
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
    "PublicStatus",
    "public_status",
]

REVOCATION = "revocation"
SUSPENSION = "suspension"
STATUS_PURPOSES = (REVOCATION, SUSPENSION)


class LifecycleError(CertificationError):
    """A certificate lifecycle move that cannot be made (a refused move is a 409)."""


def current_issuer() -> tuple[str, str]:
    """(issuer id, base address of the issuer's documents): the identity recorded when the
    first credential was signed, else the configured one (nothing recorded yet). Reads only."""
    identity = IssuerIdentity.objects.order_by("pk").first()
    if identity is not None:
        return identity.issuer_id, identity.base_url
    return openbadges.issuer_id(), absolute_url()


def record_issuer() -> tuple[str, str]:
    """The issuer identity to sign with, recorded on first use so that it never changes after
    (a later SITE_URL would otherwise make every earlier credential's issuer differ from its
    key's controller)."""
    identity = IssuerIdentity.objects.order_by("pk").first()
    if identity is None:
        identity, _created = IssuerIdentity.objects.get_or_create(
            pk=1, defaults={"issuer_id": openbadges.issuer_id(), "base_url": absolute_url()}
        )
    return identity.issuer_id, identity.base_url


def status_list_url(purpose: str = REVOCATION) -> str:
    """The stable address of a status list, under the recorded issuer's base address."""
    _issuer, base = current_issuer()
    return base.rstrip("/") + reverse("issuer:status_list", kwargs={"purpose": purpose})


def _status_list(*, lock: bool, purpose: str = REVOCATION) -> StatusList:
    StatusList.objects.get_or_create(purpose=purpose)
    queryset = StatusList.objects.select_for_update() if lock else StatusList.objects
    return queryset.get(purpose=purpose)


def sign_as_issuer(unsigned: dict, issuer: str, *, loader=None) -> dict:
    """`unsigned`, signed with the current key under the recorded issuer (`record_issuer`);
    `loader`: a document loader that knows further shipped contexts."""
    key = openbadges.current_signing_key()
    return openbadges.sign_credential(
        credential=unsigned,
        key=key,
        verification_method=openbadges.key_url(key_id=key.key_id, issuer=issuer),
        loader=loader,
    )


def _sign_list(status_list: StatusList) -> None:
    issuer, _base = record_issuer()
    bits = openbadges.Bitstring.from_indexes(status_list.revoked_indexes, size=status_list.size)
    unsigned = openbadges.status_list_credential(
        list_url=status_list_url(status_list.purpose),
        issuer=issuer,
        bitstring=bits,
        valid_from=timezone.now().replace(microsecond=0),
        purpose=status_list.purpose,
    )
    status_list.signed_credential = sign_as_issuer(unsigned, issuer)
    status_list.save(update_fields=["signed_credential", "revoked_indexes", "updated_at"])


def signed_status_list(purpose: str = REVOCATION) -> dict:
    """The published list credential for `purpose` (signed on first use)."""
    with transaction.atomic():
        status_list = _status_list(lock=True, purpose=purpose)
        if not status_list.signed_credential:
            _sign_list(status_list)
    return status_list.signed_credential


def _as_datetime(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def valid_until(expires_on) -> datetime | None:
    """The signed credential's `validUntil` for an expiry day: the first moment of the next
    day in the site's time zone, so the credential is valid through the whole expiry day,
    exactly as the verify page says (`Certificate.is_expired`)."""
    return _as_datetime(expires_on + timedelta(days=1)) if expires_on else None


def sign_certificate(certificate: Certificate) -> None:
    """Give the certificate its status-list bit and its signed OpenBadgeCredential. Call
    inside the transaction that issues it (the row is locked by the caller)."""
    if certificate.signed_credential:
        return
    issuer, _base = record_issuer()
    used = set(
        Certificate.objects.exclude(status_index=None).values_list("status_index", flat=True)
    )
    status_list = _status_list(lock=False)
    index = openbadges.allocate_status_index(used=used, size=status_list.size)
    if certificate.is_course:
        alignments = _course_alignments(certificate)
        achievement_id = absolute_url(certificate.course.url) if certificate.course_id else ""
        achievement_type = "Course"
        description = _course_description(certificate)
    else:
        alignments = tuple(
            openbadges.Alignment(
                target_name=item.get("text", "") or item.get("code", ""),
                target_url=_framework_url(item["code"]),
                target_code=item["code"],
                target_framework=item["code"].partition("/")[0],
            )
            for item in certificate.competencies
            if "/" in str(item.get("code", ""))
        )
        achievement_id = absolute_url(
            reverse("credentials:detail", kwargs={"code": certificate.credential_code})
        )
        achievement_type = "Certificate"
        description = (
            certificate.alignment_statement
            or f"{certificate.credential_title}, version {certificate.credential_version_number}."
        )
    data = openbadges.CredentialInput(
        credential_id=certificate.verification_url,
        holder_name=certificate.holder_name,
        achievement_id=achievement_id or absolute_url(f"/verify/{certificate.verification_code}/"),
        achievement_name=certificate.credential_title,
        achievement_description=description,
        criteria_narrative=_criteria(certificate),
        achievement_type=achievement_type,
        valid_from=_as_datetime(certificate.issued_on),
        valid_until=valid_until(certificate.expires_on),
        alignments=alignments,
        issuer=openbadges.issuer_summary(issuer=issuer),
        # Two entries (VC 2.0 allows a set): revocation, and suspension (reversible), each
        # in its own list at the same index.
        credential_status=[
            openbadges.status_entry(list_url=status_list_url(purpose), index=index, purpose=purpose)
            for purpose in STATUS_PURPOSES
        ],
    )
    certificate.status_index = index
    certificate.signed_credential = sign_as_issuer(openbadges.build_credential(data=data), issuer)


def _framework_url(key: str) -> str:
    framework, _sep, code = key.partition("/")
    return absolute_url(reverse("frameworks:node", kwargs={"framework": framework, "code": code}))


def _course_alignments(certificate: Certificate) -> tuple:
    """A course certificate aligns to the framework domains its contact hours count toward."""
    return tuple(
        openbadges.Alignment(
            target_name=item.get("label") or item["key"],
            target_url=_framework_url(item["key"]),
            target_code=item["key"],
            target_framework=item["key"].partition("/")[0],
        )
        for item in (certificate.contact_hours or {}).get("by_domain", [])
        if "/" in str(item.get("key", ""))
    )


def _course_description(certificate: Certificate) -> str:
    hours = certificate.contact_hours or {}
    if not hours:
        return f"Certificate of completion of the course {certificate.credential_title}."
    return (
        f"Certificate of completion of the course {certificate.credential_title}: "
        f"{hours['total']} approved contact hours, {hours.get('delivery_label', '')}."
    )


def _criteria(certificate: Certificate) -> str:
    """The criteria narrative: what was certified, from the basis of issue, then what was
    done on Peerpath."""
    if certificate.is_course:
        return _course_criteria(certificate)
    basis = certificate.basis_of_issue
    parts = [basis.statement(certificate.credential_title)]
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
    return " ".join(parts)


def _course_criteria(certificate: Certificate) -> str:
    """A course's criteria: completed it, when, with its contact hours by domain."""
    parts = [
        f"Completed every lesson and required assessment of {certificate.credential_title}"
        f" between {certificate.attended_from} and {certificate.attended_to}."
    ]
    hours = certificate.contact_hours or {}
    if hours:
        domains = "; ".join(
            f"{item['label']} ({item['key']}) {item['hours']} h" for item in hours["by_domain"]
        )
        parts.append(
            f"Approved contact hours: {hours['total']} ({hours.get('delivery_label', '')})"
            + (f", by domain: {domains}." if domains else ".")
        )
    provider = certificate.provider or {}
    approvals = "; ".join(f"{a['body']} {a['number']}" for a in provider.get("approvals", []))
    if provider.get("name"):
        parts.append(
            f"Provided by {provider['name']}"
            + (f" (approved provider: {approvals})." if approvals else ".")
        )
    return " ".join(parts)


def _set_bit(certificate: Certificate, *, purpose: str = REVOCATION, value: bool = True) -> None:
    status_list = _status_list(lock=True, purpose=purpose)
    index = certificate.status_index
    if index is None or (index in status_list.revoked_indexes) == value:
        return
    indexes = set(status_list.revoked_indexes)
    if value:
        indexes.add(index)
    else:
        indexes.discard(index)
    status_list.revoked_indexes = sorted(indexes)
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
    suspension_bit: bool | None = None  # set (True) or clear (False) the suspension bit
    emails_holder: bool = False  # the holder is told by email (through the outbox)


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
        emails_holder=True,
    ),
    "suspend": Move(
        frozenset({Certificate.Status.ISSUED}),
        gettext_lazy("Only an issued, unsuspended certificate can be suspended."),
        "certificate.suspended",
        "suspended",
        suspension_bit=True,
        emails_holder=True,
    ),
    "reinstate": Move(
        frozenset({SUSPENDED}),
        gettext_lazy("Only a suspended certificate can be reinstated."),
        "certificate.reinstated",
        "reinstated",
        suspension_bit=False,
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
    if rule.suspension_bit is not None:
        _set_bit(certificate, purpose=SUSPENSION, value=rule.suspension_bit)
    if rule.emails_holder:
        from ..tasks import email_certificate_status_task

        # Ids and a code only: the task reads the rest (never a reason) from the row.
        enqueue_task(email_certificate_status_task, certificate.pk, rule.change)
    after = {**(after or {}), **({"replaced_by": new.pk} if new is not None else {})}
    record_event(actor=actor, action=rule.action, obj=certificate, before=before, after=after)
    if rule.change is not None:
        certificate_changed.send(sender=Certificate, certificate=certificate, change=rule.change)
    return new


def _category(category: str) -> str:
    if category not in Certificate.Reason.values:
        raise LifecycleError(_("Choose the kind of reason (the holder is told it)."))
    return category


@transaction.atomic
def revoke_certificate(
    *, registrar, certificate_id: int, reason: str, category: str = Certificate.Reason.OTHER
) -> Certificate:
    """Revoke an issued certificate. The reason is kept for registrars only; the holder is
    told the date and the category by email and on their page; the public sees the date.
    The status list is re-signed in this transaction."""
    reason = (reason or "").strip()
    if not reason:
        raise LifecycleError(_("Give the reason for the record (it is never shown publicly)."))
    category = _category(category)
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
            "revocation_category": category,
        },
        before={"status": Certificate.Status.ISSUED},
        after={
            "status": Certificate.Status.REVOKED,
            "status_index": certificate.status_index,
            "category": category,
        },
    )
    return certificate


@transaction.atomic
def replace_certificate(*, actor, certificate_id: int, reason: str, holder_name=None):
    """Replace an issued certificate with a corrected copy (a new code, a new PDF), keeping
    the history: the old one shows "replaced by" the new one. Returns the new certificate."""

    reason = (reason or "").strip()
    if not reason:
        raise LifecycleError(_("Say what the replacement corrects (kept for registrars)."))
    old = _locked(certificate_id)
    check_move(old, "replace")
    snapshot = {name: getattr(old, name) for name in Certificate.SNAPSHOT_FIELDS}
    snapshot.pop("uuid")
    snapshot["verification_code"] = codes.generate_verification_code()
    if holder_name:
        snapshot["holder_name"] = holder_name.strip()

    def corrected_copy(old):
        return Certificate.objects.create(
            trainee=old.trainee,
            credential_version=old.credential_version,
            course=old.course,
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
    # The task by its name: the tasks module imports this one.
    enqueue_task("certification.tasks.render_certificate_task", new.pk)
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
def suspend_certificate(
    *,
    registrar,
    certificate_id: int,
    reason: str,
    category: str = Certificate.Reason.UNDER_REVIEW,
) -> Certificate:
    """Suspend an issued certificate while something is looked into (reversible; the public
    sees "suspended" and the date, never the reason; the suspension status list's bit is
    set; the holder is told by email)."""
    reason = (reason or "").strip()
    if not reason:
        raise LifecycleError(_("Give the reason for the record (it is never shown publicly)."))
    category = _category(category)
    certificate = _locked(certificate_id)
    transition_certificate(
        certificate,
        move="suspend",
        actor=registrar,
        changes={
            "suspended_at": timezone.now(),
            "suspension_reason": reason,
            "suspension_category": category,
        },
        after={"suspended": True, "category": category},
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


def email_certificate_status(*, certificate_id: int, change: str) -> bool:
    """Tell the holder their certificate was revoked or suspended: the date, the kind of
    reason (never the registrar's own words) and whom to write to. Once per change (a
    re-run finds the marker); nothing if the certificate has moved on since."""
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update()
            .select_related("trainee")
            .filter(pk=certificate_id)
            .first()
        )
        if certificate is None or certificate.holder_erased_at:
            return False
        if change == "revoked" and certificate.status == Certificate.Status.REVOKED:
            on, category = certificate.revoked_at, certificate.get_revocation_category_display()
        elif change == "suspended" and certificate_state(certificate) == SUSPENDED:
            on, category = certificate.suspended_at, certificate.get_suspension_category_display()
        else:
            return False
        marker = f"{change}:{on.isoformat()}"[:60]
        if certificate.holder_status_emailed == marker:
            return False
        context = {
            "user": certificate.trainee,
            "certificate": certificate,
            "change": change,
            "on": timezone.localdate(on),
            "category": category,
            "registrar_email": settings.PEERPATH_REGISTRAR_EMAIL,
            "link": absolute_url(certificate.get_absolute_url()),
        }
        subject = (
            _("Your Peerpath certificate was revoked")
            if change == "revoked"
            else _("Your Peerpath certificate is suspended")
        )
        send_mail(
            subject=str(subject),
            message=render_to_string("certification/email/certificate_status.txt", context),
            from_email=None,
            recipient_list=[certificate.trainee.email],
        )
        certificate.holder_status_emailed = marker
        certificate.save(update_fields=["holder_status_emailed"])
    return True


# The public standing of a certificate, as verification shows it and the lifecycle page
# previews it.

LABELS = {
    "valid": "Valid",
    "expired": "Expired",
    "revoked": "Revoked",
    "replaced": "Replaced by a newer certificate",
    "not_yet_valid": "Not yet valid",
    "suspended": "Suspended",
}


@dataclass(frozen=True)
class PublicStatus:
    state: str  # valid, expired, revoked, replaced, suspended or not_yet_valid
    on: date | None = None  # the date that goes with the state (expiry, revocation, ...)
    replacement: Certificate | None = None

    @property
    def label(self) -> str:
        return LABELS[self.state]


def public_status(certificate: Certificate, *, today: date | None = None) -> PublicStatus:
    today = today or timezone.localdate()
    if certificate.status == Certificate.Status.REVOKED:
        return PublicStatus("revoked", timezone.localdate(certificate.revoked_at))
    if certificate.status == Certificate.Status.REPLACED:
        on = timezone.localdate(certificate.replaced_at) if certificate.replaced_at else None
        return PublicStatus("replaced", on, certificate.replaced_by)
    if certificate.suspended_at is not None:
        return PublicStatus("suspended", timezone.localdate(certificate.suspended_at))
    if certificate.issued_on > today:
        return PublicStatus("not_yet_valid", certificate.issued_on)
    if certificate.is_expired(today=today):
        return PublicStatus("expired", certificate.expires_on)
    return PublicStatus("valid", certificate.expires_on)
