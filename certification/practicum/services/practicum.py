"""Placements and the hours ledger. Keyword-only, atomic; the entry row (or the placement,
for new entries) is locked while it changes, and approved entries are never changed."""

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.audit.services.events import record_event
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
    "placement_totals",
    "return_entries",
    "return_entry",
    "save_entry",
    "submit_entries",
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
    problems = []
    today = timezone.localdate()
    if not placement.agreed:
        problems.append(
            "Hours count once you and your supervisor have both accepted the supervision agreement."
        )
    if date > today:
        problems.append("The date is in the future. Log hours after you have done them.")
    if not placement.starts_on <= date <= placement.ends_on:
        span = f"{placement.starts_on:%d %b %Y} to {placement.ends_on:%d %b %Y}"
        problems.append(f"The date is outside the placement ({span}).")
    if not 1 <= minutes <= MAX_MINUTES_PER_DAY:
        problems.append("The duration must be between 1 minute and 16 hours.")
    same_day = PracticumEntry.objects.filter(placement=placement, date=date).exclude(pk=exclude_pk)
    same_day = same_day.exclude(corrections__status=PracticumEntry.Status.APPROVED)
    if sum(e.minutes for e in same_day) + minutes > MAX_MINUTES_PER_DAY:
        problems.append("That would make more than 16 hours on one day.")
    # Only a duration in range is placed on the day (a huge one overflows the clock).
    other = None
    if 1 <= minutes <= MAX_MINUTES_PER_DAY:
        other = first_overlap(same_day, date=date, start_time=start_time, minutes=minutes)
    if other is not None:
        problems.append(f"It overlaps another entry that day (from {other.start_time:%H:%M}).")
    found = identifying_details(description)
    if found:
        problems.append(
            "Please remove identifying details from the description: " + ", ".join(found) + ". "
            "Describe what you did, not who it was with. Your text is kept so you can edit it."
        )
    if problems:
        raise PracticumError(" ".join(problems))


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


@transaction.atomic
def submit_entries(*, trainee, entry_ids) -> int:
    """Send draft and returned entries to the supervisors. Returns how many were sent. The
    supervisors get one notification per placement, however many entries went."""
    entries = list(
        PracticumEntry.objects.select_for_update(of=("self",))
        .select_related("activity")
        .filter(
            pk__in=list(entry_ids),
            placement__trainee=trainee,
            status__in=[PracticumEntry.Status.DRAFT, PracticumEntry.Status.RETURNED],
        )
    )
    now = timezone.now()
    by_placement = defaultdict(int)
    for entry in entries:
        before = _entry_state(entry)
        entry.status, entry.submitted_at = PracticumEntry.Status.SUBMITTED, now
        entry.save(update_fields=["status", "submitted_at"])
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
                message=f"{count} practicum {'entry is' if count == 1 else 'entries are'} "
                "waiting for your decision.",
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


def _approve(supervisor, entry_id) -> PracticumEntry:
    entry, link = _supervisor_entry(supervisor, entry_id)
    before = _entry_state(entry)
    entry.status = PracticumEntry.Status.APPROVED
    entry.decided_at, entry.decided_by = timezone.now(), supervisor
    entry.signed_qualification = link.qualification
    entry.content_hash = entry.compute_hash()
    entry.save(
        update_fields=["status", "decided_at", "decided_by", "signed_qualification", "content_hash"]
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
    entry.decision_comment = comment
    entry.save(update_fields=["status", "decided_at", "decided_by", "decision_comment"])
    record_event(
        actor=supervisor,
        action="entry.returned",
        obj=entry,
        before=before,
        after=_entry_state(entry),
    )
    return entry


def _tell_trainees(entries, verb):
    by_placement = defaultdict(list)
    for entry in entries:
        by_placement[entry.placement].append(entry)
    for placement, done in by_placement.items():
        count = len(done)
        notify(
            recipient=placement.trainee,
            message=f"Your supervisor {verb} {count} practicum "
            f"{'entry' if count == 1 else 'entries'}.",
            url=reverse("practicum:placement", args=[placement.pk]),
        )


@transaction.atomic
def approve_entries(*, supervisor, entry_ids) -> list[PracticumEntry]:
    """Approve and lock several entries at once, all or none: each records the supervisor's
    qualification and a hash of what was signed."""
    entries = [_approve(supervisor, pk) for pk in sorted(set(entry_ids))]
    _tell_trainees(entries, "approved")
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
def return_entries(*, supervisor, entry_ids, comment: str) -> list[PracticumEntry]:
    """Return entries to the trainee with a comment saying what to change (all or none)."""
    comment = (comment or "").strip()
    if not comment:
        raise PracticumError(_("Say what needs changing, so the trainee knows what to do."))
    entries = [_return(supervisor, pk, comment) for pk in sorted(set(entry_ids))]
    _tell_trainees(entries, "returned")
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


def _ledger_totals(entries) -> dict:
    approved = list(
        entries.filter(status=PracticumEntry.Status.APPROVED)
        .select_related("activity")
        .prefetch_related("domains")
    )
    return _sum_approved(approved)


def _sum_approved(approved) -> dict:
    replaced = {e.corrects_id for e in approved if e.corrects_id}
    totals = {
        "minutes": 0,
        "direct_minutes": 0,
        "supervision_minutes": 0,
        "by_domain": defaultdict(int),
    }
    for entry in approved:
        if entry.pk in replaced:
            continue
        totals["minutes"] += entry.minutes
        if entry.activity.direct:
            totals["direct_minutes"] += entry.minutes
        if entry.activity.counts_as_supervision:
            totals["supervision_minutes"] += entry.minutes
        for domain in entry.domains.all():
            totals["by_domain"][domain.pk] += entry.minutes
    totals["by_domain"] = dict(totals["by_domain"])
    return totals


def placement_totals(*, placement) -> dict:
    """Approved minutes on a placement: total, direct service, supervision and by domain.
    An approved correction replaces the entry it corrects (so reversals count as zero).
    Two queries."""
    return _ledger_totals(PracticumEntry.objects.filter(placement=placement))


def credential_totals(*, trainee, credential_code: str) -> dict:
    """The same totals over all the trainee's placements toward a credential. Two queries."""
    return credential_totals_many(trainee=trainee, codes=[credential_code])[credential_code]


def credential_totals_many(*, trainee, codes) -> dict[str, dict]:
    """`credential_totals` for several credentials at once, by code. Two queries however
    many (one when nothing is approved yet)."""
    approved = (
        PracticumEntry.objects.filter(
            placement__trainee=trainee,
            placement__credential_code__in=list(codes),
            status=PracticumEntry.Status.APPROVED,
        )
        .annotate(credential_code=F("placement__credential_code"))
        .select_related("activity")
        .prefetch_related("domains")
    )
    by_code = defaultdict(list)
    for entry in approved:
        by_code[entry.credential_code].append(entry)
    return {code: _sum_approved(by_code.get(code, [])) for code in codes}
