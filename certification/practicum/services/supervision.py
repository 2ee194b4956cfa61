"""Supervision sessions and competency sign-offs. Supervisors sign; trainees never sign their
own records. Every change writes an audit event in the same transaction."""

from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.standards.models import Competency
from certification.standards.services.rules import SignOffRule, credential_rules
from lms.audit.services.events import record_event
from lms.exceptions import Problems
from lms.privacy.identifying import identifying_details

from ..exceptions import NotYourPlacementError, PracticumError
from ..models import (
    ActivityType,
    Placement,
    PlacementSupervisor,
    PracticumEntry,
    Rating,
    SignOffRating,
    SignOffRequest,
    SupervisionSession,
)
from ..models.supervision import text_digest
from ..signals import practicum_signed
from .notifications import notify

__all__ = [
    "MAX_SESSION_MINUTES",
    "achieved_competencies",
    "achieved_competencies_many",
    "placement_signoffs",
    "record_session",
    "rate_signoff",
    "request_signoff",
    "signoff_achieved",
    "supervisor_link",
]

MAX_SESSION_MINUTES = 8 * 60

SESSION_ACTIVITY = {
    SupervisionSession.Kind.INDIVIDUAL: "supervision_individual",
    SupervisionSession.Kind.GROUP: "supervision_group",
}


def supervisor_link(placement: Placement, supervisor, *, today=None):
    """The supervisor's link to a placement they may sign for now, or a clear refusal."""
    link = next(
        (x for x in placement.supervisor_links.all() if x.supervisor_id == supervisor.pk), None
    )
    if link is None:
        raise NotYourPlacementError(_("We could not find that placement."))
    if placement.trainee_id == supervisor.pk:
        raise PracticumError(_("You cannot approve or sign your own records."))
    if not placement.open_for_signing(today):
        raise PracticumError(_("This placement has ended and its sign-off period is over."))
    return link


def qualification_current(link, *, today=None) -> bool:
    today = today or timezone.localdate()
    return link.qualification_expires is None or link.qualification_expires >= today


@transaction.atomic
def record_session(
    *, supervisor, placement_id: int, kind, date, start_time, minutes: int, private_notes=""
) -> SupervisionSession:
    """Record a supervision session. It is signed as it is recorded, and adds an approved
    supervision entry to the trainee's hours."""
    placement = Placement.objects.select_for_update().filter(pk=placement_id).first()
    if placement is None:
        raise NotYourPlacementError(_("We could not find that placement."))
    link = supervisor_link(placement, supervisor)
    problems = Problems()
    if not placement.agreed:
        problems.add(_("The supervision agreement has not been accepted by both of you yet."))
    if kind not in SupervisionSession.Kind.values:
        problems.add(_("Choose individual or group supervision."), "kind")
    if date > timezone.localdate():
        problems.add(
            _("The date is in the future. Record a session after it has happened."), "date"
        )
    if not placement.starts_on <= date <= placement.ends_on:
        problems.add(_("The date is outside the placement."), "date")
    if not 1 <= minutes <= MAX_SESSION_MINUTES:
        problems.add(_("A session lasts between 1 minute and 8 hours."), "minutes")
    from .practicum import first_overlap  # (practicum imports this module)

    same_day = PracticumEntry.objects.filter(placement=placement, date=date).exclude(
        status=PracticumEntry.Status.RETURNED
    )
    # Only a duration in range is placed on the day (a huge one overflows the clock).
    other = None
    if 1 <= minutes <= MAX_SESSION_MINUTES:
        other = first_overlap(same_day, date=date, start_time=start_time, minutes=minutes)
    if other is not None:
        problems.add(
            _("It overlaps an entry the trainee logged that day (from %(time)s).")
            % {"time": f"{other.start_time:%H:%M}"},
            "start_time",
        )
    problems.raise_as(PracticumError)
    now = timezone.now()
    entry = PracticumEntry(
        placement=placement,
        date=date,
        start_time=start_time,
        minutes=minutes,
        setting=PracticumEntry.Setting.OTHER,
        activity=ActivityType.objects.get(code=SESSION_ACTIVITY[kind]),
        description=f"{SupervisionSession.Kind(kind).label} session recorded by the supervisor.",
        status=PracticumEntry.Status.APPROVED,
        submitted_at=now,
        decided_at=now,
        decided_by=supervisor,
        signed_qualification=link.qualification,
    )
    entry.save()
    entry.content_hash = entry.compute_hash()
    entry.save(update_fields=["content_hash"])
    session = SupervisionSession.objects.create(
        placement=placement,
        supervisor=supervisor,
        kind=kind,
        date=date,
        minutes=minutes,
        private_notes=private_notes.strip(),
        entry=entry,
        signed_qualification=link.qualification,
        notes_sha256=text_digest(private_notes.strip()),
        content_hash="",
    )
    session.content_hash = session.compute_hash()
    session.save(update_fields=["content_hash"])
    record_event(
        actor=supervisor,
        action="session.recorded",
        obj=session,
        after={
            "kind": kind,
            "date": date,
            "minutes": minutes,
            "entry": entry.pk,
            "hash": session.content_hash,
        },
    )
    notify(
        recipient=placement.trainee,
        message=f"Your supervisor recorded a {minutes}-minute supervision session.",
        url=reverse("practicum:placement", args=[placement.pk]),
    )
    practicum_signed.send(
        sender=SupervisionSession,
        trainee=placement.trainee,
        credential_code=placement.credential_code,
    )
    return session


