"""Renewal with continuing education. The holder records CE activities (hours, topic, date,
evidence); `renewal_check` counts them against the credential's renewal rules, e.g.
{"ce_hours": 20, "period_months": 24, "min_by_topic": {"ethics": 6}}: CE hours completed in
the `period_months` before the certificate expires (or in the grace period after), with a
minimum per topic. Hours the holder records count once a registrar has approved them (a
share, CE_AUDIT_RATE, is picked for audit and needs an evidence document first); hours from
Peerpath's own courses and sessions completed after the certificate was issued (the
`lms.hours` lines) count automatically. When every rule is met and the renewal window is
open, the holder or a registrar renews: a new certificate with a new code, issued today and
valid for the credential's validity from today, and the old one "replaced" by it.

The renewal window opens RENEWAL_OPENS_DAYS before expiry and closes RENEWAL_GRACE_DAYS
after; a record counts toward one renewal only (the renewal marks the records it used)."""

import calendar
import hashlib
import hmac
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.standards.models import CredentialVersion
from lms import hours as training_hours
from lms.audit.services.events import record_event
from lms.audit.services.outbox import enqueue_task

from ..exceptions import RenewalError
from ..models import Certificate, CertificateName, ContinuingEducation
from ..permissions import can_manage_certificates
from ..signals import certificate_renewed
from . import codes
from .lifecycle import check_move, transition_certificate

logger = logging.getLogger(__name__)

__all__ = [
    "EVIDENCE_MAX_BYTES",
    "EVIDENCE_TYPES",
    "RENEWAL_GRACE_DAYS",
    "RENEWAL_OPENS_DAYS",
    "RenewalCheck",
    "RenewalItem",
    "add_ce_record",
    "approve_ce_record",
    "ce_topics",
    "delete_ce_record",
    "picked_for_audit",
    "resubmit_ce_record",
    "return_ce_record",
    "review_queue",
    "renew_certificate",
    "renewal_check",
    "validate_ce_date",
    "validate_ce_hours",
    "validate_evidence_file",
]

RENEWAL_OPENS_DAYS = 90
RENEWAL_GRACE_DAYS = 90
CE_OLDEST_YEARS = 6
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
# Extension -> the bytes the file must start with (a renamed file is refused).
EVIDENCE_TYPES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}
BASE_TOPICS = (
    "ethics",
    "boundaries",
    "trauma_informed_practice",
    "recovery",
    "self_care",
    "supervision",
    "cultural_humility",
    "other",
)


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _topic_label(slug: str) -> str:
    return slug.replace("_", " ").replace("-", " ").capitalize()


def ce_topics() -> list[tuple[str, str]]:
    """Topics a record may have: the usual ones and every topic a renewal rule names."""
    named = set()
    for renewal in CredentialVersion.objects.exclude(renewal={}).values_list("renewal", flat=True):
        named.update((renewal or {}).get("min_by_topic", {}) or {})
    ordered = [*BASE_TOPICS[:-1], *sorted(named - set(BASE_TOPICS)), "other"]
    return [(slug, _topic_label(slug)) for slug in ordered]


# Validation shared by the form (field messages) and the service (the last word).


def validate_ce_hours(value) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as error:
        raise ValidationError(_("Give the hours as a number, for example 1.5.")) from error
    if not hours.is_finite():
        raise ValidationError(_("Give the hours as a number, for example 1.5."))
    if hours <= 0:
        raise ValidationError(_("Hours must be more than zero."))
    if hours < Decimal("0.25"):
        raise ValidationError(_("Give at least a quarter of an hour (0.25)."))
    if hours > Decimal("100"):
        raise ValidationError(_("One record can be at most 100 hours; split longer courses."))
    if hours != hours.quantize(Decimal("0.01")):
        raise ValidationError(_("Give hours to at most two decimal places."))
    return hours


