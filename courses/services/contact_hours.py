"""Contact hours: proposed by a trainer, approved (or returned) by a registrar, versioned, and
credited to learners as training hours when they complete a course.

Domain keys ("icrc-pr/ethics") belong to the frameworks in `certification.standards`, which
sits above this app: it registers a lookup here (`register_domain_lookup`) in its
`AppConfig.ready()`, and every proposal is checked through it. Without a lookup (this app on
its own) no domain key is accepted, so nothing unchecked is ever stored."""

from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from cms.models import provider_details
from lms.audit.services.events import record_event
from lms.exceptions import Problems
from lms.hours import ZERO, Delivery, HoursLine, to_hours

from ..exceptions import ContactHoursError
from ..models import ContactHoursVersion, CoursePage, Enrolment, ModulePage

__all__ = [
    "DomainLookup",
    "approve_contact_hours",
    "course_hours_lines",
    "current_versions",
    "domain_labels",
    "propose_contact_hours",
    "register_domain_lookup",
    "return_contact_hours",
    "set_contact_hours",
    "summaries",
]

MAX_HOURS = Decimal("500")

# keys -> {key: label} for the keys that name a live domain; unknown keys are left out.
DomainLookup = Callable[[Iterable[str]], dict[str, str]]
_LOOKUP: list[DomainLookup] = []


def register_domain_lookup(lookup: DomainLookup) -> None:
    """The app that owns frameworks tells this one which domain keys exist (and their names)."""
    _LOOKUP[:] = [lookup]


def domain_labels(keys: Iterable[str]) -> dict[str, str]:
    """{key: domain name} for the keys that name a domain (one query through the lookup)."""
    keys = list(keys)
    if not keys or not _LOOKUP:
        return {}
    return _LOOKUP[0](keys)


def _hours(value, field: str, problems: Problems) -> Decimal:
    try:
        hours = to_hours(value)
    except (InvalidOperation, ValueError, TypeError):
        problems.add(_("Give a number of hours, for example 7.5."), field)
        return ZERO
    if hours < 0 or hours > MAX_HOURS:
        problems.add(_("Give between 0 and %(max)s hours.") % {"max": MAX_HOURS}, field)
        return ZERO
    return hours


def _clean(*, title, total, hours_by_domain, delivery, face_to_face) -> dict:
    """The proposal as it will be stored, or ContactHoursError with each problem at its field.
    Hours are rounded down to the quarter hour. Per framework, the domains' hours add up to at
    most the total (a course may count toward several frameworks at once)."""
    problems = Problems()
    title = (title or "").strip()
    if not title:
        problems.add(_("Give the title the hours are approved under."), "title")
    total = _hours(total, "total", problems)
    if delivery not in dict(Delivery.CHOICES):
        problems.add(_("Choose how the course is delivered."), "delivery")
    by_domain: dict[str, Decimal] = {}
    for key, value in (hours_by_domain or {}).items():
        key = str(key).strip()
        hours = _hours(value, "hours_by_domain", problems)
        if key and hours > 0:
            by_domain[key] = by_domain.get(key, ZERO) + hours
    known = domain_labels(by_domain)
    unknown = sorted(set(by_domain) - set(known))
    if unknown:
        problems.add(
            _("These are not domains of a framework: %(keys)s.") % {"keys": ", ".join(unknown)},
            "hours_by_domain",
        )
    per_framework: dict[str, Decimal] = {}
    for key, hours in by_domain.items():
        framework = key.partition("/")[0]
        per_framework[framework] = per_framework.get(framework, ZERO) + hours
    for framework, hours in sorted(per_framework.items()):
        if hours > total:
            problems.add(
                _(
                    "The %(framework)s domains add up to %(hours)s hours, more than the "
                    "%(total)s contact hours."
                )
                % {"framework": framework, "hours": hours, "total": total},
                "hours_by_domain",
            )
    # Face to face follows from the delivery mode, except for blended courses.
    if delivery in Delivery.LIVE:
        face = total
    elif delivery == Delivery.BLENDED:
        face = _hours(face_to_face, "face_to_face", problems)
        if face > total:
            problems.add(_("Face-to-face hours cannot be more than the total."), "face_to_face")
    else:
        face = ZERO
    problems.raise_as(ContactHoursError)
    return {
        "title": title[:255],
        "total": total,
        "hours_by_domain": {key: str(hours) for key, hours in sorted(by_domain.items())},
        "delivery": delivery,
        "face_to_face": face,
    }


