"""Placements and the hours ledger. Keyword-only, atomic; the entry row (or the placement,
for new entries) is locked while it changes, and approved entries are never changed."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lms.audit.services.events import record_event
from lms.exceptions import Problems
from lms.privacy.identifying import identifying_details

from ..exceptions import EntryLockedError, NotYourPlacementError, PracticumError
from ..models import Placement, PlacementSupervisor, PracticumEntry
from ..signals import practicum_signed
from .notifications import notify
from .supervision import supervisor_link

__all__ = [
    "MAX_MINUTES_PER_DAY",
    "accept_agreement",
    "approve_entries",
    "approve_entry",
    "credential_totals",
    "credential_totals_many",
    "correct_entry",
    "create_placement",
    "placement_ledger",
    "placement_totals",
    "return_entries",
    "return_entry",
    "save_entry",
    "submit_entries",
    "trainee_totals_many",
]

MAX_MINUTES_PER_DAY = 16 * 60


@transaction.atomic
def create_placement(
    *,
    trainee,
    host,
    supervisor,
    qualification,
    starts_on,
    ends_on,
    credential_code="peer-foundations",
    qualification_expires=None,
    created_by=None,
) -> Placement:
    """A placement with its first supervisor; the agreement is still to be accepted."""
    if supervisor.pk == trainee.pk:
        raise PracticumError(_("A trainee cannot supervise their own placement."))
    if not supervisor.memberships.filter(organisation=host, role="supervisor").exists():
        raise PracticumError(
            _(
                "%(supervisor)s does not have the supervisor role at %(host)s. Add it under "
                "Organisations first."
            )
            % {"supervisor": supervisor, "host": host}
        )
    placement = Placement(
        trainee=trainee,
        host=host,
        starts_on=starts_on,
        ends_on=ends_on,
        credential_code=credential_code,
    )
    placement.full_clean()
    placement.save()
    PlacementSupervisor.objects.create(
        placement=placement,
        supervisor=supervisor,
        qualification=qualification,
        qualification_expires=qualification_expires,
    )
    record_event(
        actor=created_by,
        action="placement.created",
        obj=placement,
        after={
            "trainee": trainee.pk,
            "host": host.pk,
            "supervisor": supervisor.pk,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "credential": credential_code,
        },
    )
    return placement


@transaction.atomic
def accept_agreement(*, placement_id: int, user) -> Placement:
    """The trainee or one of the placement's supervisors accepts the supervision agreement."""
    placement = Placement.objects.select_for_update().filter(pk=placement_id).first()
    if placement is None:
        raise NotYourPlacementError(_("We could not find that placement."))
    now = timezone.now()
    if user.pk == placement.trainee_id:
        if placement.trainee_agreed_at:
            return placement
        placement.trainee_agreed_at, role = now, "trainee"
    elif placement.supervisor_links.filter(supervisor=user).exists():
        if placement.supervisor_agreed_at:
            return placement
        placement.supervisor_agreed_at, placement.supervisor_agreed_by = now, user
        role = "supervisor"
    else:
        raise NotYourPlacementError(_("We could not find that placement."))
    placement.save(
        update_fields=["trainee_agreed_at", "supervisor_agreed_at", "supervisor_agreed_by"]
    )
    record_event(actor=user, action="placement.agreed", obj=placement, after={"by": role})
    return placement


def first_overlap(entries, *, date, start_time, minutes):
    """The first entry of that day whose time overlaps the given slot, or None. Corrections
    share their original's slot, so they never count as overlapping."""
    start = datetime.combine(date, start_time)
    end = start + timedelta(minutes=minutes)
    for other in entries:
        if other.corrects_id:
            continue
        other_start = datetime.combine(date, other.start_time)
        if start < other_start + timedelta(minutes=other.minutes) and other_start < end:
            return other
    return None