def validate_ce_date(value: date, *, today: date | None = None) -> date:
    today = today or timezone.localdate()
    if value > today:
        raise ValidationError(_("The date cannot be in the future: add it once you have done it."))
    if value < _add_months(today, -12 * CE_OLDEST_YEARS):
        raise ValidationError(
            _("The date is more than %(years)s years ago.") % {"years": CE_OLDEST_YEARS}
        )
    return value


def validate_evidence_file(upload) -> None:
    """A PDF, PNG or JPEG of at most 5 MB, whose content matches its name."""
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _(
                "The file is %(size).1f MB; the limit is %(limit)s MB. A photo or scan at a "
                "lower resolution is fine."
            )
            % {"size": upload.size / 1024 / 1024, "limit": EVIDENCE_MAX_BYTES // 1024 // 1024}
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EVIDENCE_TYPES:
        raise ValidationError(_("Upload a PDF, PNG or JPEG file."))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(EVIDENCE_TYPES[extension]):
        raise ValidationError(
            _("This file does not look like a %(type)s. Upload a PDF, PNG or JPEG.")
            % {"type": extension.upper()}
        )


# Records.


@transaction.atomic
def add_ce_record(
    *,
    holder,
    title: str,
    topic: str,
    hours,
    completed_on: date,
    provider: str = "",
    evidence_text: str = "",
    evidence_file=None,
    today: date | None = None,
) -> ContinuingEducation:
    """Record a continuing-education activity for the holder. Raises RenewalError (with
    the message for the person) on bad input; nothing is stored then."""
    topics = dict(ce_topics())
    try:
        hours = validate_ce_hours(hours)
        if completed_on is None:
            raise ValidationError(_("Give the date you completed it."))
        validate_ce_date(completed_on, today=today)
        if evidence_file is not None:
            validate_evidence_file(evidence_file)
    except ValidationError as error:
        raise RenewalError(" ".join(error.messages)) from error
    if topic not in topics:
        raise RenewalError(_("Choose a topic from the list."))
    if not (title or "").strip():
        raise RenewalError(_("Say what you did, for example the course or workshop title."))
    record = ContinuingEducation(
        holder=holder,
        title=title.strip(),
        provider=(provider or "").strip(),
        topic=topic,
        hours=hours,
        completed_on=completed_on,
        evidence_text=(evidence_text or "").strip(),
    )
    if evidence_file is not None:
        record.evidence_name = (evidence_file.name or "")[-200:]
        record.evidence_file = evidence_file
    try:
        record.full_clean()
    except ValidationError as error:
        raise RenewalError(" ".join(error.messages)) from error
    record.save()
    # Decided once the record has its id (the pick is a function of it), and kept.
    record.audit_sampled = picked_for_audit(record.pk)
    ContinuingEducation.objects.filter(pk=record.pk).update(audit_sampled=record.audit_sampled)
    record_event(
        actor=holder,
        action="ce.recorded",
        obj=record,
        after={
            "topic": topic,
            "hours": str(hours),
            "completed_on": completed_on,
            "audit_sampled": record.audit_sampled,
        },
    )
    return record


# Review by a registrar.


def picked_for_audit(record_id: int, *, rate: float | None = None) -> bool:
    """Whether a record is picked for audit, at CE_AUDIT_RATE (0.10: one in ten). The pick is
    HMAC-SHA256 of "ce-audit:<record id>" under the site's SECRET_KEY, read as a number from 0
    to 1: reproducible (anyone holding the key can recompute every decision from the ids),
    spread evenly, and not predictable by the holder, who cannot know the key."""
    rate = settings.CE_AUDIT_RATE if rate is None else rate
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"ce-audit:{record_id}".encode(), hashlib.sha256
    ).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


def review_queue():
    """Self-reported records waiting for a registrar, oldest first, with their holders (two
    queries for the page however long the queue: the records, and nothing per row)."""
    return (
        ContinuingEducation.objects.waiting().select_related("holder").order_by("created_at", "pk")
    )