def _check_page(page) -> Page:
    specific = page.specific if isinstance(page, Page) else page
    if not isinstance(specific, CoursePage | ModulePage):
        raise ContactHoursError(_("Only courses and modules carry contact hours."))
    return specific


@transaction.atomic
def propose_contact_hours(
    *,
    proposer,
    page,
    title: str,
    total,
    hours_by_domain: dict,
    delivery: str,
    face_to_face=None,
) -> ContactHoursVersion:
    """A trainer's (or registrar's) proposal for a course's or module's contact hours. It
    counts for nothing until a registrar approves it; a second proposal replaces the waiting
    one (one waiting proposal per page)."""
    page = _check_page(page)
    values = _clean(
        title=title,
        total=total,
        hours_by_domain=hours_by_domain,
        delivery=delivery,
        face_to_face=face_to_face,
    )
    # The page row serialises proposals and approvals for one page.
    Page.objects.select_for_update().filter(pk=page.pk).first()
    proposal = ContactHoursVersion.objects.proposed().filter(page_id=page.pk).first()
    before = None
    if proposal is None:
        proposal = ContactHoursVersion(page_id=page.pk, proposed_by=proposer)
    else:
        before = {"total": str(proposal.total), "hours_by_domain": proposal.hours_by_domain}
    for name, value in values.items():
        setattr(proposal, name, value)
    proposal.proposed_by = proposer
    proposal.save()
    record_event(
        actor=proposer,
        action="contact_hours.proposed",
        obj=proposal,
        before=before,
        after={
            "page": page.pk,
            "total": str(proposal.total),
            "hours_by_domain": proposal.hours_by_domain,
            "delivery": proposal.delivery,
        },
    )
    return proposal


def _locked_proposal(version_id: int) -> ContactHoursVersion:
    proposal = (
        ContactHoursVersion.objects.select_for_update()
        .filter(pk=version_id, status=ContactHoursVersion.Status.PROPOSED)
        .first()
    )
    if proposal is None:
        raise ContactHoursError(
            _("That proposal has already been decided, or does not exist."), status=404
        )
    return proposal


@transaction.atomic
def approve_contact_hours(*, registrar, version_id: int) -> ContactHoursVersion:
    """A registrar approves a proposal: it becomes the page's next numbered version, and the
    hours every later completion carries. Completions made before any hours were approved take
    this first version (they did the course these hours describe); completions under an earlier
    version keep theirs."""
    proposal = _locked_proposal(version_id)
    Page.objects.select_for_update().filter(pk=proposal.page_id).first()
    latest = (
        ContactHoursVersion.objects.filter(page_id=proposal.page_id).aggregate(n=Max("number"))["n"]
        or 0
    )
    proposal.status = ContactHoursVersion.Status.APPROVED
    proposal.number = latest + 1
    proposal.decided_by = registrar
    proposal.decided_at = timezone.now()
    proposal.decision_note = ""
    proposal.save()
    backfilled = 0
    if latest == 0:
        backfilled = Enrolment.objects.filter(
            course_id=proposal.page_id, completed_at__isnull=False, contact_hours_version=None
        ).update(contact_hours_version=proposal)
    record_event(
        actor=registrar,
        action="contact_hours.approved",
        obj=proposal,
        before={"status": ContactHoursVersion.Status.PROPOSED},
        after={
            "status": proposal.status,
            "number": proposal.number,
            "total": str(proposal.total),
            "hours_by_domain": proposal.hours_by_domain,
            "delivery": proposal.delivery,
            "completions_backfilled": backfilled,
        },
    )
    return proposal