@transaction.atomic
def request_signoff(*, trainee, placement_id: int, competency_id: int, account: str):
    """The trainee asks for a competency to be signed off, saying what they did."""
    placement = (
        Placement.objects.select_for_update()
        .prefetch_related("supervisor_links__supervisor")
        .filter(pk=placement_id, trainee=trainee)
        .first()
    )
    if placement is None:
        raise NotYourPlacementError(_("We could not find that placement."))
    competency = (
        Competency.objects.select_related("domain__framework")
        .filter(pk=competency_id, retired=False)
        .first()
    )
    problems = []
    if competency is None:
        problems.append("Choose a competency from the list.")
    if not placement.agreed:
        problems.append("The supervision agreement has not been accepted by both of you yet.")
    account = (account or "").strip()
    if len(account) < 20:
        problems.append("Describe what you did in a sentence or two (at least 20 characters).")
    found = identifying_details(account)
    if found:
        problems.append(
            "Please remove identifying details: " + ", ".join(found) + ". "
            "Your text is kept so you can edit it."
        )
    if competency is not None:
        waiting = SignOffRequest.objects.filter(
            placement=placement, competency=competency, ratings__isnull=True
        ).exists()
        if waiting:
            problems.append("You have already asked for this one; it is waiting for a rating.")
    if problems:
        raise PracticumError(" ".join(problems))
    request = SignOffRequest.objects.create(
        placement=placement, competency=competency, account=account
    )
    record_event(
        actor=trainee,
        action="signoff.requested",
        obj=request,
        after={"competency": f"{competency.domain.framework.slug}/{competency.code}"},
    )
    for link in placement.supervisor_links.all():
        notify(
            recipient=link.supervisor,
            message="A trainee asked you to sign off a competency.",
            url=reverse("practicum:supervise", args=[placement.pk]),
        )
    return request