def _reviewable(record_id: int) -> ContinuingEducation:
    record = ContinuingEducation.objects.select_for_update().filter(pk=record_id).first()
    if record is None:
        raise RenewalError(_("We could not find that record."), status=404)
    if record.review_status != ContinuingEducation.Review.PENDING:
        raise RenewalError(
            _("This record is not waiting for review (it is %(status)s).")
            % {"status": record.get_review_status_display().lower()},
            status=409,
        )
    return record


@transaction.atomic
def approve_ce_record(*, registrar, record_id: int) -> ContinuingEducation:
    """A registrar approves a waiting record: from now on it counts toward renewal. A record
    picked for audit needs an evidence document first (return it to ask for one)."""
    if not can_manage_certificates(registrar):
        raise RenewalError(_("Only a registrar can review continuing education."), status=403)
    record = _reviewable(record_id)
    if record.audit_sampled and not record.evidence_file:
        raise RenewalError(
            _(
                "This record was picked for audit, so it needs an evidence document (a "
                "certificate of attendance, say) before it can be approved. Return it to ask "
                "the holder for one."
            ),
            status=409,
        )
    record.review_status = ContinuingEducation.Review.APPROVED
    record.reviewed_at = timezone.now()
    record.reviewed_by = registrar
    record.return_reason = ""
    record.save(update_fields=["review_status", "reviewed_at", "reviewed_by", "return_reason"])
    record_event(
        actor=registrar,
        action="ce.approved",
        obj=record,
        before={"review_status": "pending"},
        after={"review_status": "approved", "hours": str(record.hours), "topic": record.topic},
    )
    return record


@transaction.atomic
def return_ce_record(*, registrar, record_id: int, reason: str) -> ContinuingEducation:
    """A registrar returns a waiting record to its holder with a reason; it does not count
    until the holder sends it back and it is approved."""
    if not can_manage_certificates(registrar):
        raise RenewalError(_("Only a registrar can review continuing education."), status=403)
    reason = " ".join((reason or "").split())
    if not reason:
        raise RenewalError(
            _("Say why it is returned, so the holder knows what to do."),
            fields={"reason": [_("Say why it is returned, so the holder knows what to do.")]},
        )
    if len(reason) > 500:
        raise RenewalError(
            _("Keep the reason to 500 characters."),
            fields={"reason": [_("Keep the reason to 500 characters.")]},
        )
    record = _reviewable(record_id)
    record.review_status = ContinuingEducation.Review.RETURNED
    record.reviewed_at = timezone.now()
    record.reviewed_by = registrar
    record.return_reason = reason
    record.save(update_fields=["review_status", "reviewed_at", "reviewed_by", "return_reason"])
    # The reason goes to the holder on the page, not into the trail.
    record_event(
        actor=registrar,
        action="ce.returned",
        obj=record,
        before={"review_status": "pending"},
        after={"review_status": "returned"},
    )
    return record


@transaction.atomic
def resubmit_ce_record(
    *, holder, record_id: int, evidence_text: str = "", evidence_file=None
) -> ContinuingEducation:
    """The holder sends a returned record back for review, with more evidence."""
    record = (
        ContinuingEducation.objects.select_for_update().filter(pk=record_id, holder=holder).first()
    )
    if record is None:
        raise RenewalError(_("We could not find that record."), status=404)
    if record.review_status != ContinuingEducation.Review.RETURNED:
        raise RenewalError(_("Only a returned record can be sent back for review."), status=409)
    if evidence_file is None and not (evidence_text or "").strip():
        raise RenewalError(_("Add the evidence the registrar asked for before sending it back."))
    if evidence_file is not None:
        try:
            validate_evidence_file(evidence_file)
        except ValidationError as error:
            raise RenewalError(" ".join(error.messages)) from error
        old_file = record.evidence_file.name if record.evidence_file else ""
        record.evidence_name = (evidence_file.name or "")[-200:]
        record.evidence_file = evidence_file
        if old_file:
            storage = record.evidence_file.storage
            transaction.on_commit(lambda: storage.delete(old_file))
    if (evidence_text or "").strip():
        record.evidence_text = evidence_text.strip()[:2000]
    record.review_status = ContinuingEducation.Review.PENDING
    record.full_clean()
    record.save()
    record_event(
        actor=holder,
        action="ce.resubmitted",
        obj=record,
        before={"review_status": "returned"},
        after={"review_status": "pending", "evidence_file": bool(record.evidence_file)},
    )
    return record


