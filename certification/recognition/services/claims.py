"""Prior-learning claims: made by a trainee for one requirement, decided once by an assessor,
counted wherever the requirement is checked. Audited; the trainee's own words never go in the
audit trail."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.standards.models import Competency, Domain
from courses.models import CoursePage
from lms.audit.services.events import record_event
from lms.exceptions import Problems
from lms.hours import Delivery, HoursLine, to_hours

from ..exceptions import RecognitionError
from ..models import PriorLearningClaim
from ..permissions import can_decide

__all__ = ["Credits", "credits_for", "decide", "hours_lines", "make_claim"]

Kind, Status = PriorLearningClaim.Kind, PriorLearningClaim.Status


def _domains_known(keys) -> set[str]:
    keys = list(keys)
    if not keys:
        return set()
    found = set()
    for framework, code in Domain.objects.filter(
        framework__slug__in={k.partition("/")[0] for k in keys}
    ).values_list("framework__slug", "code"):
        found.add(f"{framework}/{code}")
    return found & set(keys)


@transaction.atomic
def make_claim(*, trainee, data: dict) -> PriorLearningClaim:
    """A claim from the form's cleaned data. Each problem is tied to its field."""
    problems = Problems()
    kind = data["kind"]
    claim = PriorLearningClaim(
        trainee=trainee,
        kind=kind,
        title=data["title"].strip(),
        provider=(data.get("provider") or "").strip(),
        completed_on=data["completed_on"],
        description=(data.get("description") or "").strip(),
    )
    if data["completed_on"] > timezone.localdate():
        problems.add(_("Give a date that has passed."), "completed_on")
    if kind == Kind.COURSE:
        slug = data.get("course_slug") or ""
        if not CoursePage.objects.live().filter(slug=slug).exists():
            problems.add(_("Choose the course you ask credit for."), "course_slug")
        claim.course_slug = slug
    elif kind == Kind.TRAINING_HOURS:
        hours = data.get("hours_by_domain") or {}
        if not hours:
            problems.add(_("Give the hours by domain, e.g. icrc-pr/ethics: 6."), "hours_by_domain")
        unknown = sorted(set(hours) - _domains_known(hours))
        if unknown:
            problems.add(
                _("We do not know the domain %(key)s.") % {"key": unknown[0]}, "hours_by_domain"
            )
        claim.hours_by_domain = {k: str(to_hours(v)) for k, v in hours.items()}
        claim.hours = sum((to_hours(v) for v in hours.values()), Decimal(0)) or None
    elif kind == Kind.PRACTICUM_HOURS:
        if not data.get("hours"):
            problems.add(_("Give the practicum hours you ask credit for."), "hours")
        if not data.get("credential_code"):
            problems.add(_("Choose the credential the hours count toward."), "credential_code")
        claim.hours = data.get("hours")
        claim.credential_code = data.get("credential_code") or ""
    elif kind == Kind.COMPETENCY:
        key = data.get("competency_key") or ""
        framework, _sep, code = key.partition("/")
        if not Competency.objects.filter(domain__framework__slug=framework, code=code).exists():
            problems.add(_("Choose the competency you ask credit for."), "competency_key")
        claim.competency_key = key
    if not data.get("evidence_file") and not claim.description:
        problems.add(
            _("Upload your evidence or describe how it meets the requirement."), "evidence_file"
        )
    problems.raise_as(RecognitionError)
    if data.get("evidence_file"):
        claim.evidence_file = data["evidence_file"]
    claim.save()
    record_event(
        actor=trainee,
        action="prior_learning.claimed",
        obj=claim,
        after={"kind": kind, "hours": str(claim.hours or "")},
    )
    return claim