@transaction.atomic
def rate_signoff(*, supervisor, request_id: int, rating: str, comment: str) -> SignOffRating:
    """A supervisor's signed rating. Each rating is a new record; none is ever overwritten."""
    request = (
        SignOffRequest.objects.select_for_update(of=("self",))
        .select_related("placement__trainee", "competency__domain__framework")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotYourPlacementError(_("We could not find that request."))
    link = supervisor_link(request.placement, supervisor)
    problems = []
    if rating not in Rating.values:
        problems.append("Choose a rating: not yet, developing or competent.")
    comment = (comment or "").strip()
    if not comment:
        problems.append("Add a comment: what you saw, and what would help next.")
    if problems:
        raise PracticumError(" ".join(problems))
    signed = SignOffRating(
        request=request,
        rater=supervisor,
        rating=rating,
        comment=comment,
        rater_qualification=link.qualification,
        qualification_current=qualification_current(link),
        account_sha256=text_digest(request.account),
        created_at=timezone.now(),
    )
    signed.content_hash = signed.compute_hash()
    signed.save()
    competency = request.competency
    record_event(
        actor=supervisor,
        action="signoff.rated",
        obj=signed,
        after={
            "request": request.pk,
            "competency": f"{competency.domain.framework.slug}/{competency.code}",
            "rating": rating,
            "qualification_current": signed.qualification_current,
            "hash": signed.content_hash,
        },
    )
    notify(
        recipient=request.placement.trainee,
        message=f"A supervisor rated your sign-off request: {signed.get_rating_display()}.",
        url=reverse("practicum:placement", args=[request.placement_id]),
    )
    practicum_signed.send(
        sender=SignOffRating,
        trainee=request.placement.trainee,
        credential_code=request.placement.credential_code,
    )
    return signed


def signoff_achieved(ratings, rule: SignOffRule) -> bool:
    """Whether ratings (of one competency) meet the rule."""
    competent = [
        r
        for r in ratings
        if r.rating == Rating.COMPETENT
        and (r.qualification_current or not rule.qualification_current)
    ]
    return len({r.rater_id for r in competent}) >= rule.competent_ratings


def achieved_competencies(*, trainee, credential_code: str) -> set[str]:
    """Codes ("framework/code") of the competencies the trainee has achieved on placements
    toward the credential, under the sign-off rule of the version they are assessed against
    (pinned, else current), as eligibility counts them. Three or four queries."""
    rule = credential_rules(credential_code, trainee=trainee).signoff_rule
    return achieved_competencies_many(trainee=trainee, rules={credential_code: rule})[
        credential_code
    ]


def _held_rating():
    """True for a rating by a supervisor whose qualification on that placement is held (not
    approved yet): kept, but it does not count."""
    return Exists(
        PlacementSupervisor.objects.filter(
            placement=OuterRef("request__placement"),
            supervisor=OuterRef("rater"),
            qualification_status=PlacementSupervisor.QualificationStatus.HELD,
        )
    )


def signoff_requests():
    """Sign-off requests with their competency and their ratings (each with its rater and
    `held`: a rating whose signer's approval is pending), for one prefetch query."""
    ratings = SignOffRating.objects.select_related("rater").annotate(held=_held_rating())
    return SignOffRequest.objects.select_related("competency__domain__framework").prefetch_related(
        Prefetch("ratings", queryset=ratings)
    )


def placement_signoffs(*, placement, rule: SignOffRule) -> tuple[list, set[str]]:
    """The placement's sign-off requests (each with its competency and its ratings, each
    rating with its rater and `held`), and the codes ("framework/code") of the competencies
    achieved on all the trainee's placements toward the placement's credential under
    `rule`, as `achieved_competencies` counts them. Two queries."""
    requests = list(
        signoff_requests()
        .filter(
            placement__trainee_id=placement.trainee_id,
            placement__credential_code=placement.credential_code,
        )
        .order_by("-created_at", "-pk")
    )
    found = defaultdict(list)
    for request in requests:
        competency = request.competency
        key = f"{competency.domain.framework.slug}/{competency.code}"
        found[key].extend(r for r in request.ratings.all() if not r.held)
    achieved = {key for key, counted in found.items() if signoff_achieved(counted, rule)}
    return [r for r in requests if r.placement_id == placement.pk], achieved


def achieved_competencies_many(*, trainee, rules: dict[str, SignOffRule]) -> dict[str, set]:
    """`achieved_competencies` for several credentials, each under the rule given for its
    code (e.g. that of the version the trainee is pinned to). One query however many. A
    rating by a supervisor whose qualification on that placement is held (not approved yet)
    does not count."""
    ratings = (
        SignOffRating.objects.filter(
            request__placement__trainee=trainee,
            request__placement__credential_code__in=list(rules),
        )
        .exclude(_held_rating())
        .values_list(
            "request__placement__credential_code",
            "request__competency__domain__framework__slug",
            "request__competency__code",
            "rater_id",
            "rating",
            "qualification_current",
        )
    )
    by_code = defaultdict(lambda: defaultdict(list))
    for credential_code, framework, code, rater_id, rating, current in ratings:
        by_code[credential_code][f"{framework}/{code}"].append(
            SignOffRating(rater_id=rater_id, rating=rating, qualification_current=current)
        )
    return {
        credential_code: {
            code
            for code, found in by_code[credential_code].items()
            if signoff_achieved(found, rule)
        }
        for credential_code, rule in rules.items()
    }