@transaction.atomic
def return_contact_hours(*, registrar, version_id: int, reason: str) -> ContactHoursVersion:
    """A registrar returns a proposal with a reason; the approved hours stay as they were."""
    reason = (reason or "").strip()
    if not reason:
        raise ContactHoursError(
            _("Say why the hours are returned, so the trainer can correct them."),
            fields={"reason": [_("Say why the hours are returned.")]},
        )
    proposal = _locked_proposal(version_id)
    proposal.status = ContactHoursVersion.Status.DECLINED
    proposal.decided_by = registrar
    proposal.decided_at = timezone.now()
    proposal.decision_note = reason[:500]
    proposal.save()
    # The reason is a registrar's words about a course, kept on the row; the trail keeps states.
    record_event(
        actor=registrar,
        action="contact_hours.returned",
        obj=proposal,
        before={"status": ContactHoursVersion.Status.PROPOSED},
        after={"status": proposal.status},
    )
    return proposal


@transaction.atomic
def set_contact_hours(*, registrar, page, **values) -> ContactHoursVersion:
    """A registrar sets a page's hours directly: a proposal approved in the same step."""
    proposal = propose_contact_hours(proposer=registrar, page=page, **values)
    return approve_contact_hours(registrar=registrar, version_id=proposal.pk)


def current_versions(page_ids: Iterable[int]) -> dict[int, ContactHoursVersion]:
    """{page id: its current (highest-numbered) approved version}, in one query."""
    current: dict[int, ContactHoursVersion] = {}
    for version in (
        ContactHoursVersion.objects.approved()
        .filter(page_id__in=list(page_ids))
        .order_by("page_id", "number")
    ):
        current[version.page_id] = version
    return current


def current_version(page_id: int) -> ContactHoursVersion | None:
    return current_versions([page_id]).get(page_id)


def summaries(versions: Iterable[ContactHoursVersion | None]) -> list[dict | None]:
    """Approved hours as pages show them (total, delivery, each domain with its name), for
    many versions with one lookup of domain names."""
    versions = list(versions)
    keys = {key for v in versions if v is not None for key in v.hours_by_domain}
    labels = domain_labels(sorted(keys))
    return [
        None
        if version is None
        else {
            "version": version,
            "total": version.total,
            "delivery": version.delivery,
            "delivery_label": version.delivery_label,
            "face_to_face": version.face_to_face,
            "domains": [
                {"key": key, "label": labels.get(key, key), "hours": hours}
                for key, hours in sorted(version.domain_hours.items())
            ],
        }
        for version in versions
    ]


def _provider(enrolment, default: list) -> str:
    """The cohort's training provider, else the site's (read once per call)."""
    if enrolment.cohort_id and enrolment.cohort.organisation_id:
        return enrolment.cohort.organisation.name
    if not default:
        default.append(provider_details()["name"])
    return default[0]


def course_hours_lines(user_ids: list[int]) -> dict[int, list[HoursLine]]:
    """The "course" source of training hours: every completed course with approved hours, at
    the version the learner completed it under. One query for any number of people."""
    found: dict[int, list[HoursLine]] = {}
    default_provider: list[str] = []
    completions = (
        Enrolment.objects.filter(
            user_id__in=user_ids,
            completed_at__isnull=False,
            contact_hours_version__status=ContactHoursVersion.Status.APPROVED,
        )
        .select_related("contact_hours_version", "cohort__organisation")
        .order_by("completed_at", "pk")
    )
    for enrolment in completions:
        version = enrolment.contact_hours_version
        found.setdefault(enrolment.user_id, []).append(
            HoursLine(
                source="course",
                key=f"course:{enrolment.course_id}:v{version.number}",
                title=version.title,
                on=timezone.localdate(enrolment.completed_at),
                hours_by_domain=version.domain_hours,
                total=version.total,
                delivery=version.delivery,
                face_to_face=version.face_to_face,
                provider=_provider(enrolment, default_provider),
            )
        )
    return found