@transaction.atomic
def decide(*, assessor, claim_id: int, decision: str, granted_hours=None, reason: str = ""):
    """Accept, accept in part (fewer hours) or decline with a reason. Decided once."""
    claim = PriorLearningClaim.objects.select_for_update().filter(pk=claim_id).first()
    if claim is None or not can_decide(assessor, claim):
        raise RecognitionError(_("We could not find that claim."), status=404)
    problems = Problems()
    if claim.status != Status.SUBMITTED:
        problems.add(_("This claim has been decided already."))
    reason = (reason or "").strip()
    if decision == Status.DECLINED and not reason:
        problems.add(_("Say why the claim is declined: the trainee reads it."), "reason")
    if decision == Status.PARTLY_ACCEPTED:
        if not claim.asks_hours:
            problems.add(_("Only hours can be accepted in part."), "decision")
        elif granted_hours is None or not (0 < granted_hours < (claim.hours or 0)):
            problems.add(
                _("Give fewer hours than asked (%(asked)s) and more than none.")
                % {"asked": f"{Decimal(claim.hours).normalize():f}"},
                "granted_hours",
            )
        if not reason:
            problems.add(_("Say why only part is accepted: the trainee reads it."), "reason")
    if decision not in (Status.ACCEPTED, Status.PARTLY_ACCEPTED, Status.DECLINED):
        problems.add(_("Choose a decision."), "decision")
    problems.raise_as(RecognitionError)
    claim.status = decision
    claim.reason = reason
    claim.decided_by = assessor
    claim.decided_at = timezone.now()
    if decision == Status.ACCEPTED:
        claim.granted_hours = claim.hours
        claim.granted_by_domain = dict(claim.hours_by_domain)
    elif decision == Status.PARTLY_ACCEPTED:
        claim.granted_hours = to_hours(granted_hours)
        # Fewer hours by domain in proportion, rounded down to the quarter hour.
        share = Decimal(claim.granted_hours) / Decimal(claim.hours)
        claim.granted_by_domain = {
            k: str(to_hours(Decimal(v) * share)) for k, v in claim.hours_by_domain.items()
        }
    claim.save()
    record_event(
        actor=assessor,
        action="prior_learning.decided",
        obj=claim,
        after={"decision": decision, "granted_hours": str(claim.granted_hours or "")},
    )
    return claim


def hours_lines(user_ids) -> dict[int, list[HoursLine]]:
    """The training-hours source "prior_learning": every training-hours claim (only accepted
    ones count; the rest show as waiting or declined). One query."""
    found: dict[int, list[HoursLine]] = {}
    claims = PriorLearningClaim.objects.filter(
        trainee_id__in=list(user_ids), kind=Kind.TRAINING_HOURS
    ).only(
        "pk",
        "trainee_id",
        "title",
        "provider",
        "completed_on",
        "status",
        "hours",
        "hours_by_domain",
        "granted_hours",
        "granted_by_domain",
        "reason",
    )
    for claim in claims:
        credited = claim.credited
        by_domain = claim.granted_by_domain if credited else claim.hours_by_domain
        found.setdefault(claim.trainee_id, []).append(
            HoursLine(
                source="prior_learning",
                key=f"prior_learning:{claim.pk}",
                title=_("Recognised prior learning: %(title)s") % {"title": claim.title},
                on=claim.completed_on,
                hours_by_domain={k: Decimal(v) for k, v in by_domain.items()},
                total=Decimal(claim.granted_hours if credited else claim.hours or 0),
                delivery=Delivery.SELF_PACED,
                provider=claim.provider,
                status={
                    Status.SUBMITTED: "pending",
                    Status.DECLINED: "returned",
                }.get(claim.status, "credited"),
                note=claim.reason if claim.status == Status.DECLINED else "",
            )
        )
    return found


@dataclass
class Credits:
    """Accepted credit for one trainee, by kind, for eligibility checks."""

    courses: set[str] = field(default_factory=set)
    competencies: set[str] = field(default_factory=set)
    practicum_minutes: dict[str, int] = field(default_factory=dict)  # by credential code

    def practicum_for(self, credential_code: str) -> int:
        return self.practicum_minutes.get(credential_code, 0)


def credits_for(trainee) -> Credits:
    """Accepted course, competency and practicum-hours credit. One query."""
    credits = Credits()
    for kind, slug, key, code, hours in PriorLearningClaim.objects.filter(
        trainee=trainee, status__in=[Status.ACCEPTED, Status.PARTLY_ACCEPTED]
    ).values_list("kind", "course_slug", "competency_key", "credential_code", "granted_hours"):
        if kind == Kind.COURSE:
            credits.courses.add(slug)
        elif kind == Kind.COMPETENCY:
            credits.competencies.add(key)
        elif kind == Kind.PRACTICUM_HOURS and hours:
            credits.practicum_minutes[code] = credits.practicum_minutes.get(code, 0) + int(
                Decimal(hours) * 60
            )
    return credits