@transaction.atomic
def delete_ce_record(*, holder, record_id: int) -> None:
    """The holder removes a record no renewal has counted (a counted one is evidence)."""
    record = (
        ContinuingEducation.objects.select_for_update().filter(pk=record_id, holder=holder).first()
    )
    if record is None:
        raise RenewalError(_("We could not find that record."), status=404)
    if record.used_for_id:
        raise RenewalError(
            _("This record counted toward a renewal, so it is kept as its evidence."), status=409
        )
    record_event(
        actor=holder,
        action="ce.deleted",
        obj=record,
        before={"topic": record.topic, "hours": str(record.hours)},
    )
    if record.evidence_file:
        # Deleted after commit, so a rolled-back deletion never loses the file.
        name, storage = record.evidence_file.name, record.evidence_file.storage
        transaction.on_commit(lambda: storage.delete(name))
    record.delete()


# The checklist.


@dataclass(frozen=True)
class RenewalItem:
    key: str
    label: str
    done: Decimal  # approved self-reported hours and Peerpath's own
    needed: Decimal
    waiting: Decimal = Decimal(0)  # self-reported hours still waiting for review

    @property
    def met(self) -> bool:
        return self.done >= self.needed

    @property
    def percent(self) -> int:
        if not self.needed:
            return 100
        return min(100, int(self.done * 100 / self.needed))

    @property
    def missing(self) -> Decimal:
        return max(Decimal(0), self.needed - self.done)


@dataclass
class RenewalCheck:
    certificate: Certificate
    renewable: bool  # the certificate expires and its credential has renewal rules
    reason: str = ""  # why it cannot be renewed at all, when not renewable
    items: list[RenewalItem] = field(default_factory=list)
    records: list[ContinuingEducation] = field(default_factory=list)
    # Peerpath's own courses and sessions completed after the certificate was issued
    # (lms.hours lines): approved automatically.
    peerpath_lines: list = field(default_factory=list)
    window_start: date | None = None
    window_end: date | None = None
    opens_on: date | None = None
    closes_on: date | None = None
    today: date | None = None

    @property
    def met(self) -> bool:
        return self.renewable and all(item.met for item in self.items)

    @property
    def window_open(self) -> bool:
        return self.renewable and self.opens_on <= self.today <= self.closes_on

    @property
    def can_renew(self) -> bool:
        return (
            self.met
            and self.window_open
            and self.certificate.status == Certificate.Status.ISSUED
            and self.certificate.suspended_at is None
        )

    @property
    def counted(self) -> list[ContinuingEducation]:
        """The self-reported records a renewal counts (approved ones)."""
        return [r for r in self.records if r.review_status == ContinuingEducation.Review.APPROVED]

    @property
    def waiting_hours(self) -> Decimal:
        return sum(
            (
                r.hours
                for r in self.records
                if r.review_status == ContinuingEducation.Review.PENDING
            ),
            Decimal(0),
        )

    @property
    def blocked_by_review(self) -> bool:
        """Every rule would be met if the hours waiting for review were approved."""
        return (
            self.renewable
            and not self.met
            and all(item.done + item.waiting >= item.needed for item in self.items)
        )

    def summary(self) -> str:
        missing = [
            f"{_number(item.missing)} more {item.label.lower()}"
            for item in self.items
            if not item.met
        ]
        return "; ".join(missing) or "every rule is met"

    def review_summary(self) -> str:
        """e.g. "14 of 20 hours of continuing education are approved and 8 are waiting for
        review; hours on ethics: 3 of 6 approved, 4 waiting"."""
        parts = []
        for item in self.items:
            if item.met:
                continue
            parts.append(
                f"{item.label.lower()}: {_number(item.done)} of {_number(item.needed)} approved, "
                f"{_number(item.waiting)} waiting for review"
            )
        return "; ".join(parts)