def _check_entry(placement, *, date, start_time, minutes, description, exclude_pk=None):
    problems = Problems()
    today = timezone.localdate()
    if not placement.agreed:
        problems.add(
            _(
                "Hours count once you and your supervisor have both accepted the supervision "
                "agreement."
            )
        )
    if date > today:
        problems.add(_("The date is in the future. Log hours after you have done them."), "date")
    if not placement.starts_on <= date <= placement.ends_on:
        span = f"{placement.starts_on:%d %b %Y} to {placement.ends_on:%d %b %Y}"
        problems.add(_("The date is outside the placement (%(span)s).") % {"span": span}, "date")
    if not 1 <= minutes <= MAX_MINUTES_PER_DAY:
        problems.add(_("The duration must be between 1 minute and 16 hours."), "minutes")
    same_day = PracticumEntry.objects.filter(placement=placement, date=date).exclude(pk=exclude_pk)
    same_day = same_day.exclude(corrections__status=PracticumEntry.Status.APPROVED)
    if sum(e.minutes for e in same_day) + minutes > MAX_MINUTES_PER_DAY:
        problems.add(_("That would make more than 16 hours on one day."), "minutes")
    # Only a duration in range is placed on the day (a huge one overflows the clock).
    other = None
    if 1 <= minutes <= MAX_MINUTES_PER_DAY:
        other = first_overlap(same_day, date=date, start_time=start_time, minutes=minutes)
    if other is not None:
        problems.add(
            _("It overlaps another entry that day (from %(time)s).")
            % {"time": f"{other.start_time:%H:%M}"},
            "start_time",
        )
    found = identifying_details(description)
    if found:
        problems.add(
            _(
                "Please remove identifying details from the description: %(found)s. Describe "
                "what you did, not who it was with. Your text is kept so you can edit it."
            )
            % {"found": ", ".join(found)},
            "description",
        )
    problems.raise_as(PracticumError)


@transaction.atomic
def save_entry(
    *,
    trainee,
    placement_id: int,
    date,
    start_time,
    minutes: int,
    setting,
    activity,
    description: str,
    domains=(),
    entry_id=None,
) -> PracticumEntry:
    """Create or edit a draft (or returned) entry. Approved entries are locked."""
    placement = (
        Placement.objects.select_for_update().filter(pk=placement_id, trainee=trainee).first()
    )
    if placement is None:
        raise NotYourPlacementError(_("We could not find that placement."))
    entry = None
    if entry_id is not None:
        entry = (
            PracticumEntry.objects.select_for_update()
            .filter(pk=entry_id, placement=placement)
            .first()
        )
        if entry is None:
            raise NotYourPlacementError(_("We could not find that entry."))
        if entry.status in (PracticumEntry.Status.APPROVED, PracticumEntry.Status.SUBMITTED):
            raise EntryLockedError(
                "This entry is approved and locked; add a correction instead."
                if entry.locked
                else "This entry is with your supervisor. Ask them to return it to change it."
            )
    if activity.counts_as_supervision:
        raise PracticumError(
            _(
                "Supervision is recorded by your supervisor, so it is added to your hours for you. "
                "Choose the activity you did."
            )
        )
    before = _entry_state(entry) if entry else {}
    _check_entry(
        placement,
        date=date,
        start_time=start_time,
        minutes=minutes,
        description=description,
        exclude_pk=entry.pk if entry else None,
    )
    entry = entry or PracticumEntry(placement=placement)
    entry.date, entry.start_time, entry.minutes = date, start_time, minutes
    entry.setting, entry.activity, entry.description = setting, activity, description.strip()
    if entry.status == PracticumEntry.Status.RETURNED:
        entry.status = PracticumEntry.Status.DRAFT
    entry.full_clean(exclude=["corrects"])
    entry.save()
    entry.domains.set(domains)
    record_event(
        actor=trainee,
        action="entry.edited" if before else "entry.created",
        obj=entry,
        before=before,
        after=_entry_state(entry),
    )
    return entry


