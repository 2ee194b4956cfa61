"""The training-hours ledger: outside training (recorded, verified, returned, resubmitted),
the "outside" source of hours lines, and a person's training record (hours by domain and by
source against the credentials they work toward). Writes are keyword-only and atomic, each
in the audit trail; reads answer for many people in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification.standards.models import Credential, CredentialVersion
from certification.standards.services import rules as standards_rules
from certification.standards.services import training as standards_training
from lms.audit.services.events import record_event
from lms.exceptions import Problems
from lms.hours import (
    ZERO,
    Delivery,
    HoursLine,
    Status,
    Summary,
    hours_credited,
    lines_for,
    registered_sources,
    summarise,
)
from lms.uploads import check_upload

from .exceptions import HoursError, LockedError, NotFoundError
from .models import OutsideTraining

CERTIFICATE_TYPES = ("pdf", "png", "jpg", "jpeg")
CERTIFICATE_MAX_BYTES = 5 * 1024 * 1024
MAX_HOURS = Decimal("200")  # one record; a longer programme is recorded part by part
OLDEST_YEARS = 10
QUARTER = Decimal("0.25")

# How each source is named on the pages; a source not listed is named by its code.
SOURCE_LABELS = {
    "course": gettext_lazy("Peerpath courses"),
    "session": gettext_lazy("Live sessions"),
    "outside": gettext_lazy("Outside training"),
    "prior_learning": gettext_lazy("Prior learning"),
}
STATUS_LABELS = {
    Status.CREDITED: gettext_lazy("Counts"),
    Status.PENDING: gettext_lazy("Waiting for a registrar"),
    Status.RETURNED: gettext_lazy("Returned: does not count"),
    Status.SUPERSEDED: gettext_lazy("Replaced by a correction"),
}
LINE_STATUS = {
    OutsideTraining.Status.VERIFIED: Status.CREDITED,
    OutsideTraining.Status.PENDING: Status.PENDING,
    OutsideTraining.Status.RETURNED: Status.RETURNED,
}


def domain_field(key: str) -> str:
    """The form field (and error key) of the hours in one domain."""
    return "hours_in__" + key.replace("/", "__").replace("-", "_")


# Validation shared by the form (field messages) and the services (the last word).


def parse_hours(value, *, allow_zero=False) -> Decimal:
    """Hours as typed: a number of quarter hours, more than zero (or zero when allowed), at
    most MAX_HOURS."""
    text = str(value if value is not None else "").strip()
    if not text:
        if allow_zero:
            return ZERO
        raise ValidationError(_("Give the number of hours."))
    try:
        hours = Decimal(text)
    except InvalidOperation as error:
        raise ValidationError(_("Give the hours as a number, for example 7.5.")) from error
    if not hours.is_finite():
        raise ValidationError(_("Give the hours as a number, for example 7.5."))
    if hours < 0 or (hours == 0 and not allow_zero):
        raise ValidationError(_("Hours must be more than zero."))
    if hours > MAX_HOURS:
        raise ValidationError(
            _("One record can be at most %(max)s hours; record a longer programme in parts.")
            % {"max": MAX_HOURS}
        )
    if hours % QUARTER:
        raise ValidationError(_("Give hours in quarter hours, for example 7.25 or 7.5."))
    return hours.quantize(Decimal("0.01"))


def validate_completed_on(value: date | None, *, today: date | None = None) -> date:
    today = today or timezone.localdate()
    if value is None:
        raise ValidationError(_("Give the date you completed it."))
    if value > today:
        raise ValidationError(_("The date cannot be in the future: add it once you have done it."))
    if value < today - timedelta(days=365 * OLDEST_YEARS):
        raise ValidationError(
            _("The date is more than %(years)s years ago.") % {"years": OLDEST_YEARS}
        )
    return value


def validate_certificate(upload) -> None:
    """A PDF, PNG or JPEG of at most 5 MB, whose content matches its name (lms.uploads)."""
    check_upload(
        upload,
        extensions=CERTIFICATE_TYPES,
        max_bytes=CERTIFICATE_MAX_BYTES,
        what=_("a PDF, PNG or JPEG"),
    )


def _check(problems: Problems, name: str, check, *args, **kwargs):
    try:
        return check(*args, **kwargs)
    except ValidationError as error:
        for message in error.messages:
            problems.add(message, name)
        return None


def _cleaned(
    *,
    title,
    provider,
    completed_on,
    hours,
    hours_by_domain,
    delivery,
    live_hours,
    topics,
    certificate,
    certificate_required: bool,
) -> dict:
    """Every field checked, each problem at its field; raises HoursError with them all."""
    problems = Problems()
    title, provider = " ".join(str(title or "").split()), " ".join(str(provider or "").split())
    if not title:
        problems.add(_("Give the training's title, as on its certificate."), "title")
    elif len(title) > 200:
        problems.add(_("Keep the title to 200 characters."), "title")
    if not provider:
        problems.add(_("Say who provided the training."), "provider")
    elif len(provider) > 200:
        problems.add(_("Keep the provider's name to 200 characters."), "provider")
    completed_on = _check(problems, "completed_on", validate_completed_on, completed_on)
    total = _check(problems, "hours", parse_hours, hours)
    known = set(standards_training.training_domain_keys())
    split = {}
    for key, value in (hours_by_domain or {}).items():
        if key not in known:
            problems.add(_("We do not know the domain %(key)s.") % {"key": key}, None)
            continue
        parsed = _check(problems, domain_field(key), parse_hours, value, allow_zero=True)
        if parsed:
            split[key] = parsed
    if total is not None and sum(split.values(), ZERO) > total:
        problems.add(
            _("The hours by domain add up to %(sum)s, more than the %(total)s hours in all.")
            % {"sum": standards_training.fmt(sum(split.values(), ZERO)), "total": total},
            "hours",
        )
    if delivery not in dict(Delivery.CHOICES):
        problems.add(_("Choose how the training was delivered."), "delivery")
    live = ZERO
    if delivery == Delivery.BLENDED:
        live = _check(problems, "live_hours", parse_hours, live_hours)
        if live is not None and total is not None and live > total:
            problems.add(
                _("The hours taught live cannot be more than the hours in all."), "live_hours"
            )
    topics = list(dict.fromkeys(topics or []))
    offered = dict(standards_training.training_topics())
    if any(topic not in offered for topic in topics):
        problems.add(_("Choose topics from the list."), "topics")
    if certificate is None and certificate_required:
        problems.add(_("Upload the training's certificate, showing its hours."), "certificate")
    elif certificate is not None:
        _check(problems, "certificate", validate_certificate, certificate)
    problems.raise_as(HoursError)
    return {
        "title": title,
        "provider": provider,
        "completed_on": completed_on,
        "hours": total,
        "hours_by_domain": {key: str(value) for key, value in split.items()},
        "delivery": delivery,
        "live_hours": live or ZERO,
        "topics": topics,
    }


def _state(record: OutsideTraining) -> dict:
    """What the audit trail records of a record: numbers and codes, never its words."""
    return {
        "status": record.status,
        "hours": str(record.hours),
        "hours_by_domain": dict(record.hours_by_domain),
        "delivery": record.delivery,
        "completed_on": record.completed_on,
        "topics": list(record.topics),
    }


def set_status(*, record: OutsideTraining, to: str, actor, action: str, before: dict) -> None:
    """The one writer of `status`: checks the move is allowed, saves, audits. The caller
    holds the row locked."""
    if to not in OutsideTraining.MOVES[record.status]:
        if record.status == OutsideTraining.Status.VERIFIED:
            raise LockedError(_("This training is verified, so it can no longer change."))
        raise HoursError(_("This training is not waiting for a decision."), status=409)
    record.status = to
    record.full_clean()
    record.save()
    record_event(actor=actor, action=action, obj=record, before=before, after=_state(record))


@transaction.atomic
def record_outside_training(
    *,
    trainee,
    title: str,
    provider: str,
    completed_on: date | None,
    hours,
    hours_by_domain: dict,
    delivery: str,
    topics,
    certificate,
    live_hours=None,
) -> OutsideTraining:
    """Record training done elsewhere, with its certificate, for a registrar to verify. It
    shows on the trainee's page at once and counts once verified. Refuses bad input with each
    problem at its field; nothing is stored then."""
    data = _cleaned(
        title=title,
        provider=provider,
        completed_on=completed_on,
        hours=hours,
        hours_by_domain=hours_by_domain,
        delivery=delivery,
        live_hours=live_hours,
        topics=topics,
        certificate=certificate,
        certificate_required=True,
    )
    record = OutsideTraining(
        trainee=trainee,
        **data,
        certificate=certificate,
        certificate_name=(certificate.name or "")[-200:],
        submitted_at=timezone.now(),
    )
    record.full_clean()
    record.save()
    record_event(
        actor=trainee, action="outside_training.recorded", obj=record, after=_state(record)
    )
    return record


def _own(trainee, record_id) -> OutsideTraining:
    record = (
        OutsideTraining.objects.select_for_update()
        .filter(pk=record_id, trainee_id=getattr(trainee, "pk", None))
        .first()
    )
    if record is None:
        raise NotFoundError(_("We could not find that training."))
    return record


@transaction.atomic
def resubmit_outside_training(
    *,
    trainee,
    record_id: int,
    title: str,
    provider: str,
    completed_on: date | None,
    hours,
    hours_by_domain: dict,
    delivery: str,
    topics,
    certificate=None,
    live_hours=None,
) -> OutsideTraining:
    """The trainee corrects a returned (or still waiting) record and sends it again; it waits
    for a registrar once more. A new certificate replaces the old one (deleted after commit).
    A verified record is locked."""
    record = _own(trainee, record_id)
    if record.locked:
        raise LockedError(_("This training is verified, so it can no longer change."))
    data = _cleaned(
        title=title,
        provider=provider,
        completed_on=completed_on,
        hours=hours,
        hours_by_domain=hours_by_domain,
        delivery=delivery,
        live_hours=live_hours,
        topics=topics,
        certificate=certificate,
        certificate_required=False,
    )
    before = _state(record)
    for name, value in data.items():
        setattr(record, name, value)
    if certificate is not None:
        old, storage = record.certificate.name, record.certificate.storage
        record.certificate = certificate
        record.certificate_name = (certificate.name or "")[-200:]
        transaction.on_commit(lambda: storage.delete(old) if old else None)
    record.submitted_at = timezone.now()
    set_status(
        record=record,
        to=OutsideTraining.Status.PENDING,
        actor=trainee,
        action="outside_training.resubmitted",
        before=before,
    )
    return record


def _waiting(record_id) -> OutsideTraining:
    record = OutsideTraining.objects.select_for_update().filter(pk=record_id).first()
    if record is None:
        raise NotFoundError(_("We could not find that training."))
    return record


@transaction.atomic
def verify_outside_training(*, registrar, record_id: int) -> OutsideTraining:
    """A registrar verifies the training against its certificate: its hours count from now
    on, and it is locked."""
    record = _waiting(record_id)
    before = _state(record)
    record.decided_by, record.decided_at, record.return_reason = registrar, timezone.now(), ""
    set_status(
        record=record,
        to=OutsideTraining.Status.VERIFIED,
        actor=registrar,
        action="outside_training.verified",
        before=before,
    )
    hours_credited.send(sender=OutsideTraining, trainee=record.trainee)
    return record


@transaction.atomic
def return_outside_training(*, registrar, record_id: int, reason: str) -> OutsideTraining:
    """A registrar returns the training to the trainee with the reason (what to change); it
    does not count until corrected, sent again and verified."""
    reason = (reason or "").strip()
    if not reason:
        raise HoursError(
            _("Say why you are returning it, so the trainee knows what to change."),
            fields={"reason": [_("Say why you are returning it.")]},
        )
    record = _waiting(record_id)
    before = _state(record)
    record.decided_by, record.decided_at, record.return_reason = registrar, timezone.now(), reason
    # The reason is the registrar's words to the trainee: on the record, not in the trail.
    set_status(
        record=record,
        to=OutsideTraining.Status.RETURNED,
        actor=registrar,
        action="outside_training.returned",
        before=before,
    )
    return record


# The "outside" source of hours lines.


def line_of(record: OutsideTraining) -> HoursLine:
    return HoursLine(
        source="outside",
        key=f"outside:{record.pk}",
        title=record.title,
        on=record.completed_on,
        hours_by_domain={k: Decimal(v) for k, v in (record.hours_by_domain or {}).items()},
        total=record.hours,
        delivery=record.delivery,
        face_to_face=record.face_to_face,
        topics=tuple(record.topics or ()),
        provider=record.provider,
        status=LINE_STATUS[record.status],
        url=reverse("hours:outside", args=[record.pk]),
        note=record.return_reason if record.status == OutsideTraining.Status.RETURNED else "",
    )


def outside_lines(user_ids: list[int]) -> dict[int, list[HoursLine]]:
    """Every outside training of these people as hours lines (verified ones credited,
    waiting and returned ones shown but not counted). One query."""
    found = defaultdict(list)
    for record in OutsideTraining.objects.for_trainees(user_ids).order_by("completed_on", "pk"):
        found[record.trainee_id].append(line_of(record))
    return dict(found)


# A person's training record.


@dataclass
class CredentialProgress:
    """One credential's training rule against the person's credited hours."""

    code: str
    title: str
    version: CredentialVersion
    checks: list

    @property
    def met(self) -> bool:
        return all(check.met for check in self.checks)


@dataclass(frozen=True)
class LineRow:
    """One line as the page shows it: domain titles, delivery and status in words."""

    line: HoursLine
    domains: list  # (title, hours)
    delivery: str
    status: str
    outside_id: int | None  # the outside training behind it, if any


@dataclass
class SourceGroup:
    source: str
    label: str
    lines: list
    credited: Decimal = ZERO
    rows: list = field(default_factory=list)


@dataclass
class TrainingRecord:
    """A person's training hours: credited hours by domain, each credential's training rule
    against them, and every line by source with its status."""

    person: object
    summary: Summary
    credentials: list[CredentialProgress]
    sources: list[SourceGroup]
    titles: dict = field(default_factory=dict)

    @property
    def pending(self) -> list[HoursLine]:
        return [
            line for group in self.sources for line in group.lines if line.status == Status.PENDING
        ]

    @property
    def by_domain(self) -> list[tuple[str, str, Decimal]]:
        """(key, title, credited hours) for every domain with hours, by title."""
        return sorted(
            (
                (key, self.titles.get(key, key), hours)
                for key, hours in self.summary.by_domain.items()
            ),
            key=lambda item: item[1],
        )


def codes_toward(*, person) -> list[str]:
    """Codes of the credentials a person works toward, for their training hours: those
    Peerpath issues and any (not retired) with a version that asks for training hours, plus
    any the person is pinned to. One query."""
    ruled = CredentialVersion.objects.filter(
        Q(training_hours__gt=0)
        | Q(training_face_to_face_share_min__gt=0)
        | ~Q(training_hours_by_domain={})
        | ~Q(training_topics=[])
    ).values("credential_id")
    return list(
        Credential.objects.filter(retired=False)
        .filter(Q(issued_by_product=True) | Q(pk__in=ruled) | Q(enrolments__trainee=person))
        .distinct()
        .order_by("-issued_by_product", "code")
        .values_list("code", flat=True)
    )


def _row(line: HoursLine, titles: dict) -> LineRow:
    prefix, _sep, number = line.key.partition(":")
    return LineRow(
        line=line,
        domains=[(titles.get(k, k), hours) for k, hours in line.hours_by_domain.items()],
        delivery=Delivery.label(line.delivery),
        status=str(STATUS_LABELS.get(line.status, line.status)),
        outside_id=int(number) if line.source == "outside" and prefix == "outside" else None,
    )


def training_record(*, person, lines: list[HoursLine] | None = None) -> TrainingRecord:
    """The person's training record. A fixed number of queries however many lines or
    credentials: the sources' own (one each), the credentials (about four) and the domain
    titles (one)."""
    if lines is None:
        lines = lines_for([person.pk])[person.pk]
    summary = summarise(lines)
    codes = codes_toward(person=person)
    versions = standards_rules.assessed_versions(trainee=person, codes=codes)
    chosen = [
        (code, versions[code][0])
        for code in codes
        if code in versions and versions[code][0].has_training_rule
    ]
    titles = standards_training.domain_titles(
        [
            *summary.by_domain,
            *(k for _code, v in chosen for k in v.training_hours_by_domain or {}),
            *(k for line in lines for k in line.hours_by_domain),
        ]
    )
    credentials = [
        CredentialProgress(
            code,
            version.title,
            version,
            standards_training.training_checks(version, summary, titles),
        )
        for code, version in chosen
    ]
    grouped = defaultdict(list)
    for line in lines:
        grouped[line.source].append(line)
    order = [*SOURCE_LABELS, *sorted(set(registered_sources()) - set(SOURCE_LABELS))]
    sources = [
        SourceGroup(
            source,
            str(SOURCE_LABELS.get(source, source.replace("_", " ").capitalize())),
            grouped.get(source, []),
            summarise(grouped.get(source, [])).total,
            [_row(line, titles) for line in grouped.get(source, [])],
        )
        for source in order
        if source in registered_sources() or grouped.get(source)
    ]
    return TrainingRecord(
        person=person, summary=summary, credentials=credentials, sources=sources, titles=titles
    )


def domain_choices() -> list[tuple[str, str]]:
    """(key, label) of every domain a training rule counts, for recording outside training:
    "Ethical Responsibility (icrc-pr)". Two queries."""
    keys = standards_training.training_domain_keys()
    titles = standards_training.domain_titles(keys)
    return [(key, f"{titles.get(key, key)} ({key.partition('/')[0]})") for key in keys]