def _number(value: Decimal) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def renewal_check(*, certificate: Certificate, today: date | None = None) -> RenewalCheck:
    """The certificate's renewal checklist with numbers: CE hours counted in the window
    against the credential version's renewal rules, in total and by topic."""
    today = today or timezone.localdate()
    version = certificate.credential_version
    # A course's certificate of completion has no credential version and never expires.
    rules = (version.renewal if version else None) or {}
    check = RenewalCheck(certificate=certificate, renewable=False, today=today)
    if not certificate.expires_on:
        check.reason = "This certificate does not expire, so it never needs renewing."
        return check
    if not rules.get("ce_hours") and not rules.get("min_by_topic"):
        check.reason = (
            "This credential has no renewal rules. Ask a registrar how to renew it before "
            f"it expires on {certificate.expires_on:%-d %B %Y}."
        )
        return check
    period = int(rules.get("period_months") or version.validity_months or 24)
    check.renewable = True
    check.window_start = _add_months(certificate.expires_on, -period)
    check.window_end = certificate.expires_on + timedelta(days=RENEWAL_GRACE_DAYS)
    check.opens_on = certificate.expires_on - timedelta(days=RENEWAL_OPENS_DAYS)
    check.closes_on = check.window_end
    end = min(check.window_end, today)
    check.records = list(
        ContinuingEducation.objects.filter(holder_id=certificate.trainee_id)
        .unused()
        .between(check.window_start, end)
        .order_by("completed_on", "pk")
    )
    # Peerpath's own training counts once the certificate exists: what was completed on or
    # before the issue date is what the certificate was issued on.
    lines = training_hours.lines_for([certificate.trainee_id]).get(certificate.trainee_id, [])
    check.peerpath_lines = [
        line
        for line in lines
        if line.counts and certificate.issued_on < line.on and check.window_start <= line.on <= end
    ]
    approved = check.counted
    waiting = [r for r in check.records if r.review_status == ContinuingEducation.Review.PENDING]
    if rules.get("ce_hours"):
        check.items.append(
            RenewalItem(
                "ce_hours",
                "Hours of continuing education",
                sum((r.hours for r in approved), Decimal(0))
                + sum((Decimal(line.total) for line in check.peerpath_lines), Decimal(0)),
                Decimal(str(rules["ce_hours"])),
                sum((r.hours for r in waiting), Decimal(0)),
            )
        )
    for topic, needed in sorted((rules.get("min_by_topic") or {}).items()):
        check.items.append(
            RenewalItem(
                f"topic:{topic}",
                f"Hours on {_topic_label(topic).lower()}",
                sum((r.hours for r in approved if r.topic == topic), Decimal(0))
                + sum((line_topic_hours(line, topic) for line in check.peerpath_lines), Decimal(0)),
                Decimal(str(needed)),
                sum((r.hours for r in waiting if r.topic == topic), Decimal(0)),
            )
        )
    return check


def line_topic_hours(line, topic: str) -> Decimal:
    """A Peerpath line's hours on a topic: all of it when the line names the topic, else its
    hours in domains with that code (``"icrc-pr/ethics"`` counts toward ethics)."""
    if topic in line.topics:
        return Decimal(line.total)
    return sum(
        (
            Decimal(hours)
            for key, hours in line.hours_by_domain.items()
            if key.rpartition("/")[2] == topic
        ),
        Decimal(0),
    )


# Renewing.