def _entry_state(entry) -> dict:
    """What the audit trail records of an entry: states and numbers, not the description."""
    return {
        "status": entry.status,
        "date": entry.date,
        "start_time": entry.start_time,
        "minutes": entry.minutes,
        "activity": entry.activity.code,
        "setting": entry.setting,
        "corrects": entry.corrects_id,
        "hash": entry.content_hash,
    }


MAX_REPLY_LENGTH = 1500


def _reply_problem(entry, reply: str) -> str | None:
    """Why a returned entry cannot go back as it is, or None. A returned entry the trainee
    has not edited goes back only with a reply to the supervisor's comment."""
    if len(reply) > MAX_REPLY_LENGTH:
        return _("A reply is at most %(n)s characters.") % {"n": MAX_REPLY_LENGTH}
    found = identifying_details(reply)
    if found:
        return _(
            "Please remove identifying details from your reply: %(found)s. Your text is kept "
            "so you can edit it."
        ) % {"found": ", ".join(found)}
    if entry.status == PracticumEntry.Status.RETURNED and not reply:
        return _(
            "The entry of %(date)s was returned to you. Edit it, or write a reply to your "
            "supervisor's comment, before sending it again."
        ) % {"date": f"{entry.date:%d %b %Y}"}
    return None


@transaction.atomic
def submit_entries(*, trainee, entry_ids, replies=None) -> int:
    """Send draft and returned entries to the supervisors, all or none. Returns how many were
    sent. A returned entry goes back only once edited (which makes it a draft again) or with
    a reply in `replies` (entry id -> text), which the supervisor sees beside it. The
    supervisors get one notification per placement, however many entries went."""
    replies = {pk: (text or "").strip() for pk, text in (replies or {}).items()}
    entries = list(
        PracticumEntry.objects.select_for_update(of=("self",))
        .select_related("activity")
        .filter(
            pk__in=list(entry_ids),
            placement__trainee=trainee,
            status__in=[PracticumEntry.Status.DRAFT, PracticumEntry.Status.RETURNED],
        )
        .order_by("date", "start_time")
    )
    problems = [
        problem
        for entry in entries
        if (problem := _reply_problem(entry, replies.get(entry.pk, "")))
    ]
    if problems:
        raise PracticumError(" ".join(problems))
    now = timezone.now()
    by_placement = defaultdict(int)
    for entry in entries:
        before = _entry_state(entry)
        entry.status, entry.submitted_at = PracticumEntry.Status.SUBMITTED, now
        fields = ["status", "submitted_at"]
        if entry.pk in replies and replies[entry.pk]:
            entry.trainee_reply = replies[entry.pk]
            fields.append("trainee_reply")
        entry.save(update_fields=fields)
        record_event(
            actor=trainee,
            action="entry.submitted",
            obj=entry,
            before=before,
            after=_entry_state(entry),
        )
        by_placement[entry.placement_id] += 1
    for placement in Placement.objects.filter(pk__in=by_placement).prefetch_related(
        "supervisor_links__supervisor"
    ):
        count = by_placement[placement.pk]
        for link in placement.supervisor_links.all():
            notify(
                recipient=link.supervisor,
                message=ngettext(
                    "%(count)s practicum entry is waiting for your decision.",
                    "%(count)s practicum entries are waiting for your decision.",
                    count,
                )
                % {"count": count},
                url=reverse("practicum:supervise", args=[placement.pk]),
            )
    return len(entries)