@transaction.atomic
def renew_certificate(*, actor, certificate_id: int, today: date | None = None) -> Certificate:
    """Renew an issued certificate whose renewal rules are met, in its renewal window: a new
    certificate (new code, issued today, expiring after the credential's validity from
    today) replaces the old one, which shows "replaced" and links to it. The CE records
    counted are marked as used by it; shares move to it; the PDF is rendered on commit;
    watching organisations hear of the replacement. Returns the new certificate."""

    today = today or timezone.localdate()
    old = (
        # Lock the certificate's row only: its rules version is an outer join now that a
        # course certificate has none, and PostgreSQL cannot lock the nullable side.
        Certificate.objects.select_for_update(of=("self",))
        .select_related("credential_version")
        .filter(pk=certificate_id)
        .first()
    )
    if old is None or not (old.trainee_id == actor.pk or can_manage_certificates(actor)):
        raise RenewalError(_("We could not find that certificate."), status=404)
    if old.status == Certificate.Status.REPLACED:
        raise RenewalError(_("This certificate has already been renewed or replaced."), status=409)
    if old.status == Certificate.Status.ISSUED and old.suspended_at is not None:
        raise RenewalError(
            _("This certificate is suspended. It can be renewed once a registrar reinstates it."),
            status=409,
        )
    check_move(old, "renew", error=RenewalError)
    check = renewal_check(certificate=old, today=today)
    if not check.renewable:
        raise RenewalError(check.reason, status=409)
    if check.blocked_by_review:
        raise RenewalError(
            _(
                "A renewal counts only reviewed hours, and some of yours are still waiting for "
                "a registrar: %(numbers)s. You can renew once they are approved."
            )
            % {"numbers": check.review_summary()},
            status=409,
        )
    if not check.met:
        waiting = ""
        if check.waiting_hours:
            waiting = _(" (%(hours)s hours waiting for review do not count yet)") % {
                "hours": _number(check.waiting_hours)
            }
        raise RenewalError(
            _("Not every renewal rule is met: %(missing)s%(waiting)s.")
            % {"missing": check.summary(), "waiting": waiting},
            status=409,
        )
    if today < check.opens_on:
        raise RenewalError(
            _("Renewal opens on %(day)s, %(days)s days before the certificate expires.")
            % {"day": f"{check.opens_on:%-d %B %Y}", "days": RENEWAL_OPENS_DAYS},
            status=409,
        )
    if today > check.closes_on:
        raise RenewalError(
            _("The renewal period ended on %(day)s. Ask a registrar about certifying again.")
            % {"day": f"{check.closes_on:%-d %B %Y}"},
            status=409,
        )
    version = old.credential_version
    name = CertificateName.objects.filter(user_id=old.trainee_id).first()
    snapshot = {name_: getattr(old, name_) for name_ in Certificate.SNAPSHOT_FIELDS}
    for fresh in ("uuid", "verification_code", "issued_on", "expires_on", "holder_name"):
        snapshot.pop(fresh)

    def renewed_copy(old):
        # Saved after the old one leaves "issued": one active certificate per credential.
        new = Certificate(
            trainee_id=old.trainee_id,
            credential_version=version,
            template_id=old.template_id,
            route=Certificate.Route.AUTOMATIC,
            verification_code=codes.generate_verification_code(),
            holder_name=name.name if name else old.holder_name,
            issued_on=today,
            expires_on=_add_months(today, version.validity_months or 24),
            **snapshot,
        )
        new.full_clean()
        new.save()
        ContinuingEducation.objects.filter(pk__in=used).update(used_for=new)
        return new

    used = [record.pk for record in check.counted]
    new = transition_certificate(
        old,
        move="renew",
        actor=actor,
        changes={"status": Certificate.Status.REPLACED, "replaced_at": timezone.now()},
        before={"status": Certificate.Status.ISSUED, "expires_on": old.expires_on},
        after={
            "status": Certificate.Status.REPLACED,
            "ce_records": used,
            "peerpath_lines": [line.key for line in check.peerpath_lines],
            "checklist": {item.key: str(item.done) for item in check.items},
        },
        successor=renewed_copy,
        error=RenewalError,
    )
    record_event(
        actor=actor,
        action="certificate.issued",
        obj=new,
        after={"renews": old.pk, "issued_on": new.issued_on, "expires_on": new.expires_on},
    )
    # Inside the transaction: the organisations app moves the old certificate's shares.
    certificate_renewed.send(sender=Certificate, certificate=old, actor=actor)
    # The task by its name: the tasks module imports this one.
    enqueue_task("certification.tasks.render_certificate_task", new.pk)
    return new