def _supervisor_entry(supervisor, entry_id) -> tuple[PracticumEntry, PlacementSupervisor]:
    entry = (
        PracticumEntry.objects.select_for_update(of=("self",))
        .select_related("placement", "activity")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise NotYourPlacementError(_("We could not find that entry."))
    link = supervisor_link(entry.placement, supervisor)
    if entry.status != PracticumEntry.Status.SUBMITTED:
        raise EntryLockedError(
            _("Only entries waiting for a decision can be approved or returned.")
        )
    return entry, link


def _approve(supervisor, entry_id, comment) -> PracticumEntry:
    entry, link = _supervisor_entry(supervisor, entry_id)
    before = _entry_state(entry)
    entry.status = PracticumEntry.Status.APPROVED
    entry.decided_at, entry.decided_by = timezone.now(), supervisor
    entry.signed_qualification = link.qualification
    entry.decision_comment = comment
    entry.content_hash = entry.compute_hash()
    entry.save(
        update_fields=[
            "status",
            "decided_at",
            "decided_by",
            "signed_qualification",
            "decision_comment",
            "content_hash",
        ]
    )
    record_event(
        actor=supervisor,
        action="entry.approved",
        obj=entry,
        before=before,
        after=_entry_state(entry),
    )
    return entry


def _return(supervisor, entry_id, comment) -> PracticumEntry:
    entry, _link = _supervisor_entry(supervisor, entry_id)
    before = _entry_state(entry)
    entry.status = PracticumEntry.Status.RETURNED
    entry.decided_at, entry.decided_by = timezone.now(), supervisor
    # The new comment starts a new exchange: the trainee's last reply answered the old one.
    entry.decision_comment, entry.trainee_reply = comment, ""
    entry.save(
        update_fields=["status", "decided_at", "decided_by", "decision_comment", "trainee_reply"]
    )
    record_event(
        actor=supervisor,
        action="entry.returned",
        obj=entry,
        before=before,
        after=_entry_state(entry),
    )
    return entry


def _tell_trainees(entries, message):
    by_placement = defaultdict(list)
    for entry in entries:
        by_placement[entry.placement].append(entry)
    for placement, done in by_placement.items():
        notify(
            recipient=placement.trainee,
            message=message(len(done)),
            url=reverse("practicum:placement", args=[placement.pk]),
        )


def _comments_for(ids, comment, comments) -> dict[int, str]:
    """Each entry's comment: its own, else the one given for all."""
    comment, comments = (comment or "").strip(), comments or {}
    return {pk: (comments.get(pk) or "").strip() or comment for pk in ids}


@transaction.atomic
def approve_entries(*, supervisor, entry_ids, comment="", comments=None) -> list[PracticumEntry]:
    """Approve and lock several entries at once, all or none: each records the supervisor's
    qualification, a hash of what was signed and the comment, if any (its own from
    `comments`, entry id -> text, else `comment`)."""
    ids = sorted(set(entry_ids))
    said = _comments_for(ids, comment, comments)
    entries = [_approve(supervisor, pk, said[pk]) for pk in ids]
    _tell_trainees(
        entries,
        lambda n: (
            ngettext(
                "Your supervisor approved %(count)s practicum entry.",
                "Your supervisor approved %(count)s practicum entries.",
                n,
            )
            % {"count": n}
        ),
    )
    for placement in {entry.placement for entry in entries}:
        practicum_signed.send(
            sender=PracticumEntry,
            trainee=placement.trainee,
            credential_code=placement.credential_code,
        )
    return entries


def approve_entry(*, supervisor, entry_id: int) -> PracticumEntry:
    return approve_entries(supervisor=supervisor, entry_ids=[entry_id])[0]


@transaction.atomic
def return_entries(*, supervisor, entry_ids, comment="", comments=None) -> list[PracticumEntry]:
    """Return entries to the trainee, all or none, each with a comment saying what to change
    (its own from `comments`, entry id -> text, else `comment`)."""
    ids = sorted(set(entry_ids))
    said = _comments_for(ids, comment, comments)
    if not all(said.values()):
        raise PracticumError(_("Say what needs changing, so the trainee knows what to do."))
    entries = [_return(supervisor, pk, said[pk]) for pk in ids]
    _tell_trainees(
        entries,
        lambda n: (
            ngettext(
                "Your supervisor returned %(count)s practicum entry.",
                "Your supervisor returned %(count)s practicum entries.",
                n,
            )
            % {"count": n}
        ),
    )
    return entries


def return_entry(*, supervisor, entry_id: int, comment: str) -> PracticumEntry:
    return return_entries(supervisor=supervisor, entry_ids=[entry_id], comment=comment)[0]


@transaction.atomic
def correct_entry(*, trainee, entry_id: int, minutes: int, description: str) -> PracticumEntry:
    """A draft correction of an approved entry (0 minutes reverses it). It counts once approved."""
    original = (
        PracticumEntry.objects.select_for_update()
        .filter(pk=entry_id, placement__trainee=trainee)
        .first()
    )
    if original is None:
        raise NotYourPlacementError(_("We could not find that entry."))
    if not original.locked:
        raise PracticumError(_("Only approved entries need corrections; edit this one instead."))
    if not 0 <= minutes <= MAX_MINUTES_PER_DAY:
        raise PracticumError(_("The corrected duration must be between 0 and 16 hours."))
    found = identifying_details(description)
    if found:
        raise PracticumError(
            "Please remove identifying details from the description: " + ", ".join(found) + "."
        )
    correction = PracticumEntry.objects.create(
        placement=original.placement,
        date=original.date,
        start_time=original.start_time,
        minutes=minutes,
        setting=original.setting,
        activity=original.activity,
        description=description.strip(),
        corrects=original,
    )
    correction.domains.set(original.domains.all())
    record_event(
        actor=trainee,
        action="entry.correction_created",
        obj=correction,
        after=_entry_state(correction),
    )
    return correction


def held_signature():
    """True for an approved entry (or a recorded session's entry) signed by a supervisor
    whose qualification on that placement is held, waiting for approval: such a signature is
    kept but not counted until the qualification is approved."""
    return Exists(
        PlacementSupervisor.objects.filter(
            placement=OuterRef("placement"),
            supervisor=OuterRef("decided_by"),
            qualification_status=PlacementSupervisor.QualificationStatus.HELD,
        )
    )


def with_domain_ids(entries) -> list:
    """The entries, each with `domain_ids` (the ids of its domains) in one query for all:
    cheaper than prefetching the domains, which makes a related manager per entry, and the
    totals need only the ids."""
    entries = list(entries)
    if not entries:
        return entries
    through = PracticumEntry.domains.through
    found = defaultdict(list)
    rows = through.objects.filter(practicumentry_id__in=[e.pk for e in entries]).values_list(
        "practicumentry_id", "domain_id"
    )
    for entry_id, domain_id in rows:
        found[entry_id].append(domain_id)
    for entry in entries:
        entry.domain_ids = found.get(entry.pk, [])
    return entries


def _ledger_totals(entries) -> dict:
    approved = with_domain_ids(
        entries.filter(status=PracticumEntry.Status.APPROVED)
        .annotate(held=held_signature())
        .select_related("activity")
    )
    return _sum_approved(approved)


def _sum_approved(approved) -> dict:
    """Totals of approved entries (annotated with `held`, with `domain_ids`): a held
    signature counts nowhere but in `held_minutes`, and an approved correction it made does
    not replace anything."""
    replaced = {e.corrects_id for e in approved if e.corrects_id and not e.held}
    totals = {
        "minutes": 0,
        "direct_minutes": 0,
        "supervision_minutes": 0,
        "held_minutes": 0,
        "by_domain": defaultdict(int),
    }
    for entry in approved:
        if entry.held:
            totals["held_minutes"] += entry.minutes
            continue
        if entry.pk in replaced:
            continue
        totals["minutes"] += entry.minutes
        if entry.activity.direct:
            totals["direct_minutes"] += entry.minutes
        if entry.activity.counts_as_supervision:
            totals["supervision_minutes"] += entry.minutes
        for domain_id in entry.domain_ids:
            totals["by_domain"][domain_id] += entry.minutes
    totals["by_domain"] = dict(totals["by_domain"])
    return totals


def placement_totals(*, placement) -> dict:
    """Approved minutes on a placement: total, direct service, supervision and by domain.
    An approved correction replaces the entry it corrects (so reversals count as zero).
    Two queries."""
    return _ledger_totals(PracticumEntry.objects.filter(placement=placement))


# The columns the practicum pages read of a ledger's entries and of the rows joined to them:
# of the signer, their name, not their whole account row; of a corrected entry, its date and
# minutes; of a recorded session, only that there is one (its private notes are encrypted and
# would be decrypted as each row loads). Whole rows were about half of the ledger's time on
# PostgreSQL (8.6 to 4.8 ms for 40 entries). Reading a column left out costs a query per
# entry, which the pages' query-count tests would show.
LEDGER_FIELDS = (
    "placement_id",
    "date",
    "start_time",
    "minutes",
    "setting",
    "activity",
    "description",
    "status",
    "corrects__date",
    "corrects__minutes",
    "decided_by__legal_name",
    "decided_by__preferred_name",
    "decided_by__email",
    "decision_comment",
    "trainee_reply",
    "signed_qualification",
    "session__id",
)


@dataclass
class PlacementLedger:
    """What the practicum pages show of a ledger: the placement's entries (newest first) and
    the approved totals on it and toward its credential."""

    entries: list
    here: dict
    credential: dict


def placement_ledger(*, placement, corrections: bool = True) -> PlacementLedger:
    """Every entry on the trainee's placements toward this placement's credential, read once:
    this placement's entries, each with its activity, signer, session, the entry it corrects,
    `corrected` (whether an entry corrects it), `domain_ids` and `held` (signed by a
    supervisor whose qualification is held), and the totals `placement_totals` and
    `credential_totals` would give. Three queries; two when `corrections` is not wanted."""
    entries = with_domain_ids(
        PracticumEntry.objects.filter(
            placement__trainee_id=placement.trainee_id,
            placement__credential_code=placement.credential_code,
        )
        .annotate(held=held_signature())
        .select_related("activity", "corrects", "decided_by", "session")
        .only(*LEDGER_FIELDS)
        .order_by("-date", "-start_time", "-pk")
    )
    if corrections:
        corrected = set(
            PracticumEntry.objects.filter(corrects__in=[e.pk for e in entries]).values_list(
                "corrects_id", flat=True
            )
        )
        for entry in entries:
            entry.corrected = entry.pk in corrected
    approved = [e for e in entries if e.status == PracticumEntry.Status.APPROVED]
    return PlacementLedger(
        entries=[e for e in entries if e.placement_id == placement.pk],
        here=_sum_approved([e for e in approved if e.placement_id == placement.pk]),
        credential=_sum_approved(approved),
    )


def credential_totals(*, trainee, credential_code: str) -> dict:
    """The same totals over all the trainee's placements toward a credential. Two queries."""
    return credential_totals_many(trainee=trainee, codes=[credential_code])[credential_code]


def trainee_totals_many(*, trainee_ids) -> dict[int, dict]:
    """Approved minutes over every placement of each trainee, whatever credential the
    placement works toward (a board counts experience, not Peerpath's credentials). Two
    queries however many trainees."""
    approved = (
        PracticumEntry.objects.filter(
            placement__trainee_id__in=list(trainee_ids),
            status=PracticumEntry.Status.APPROVED,
        )
        .annotate(trainee_id=F("placement__trainee_id"), held=held_signature())
        .select_related("activity")
    )
    by_trainee = defaultdict(list)
    for entry in with_domain_ids(approved):
        by_trainee[entry.trainee_id].append(entry)
    return {pk: _sum_approved(by_trainee.get(pk, [])) for pk in trainee_ids}


def credential_totals_many(*, trainee, codes) -> dict[str, dict]:
    """`credential_totals` for several credentials at once, by code. Two queries however
    many (one when nothing is approved yet)."""
    approved = (
        PracticumEntry.objects.filter(
            placement__trainee=trainee,
            placement__credential_code__in=list(codes),
            status=PracticumEntry.Status.APPROVED,
        )
        .annotate(credential_code=F("placement__credential_code"), held=held_signature())
        .select_related("activity")
    )
    by_code = defaultdict(list)
    for entry in with_domain_ids(approved):
        by_code[entry.credential_code].append(entry)
    return {code: _sum_approved(by_code.get(code, [])) for code in codes}
