"""Credential rules as versioned data, and eligibility: for a trainee and a credential, what is
met and what is missing, with numbers, in a fixed number of queries. Writes are keyword-only
and atomic; each is recorded in the audit trail."""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certification.exams import catalogue as exam_catalogue
from certification.exams.services import passed_exams_many
from certification.practicum.models import Placement
from certification.practicum.services.practicum import credential_totals_many
from certification.practicum.services.supervision import achieved_competencies_many
from certification.recognition.services.claims import credits_for
from certification.standards.models import Competency, Credential, CredentialVersion, Domain
from certification.standards.services import rules as standards_rules
from certification.standards.services import training as standards_training
from certification.standards.services.rules import SignOffRule
from courses.models import Attempt, CoursePage, Enrolment, LessonPage, LessonProgress, QuizPage
from lms.audit.services.events import record_event
from lms.audit.services.outbox import enqueue_task
from lms.hours import HoursLine, Summary, lines_for, summarise

from ..basis import PRIOR_LEARNING
from ..exceptions import CredentialError
from ..models import Attestation, Certificate, CertificateName, CredentialEnrolment
from . import course_certificates

__all__ = [
    "ATTESTATIONS",
    "Eligibility",
    "Requirement",
    "attest",
    "check_eligibility",
    "check_eligibility_many",
    "confirm_certificate_name",
    "credentials_for_trainee",
    "move_to_version",
    "pin_credential",
    "proposed_certificate_name",
    "queue_issue_for_course",
    "queue_issue_for_trainee",
    "queue_issue_if_ready",
    "set_certificate_name",
]

# What a trainee is asked to attest to, by code. The wording is the product's own.
ATTESTATIONS = {
    "code_of_ethics": {
        "title": _("Code of ethics"),
        "statement": _(
            "I have read the code of ethics for peer workers and I will follow it in my work: "
            "I keep to the boundaries of the role, respect the privacy of the people I "
            "support, and seek supervision when I am unsure."
        ),
    },
}


def _hours(minutes: int) -> float:
    return round(minutes / 60, 1)


def _fmt(number: float) -> str:
    return f"{number:g}" if number == int(number) else f"{number:.1f}"


def pin_credential(*, trainee, credential: Credential) -> CredentialEnrolment:
    """The trainee's version of the credential, pinned to the current version the first time
    (idempotent; two callers at once end with one row)."""
    existing = CredentialEnrolment.objects.filter(trainee=trainee, credential=credential).first()
    if existing is not None:
        return existing
    version = credential.current_version
    if version is None:
        raise CredentialError(
            _("The credential %(code)s has no rules yet.") % {"code": credential.code}
        )
    try:
        with transaction.atomic():
            enrolment = CredentialEnrolment.objects.create(
                trainee=trainee, credential=credential, version=version
            )
            record_event(
                actor=trainee,
                action="credential.pinned",
                obj=enrolment,
                after={"credential": credential.code, "version": version.number},
            )
            return enrolment
    except IntegrityError:
        return CredentialEnrolment.objects.get(trainee=trainee, credential=credential)


@transaction.atomic
def move_to_version(*, registrar, trainee, credential: Credential, version: CredentialVersion):
    """A registrar moves a trainee to another version of a credential (audited)."""
    if version.credential_id != credential.pk:
        raise CredentialError(_("That version belongs to another credential."))
    enrolment = pin_credential(trainee=trainee, credential=credential)
    enrolment = CredentialEnrolment.objects.select_for_update().get(pk=enrolment.pk)
    before = enrolment.version.number
    if enrolment.version_id == version.pk:
        return enrolment
    enrolment.version = version
    enrolment.moved_at = timezone.now()
    enrolment.full_clean()
    enrolment.save(update_fields=["version", "moved_at"])
    record_event(
        actor=registrar,
        action="credential.moved",
        obj=enrolment,
        before={"version": before},
        after={"version": version.number},
    )
    return enrolment


# Names and attestations.


def proposed_certificate_name(user) -> str:
    found = CertificateName.objects.filter(user=user).first()
    return found.name if found else (user.legal_name or "")


def _clean_name(name: str) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise CredentialError(_("Type your name as it should appear on your certificate."))
    if len(name) > 200:
        raise CredentialError(
            _("That name is too long for a certificate (200 characters at most).")
        )
    if any(ch in name for ch in "<>{}\\") or any(ord(ch) < 32 for ch in name):
        raise CredentialError(
            _("A name on a certificate can only contain letters and punctuation.")
        )
    return name


@transaction.atomic
def confirm_certificate_name(*, user, name: str) -> CertificateName:
    """The trainee confirms the name for their certificates. Once a certificate carries it,
    only a registrar can change it."""
    name = _clean_name(name)
    current = CertificateName.objects.select_for_update().filter(user=user).first()
    if current and current.name != name and Certificate.objects.filter(trainee=user).exists():
        raise CredentialError(
            _("Your certificate already carries your name. To change it, ask a registrar.")
        )
    before = {"confirmed": bool(current)}
    if current is None:
        current = CertificateName(user=user)
    current.name = name
    current.confirmed_at = timezone.now()
    current.changed_by = user
    current.full_clean()
    current.save()
    # The name itself is personal data: the trail records that it was confirmed, not what.
    record_event(actor=user, action="certificate_name.confirmed", obj=current, before=before)
    queue_issue_for_trainee(trainee=user)
    course_certificates.queue_course_certificates_for(trainee=user)
    return current


@transaction.atomic
def set_certificate_name(*, registrar, user, name: str) -> CertificateName:
    """A registrar changes a holder's certificate name (for later certificates; issued ones
    keep theirs until replaced)."""
    name = _clean_name(name)
    current = CertificateName.objects.select_for_update().filter(user=user).first()
    if current is None:
        current = CertificateName(user=user)
    current.name = name
    current.confirmed_at = timezone.now()
    current.changed_by = registrar
    current.full_clean()
    current.save()
    record_event(actor=registrar, action="certificate_name.changed", obj=current)
    return current


@transaction.atomic
def attest(*, trainee, code: str) -> Attestation:
    """Record the trainee's attestation, once."""
    if code not in ATTESTATIONS:
        raise CredentialError(_("We do not know that attestation."))
    attestation, created = Attestation.objects.get_or_create(trainee=trainee, code=code)
    if created:
        record_event(
            actor=trainee, action="attestation.made", obj=attestation, after={"code": code}
        )
        queue_issue_for_trainee(trainee=trainee)
    return attestation


# Eligibility.


@dataclass
class Requirement:
    """One line of the checklist: what is needed, how far along, and whether it is met."""

    kind: str
    key: str
    label: str
    met: bool
    detail: str
    done: float = 0
    needed: float = 0
    url: str = ""
    # "prior_learning" when an assessor's accepted claim met it (or part of it): the basis of
    # issue, the certificate and the verify page say so.
    via: str = ""

    @property
    def percent(self) -> int:
        if self.met:
            return 100
        if not self.needed:
            return 0
        return max(0, min(99, int(100 * self.done / self.needed)))


@dataclass
class Eligibility:
    """What a trainee has met and what is missing for one credential version."""

    credential: Credential
    version: CredentialVersion
    requirements: list[Requirement]
    totals: dict = field(default_factory=dict)
    achieved: set = field(default_factory=set)
    name_confirmed: bool = False
    pinned: bool = False
    training: Summary = field(default_factory=Summary)  # the credited training hours counted

    @property
    def met(self) -> bool:
        return all(r.met for r in self.requirements)

    @property
    def ready_to_issue(self) -> bool:
        return self.met and self.name_confirmed

    @property
    def missing(self) -> list[Requirement]:
        return [r for r in self.requirements if not r.met]

    @property
    def done_count(self) -> int:
        return sum(1 for r in self.requirements if r.met)

    @property
    def percent(self) -> int:
        if not self.requirements:
            return 100
        return int(100 * self.done_count / len(self.requirements))

    def summary(self) -> str:
        """e.g. "62 of 80 practicum hours; Ethics: not completed"."""
        if self.met:
            return "Every requirement is met."
        return "; ".join(r.detail for r in self.missing)


def _course_requirements(trainee, versions, recognised=frozenset()) -> dict[int, list[Requirement]]:
    """The course lines of each version's checklist, by version id. The courses of all the
    versions are read together: at most six queries however many."""
    slugs = list(dict.fromkeys(s for v in versions for s in (v.required_courses or [])))
    if not slugs:
        return {version.pk: [] for version in versions}
    courses = {}
    for course in CoursePage.objects.filter(slug__in=slugs).only("pk", "slug", "title", "path"):
        courses.setdefault(course.slug, course)
    found = [courses[s] for s in slugs if s in courses]
    under = reduce(or_, (Q(path__startswith=c.path) for c in found), Q(pk__in=[]))
    lessons = list(LessonPage.objects.live().filter(under).values_list("pk", "path"))
    done = set(
        LessonProgress.objects.filter(
            user=trainee, lesson_id__in=[pk for pk, _ in lessons], completed_at__isnull=False
        ).values_list("lesson_id", flat=True)
    )
    completed = set(
        Enrolment.objects.filter(
            user=trainee, course__in=found, completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )
    best, quizzes = {}, []
    if any(v.min_quiz_score and v.required_courses for v in versions):
        quizzes = list(
            QuizPage.objects.live()
            .filter(under, required_for_completion=True)
            .values_list("pk", "path", "title")
        )
        best = dict(
            Attempt.objects.filter(
                user=trainee, quiz_id__in=[q[0] for q in quizzes], released_at__isnull=False
            )
            .values_list("quiz_id")
            .annotate(best=Max("percent"))
            .values_list("quiz_id", "best")
        )
    return {
        version.pk: _course_lines(
            version, courses, lessons, done, completed, quizzes, best, recognised
        )
        for version in versions
    }


def _course_lines(version, courses, lessons, done, completed, quizzes, best, recognised) -> list:
    requirements = []
    for slug in version.required_courses or []:
        course = courses.get(slug)
        if slug in recognised:
            # Credit an assessor accepted stands for the course, and always says so.
            title = course.title if course else slug.replace("-", " ").capitalize()
            requirements.append(
                Requirement(
                    "course",
                    slug,
                    title,
                    True,
                    f"{title}: recognised prior learning",
                    1,
                    1,
                    course.url if course else "",
                    via=PRIOR_LEARNING,
                )
            )
            continue
        if course is None:
            requirements.append(
                Requirement(
                    "course",
                    slug,
                    slug.replace("-", " ").capitalize(),
                    False,
                    f"{slug}: course not available yet",
                )
            )
            continue
        total = sum(1 for _, path in lessons if path.startswith(course.path))
        finished = sum(1 for pk, path in lessons if path.startswith(course.path) and pk in done)
        low = [
            (title, best.get(pk))
            for pk, path, title in (quizzes if version.min_quiz_score else [])
            if path.startswith(course.path)
            and (best.get(pk) is None or best[pk] < version.min_quiz_score)
        ]
        is_complete = course.pk in completed
        met = is_complete and not low
        if met:
            detail = f"{course.title}: completed"
            if version.min_quiz_score:
                detail += f", every quiz at {version.min_quiz_score}% or more"
        elif not is_complete:
            detail = f"{course.title}: {finished} of {total} lessons, not completed"
        else:
            title, score = low[0]
            shown = "not passed" if score is None else f"best {float(score):g}%"
            detail = f"{course.title}: {title} {shown} (needs {version.min_quiz_score}%)"
        requirements.append(
            Requirement("course", slug, course.title, met, detail, finished, total, course.url)
        )
    return requirements


def _hours_requirements(version, totals, domains) -> list[Requirement]:
    requirements = []
    needed = float(version.experience_hours)
    if needed:
        have = _hours(totals["minutes"])
        requirements.append(
            Requirement(
                "practicum_hours",
                "experience",
                str(_("Practicum hours")),
                have >= needed,
                f"{_fmt(have)} of {_fmt(needed)} practicum hours",
                have,
                needed,
            )
        )
    share = float(version.direct_service_share_min)
    if share:
        minutes = totals["minutes"]
        have_share = totals["direct_minutes"] / minutes if minutes else 0.0
        requirements.append(
            Requirement(
                "direct_service",
                "direct",
                str(_("Direct service share")),
                bool(minutes) and have_share >= share,
                f"{round(have_share * 100)}% of practicum hours in direct service "
                f"(at least {round(share * 100)}%)",
                round(have_share * 100),
                round(share * 100),
            )
        )
    needed_sup = float(version.supervision_hours)
    if needed_sup:
        have = _hours(totals["supervision_minutes"])
        requirements.append(
            Requirement(
                "supervision_hours",
                "supervision",
                str(_("Supervision hours")),
                have >= needed_sup,
                f"{_fmt(have)} of {_fmt(needed_sup)} supervision hours",
                have,
                needed_sup,
            )
        )
    for key, hours in (version.hours_by_domain or {}).items():
        domain = domains.get(key)
        label = domain.title if domain else key
        have = _hours(totals["by_domain"].get(domain.pk, 0)) if domain else 0.0
        requirements.append(
            Requirement(
                "domain_hours",
                key,
                label,
                domain is not None and have >= float(hours),
                f"{_fmt(have)} of {_fmt(float(hours))} practicum hours in {label}",
                have,
                float(hours),
            )
        )
    return requirements


def check_eligibility(*, trainee, credential_code: str) -> Eligibility:
    """What the trainee has met and what is missing for the version of the credential they
    are assessed against (their pinned version, else the current one). Read-only, and a
    fixed number of queries however much the trainee has done."""
    found = check_eligibility_many(trainee=trainee, codes=[credential_code])
    if not found:
        raise CredentialError(_("We could not find that credential."))
    return found[0]


def _training_lines(version, summary, titles) -> list[Requirement]:
    return [
        Requirement(c.kind, c.key, str(c.label), c.met, str(c.detail), c.have, c.needed)
        for c in standards_training.training_checks(version, summary, titles)
    ]


def check_eligibility_many(
    *, trainee, codes, hours: list[HoursLine] | None = None
) -> list[Eligibility]:
    """`check_eligibility` for several credentials, in the order of `codes` (unknown codes
    left out). Each kind of requirement is read once for all of them, so the number of
    queries does not grow with the number of credentials. `hours`: the trainee's training
    hours lines when the caller has read them for many people at once (`lms.hours.lines_for`);
    read here otherwise, only when a version has a training rule."""
    versions = standards_rules.assessed_versions(trainee=trainee, codes=codes)
    codes = [code for code in codes if code in versions]
    chosen = [versions[code][0] for code in codes]
    credits = credits_for(trainee)
    courses = _course_requirements(trainee, chosen, credits.courses)

    training = Summary()
    if any(version.has_training_rule for version in chosen):
        if hours is None:
            hours = lines_for([trainee.pk])[trainee.pk]
        training = summarise(hours)

    empty = {"minutes": 0, "direct_minutes": 0, "supervision_minutes": 0, "by_domain": {}}
    hour_codes = [
        code
        for code, version in zip(codes, chosen, strict=True)
        if version.experience_hours
        or version.supervision_hours
        or version.direct_service_share_min
        or version.hours_by_domain
    ]
    totals = credential_totals_many(trainee=trainee, codes=hour_codes) if hour_codes else {}

    domain_keys = [
        k.partition("/")
        for v in chosen
        for k in [*(v.hours_by_domain or {}), *(v.training_hours_by_domain or {})]
    ]
    domains = {}
    if domain_keys:
        lookup = reduce(or_, (Q(framework__slug=f, code=c) for f, _, c in domain_keys))
        for domain in Domain.objects.filter(lookup).select_related("framework"):
            domains[f"{domain.framework.slug}/{domain.code}"] = domain
    titles = {key: domain.title for key, domain in domains.items()}

    signoff_rules = {
        code: SignOffRule(
            competent_ratings=version.competent_ratings,
            qualification_current=version.qualification_current,
        )
        for code, version in zip(codes, chosen, strict=True)
        if version.competency_signoffs
    }
    achieved, texts = {}, {}
    if signoff_rules:
        achieved = achieved_competencies_many(trainee=trainee, rules=signoff_rules)
        keys = [k.partition("/") for v in chosen for k in (v.competency_signoffs or [])]
        lookup = reduce(or_, (Q(domain__framework__slug=f, code=c) for f, _, c in keys))
        texts = {
            f"{fw}/{code}": text
            for fw, code, text in Competency.objects.filter(lookup).values_list(
                "domain__framework__slug", "code", "text"
            )
        }

    wanted = {code for v in chosen for code in (v.attestations or [])}
    made = set()
    if wanted:
        made = set(
            Attestation.objects.filter(trainee=trainee, code__in=wanted).values_list(
                "code", flat=True
            )
        )
    name_confirmed = CertificateName.objects.filter(user=trainee).exists()
    passed = passed_exams_many(trainee=trainee, keys=[v.exam_required for v in chosen])

    results = []
    for code, version in zip(codes, chosen, strict=True):
        requirements = list(courses[version.pk])
        counted = totals.get(code, empty)
        recognised_minutes = credits.practicum_for(code)
        if recognised_minutes:
            counted = {**counted, "minutes": counted["minutes"] + recognised_minutes}
        hour_lines = _hours_requirements(version, counted, domains)
        if recognised_minutes:
            for line in hour_lines:
                if line.kind == "practicum_hours":
                    line.via = PRIOR_LEARNING
                    line.detail += (
                        f" (including {_fmt(_hours(recognised_minutes))} h recognised prior"
                        " learning)"
                    )
        requirements += hour_lines
        requirements += _training_lines(version, training, titles)
        requirements += _competency_lines(
            version, achieved.get(code, set()), texts, credits.competencies
        )
        requirements += _attestation_lines(version, made)
        requirements += _exam_lines(version, passed)
        results.append(
            Eligibility(
                credential=version.credential,
                version=version,
                requirements=requirements,
                totals=totals.get(code, empty),
                achieved=achieved.get(code, set()),
                name_confirmed=name_confirmed,
                pinned=versions[code][1],
                training=training,
            )
        )
    return results


def _competency_lines(version, achieved, texts, recognised=frozenset()) -> list[Requirement]:
    requirements = []
    for key in version.competency_signoffs or []:
        met = key in achieved or key in recognised
        code = key.partition("/")[2]
        if key in recognised and key not in achieved:
            requirements.append(
                Requirement(
                    "competency",
                    key,
                    f"{code} {texts.get(key, key)}",
                    True,
                    f"Competency {code}: recognised prior learning",
                    1,
                    1,
                    via=PRIOR_LEARNING,
                )
            )
            continue
        requirements.append(
            Requirement(
                "competency",
                key,
                f"{code} {texts.get(key, key)}",
                met,
                f"Competency {code} signed off" if met else f"Competency {code} not signed off",
                int(met),
                1,
            )
        )
    return requirements


def _attestation_lines(version, made) -> list[Requirement]:
    requirements = []
    for code in version.attestations or []:
        title = str(ATTESTATIONS.get(code, {}).get("title", code.replace("_", " ")))
        met = code in made
        requirements.append(
            Requirement(
                "attestation",
                code,
                title,
                met,
                f"{title}: attested" if met else f"{title}: not attested yet",
                int(met),
                1,
            )
        )
    return requirements


def _exam_lines(version, passed) -> list[Requirement]:
    """The exam line: met by a standing pass (a corrected record counts as corrected)."""
    if not version.exam_required:
        return []
    exam = exam_catalogue.exam_for(version.exam_required)
    name = exam.name if exam else version.exam_required
    result = passed.get(version.exam_required)
    if result is not None:
        score = f", scaled score {result.scaled_score}" if result.scaled_score is not None else ""
        detail = f"{name}: passed on {result.taken_on:%-d %B %Y}{score}"
    else:
        detail = f"{name}: no pass recorded yet"
    return [
        Requirement(
            "exam",
            version.exam_required,
            name,
            result is not None,
            detail,
            int(result is not None),
            1,
        )
    ]


def credentials_for_trainee(*, trainee) -> list[Credential]:
    """Credentials to show the trainee: those Peerpath issues, and any they have a placement
    or a pinned version for."""
    codes = set(Placement.objects.filter(trainee=trainee).values_list("credential_code", flat=True))
    codes |= set(
        CredentialEnrolment.objects.filter(trainee=trainee).values_list(
            "credential__code", flat=True
        )
    )
    return list(
        Credential.objects.filter(Q(issued_by_product=True) | Q(code__in=codes))
        .filter(retired=False)
        .order_by("-issued_by_product", "code")
    )


def queue_issue_if_ready(*, trainee, credential_code: str) -> bool:
    """Called inside the transaction of an event that may complete the rules (an entry
    approved, a course completed, a sign-off, an attestation, the name confirmed): pin the
    trainee's version, and when every requirement is met and the name is confirmed, queue
    the issuing task on commit. Returns whether it was queued."""
    credential = Credential.objects.filter(code=credential_code, retired=False).first()
    if credential is None or not credential.issued_by_product:
        return False
    enrolment = pin_credential(trainee=trainee, credential=credential)
    if (
        Certificate.objects.active()
        .filter(trainee=trainee, credential_version_id=enrolment.version_id)
        .exists()
    ):
        return False
    if not check_eligibility(trainee=trainee, credential_code=credential_code).ready_to_issue:
        return False
    # Through the outbox: written with the event that earns it, sent after the commit.
    # The task by its name: the tasks module imports this one.
    enqueue_task("certification.tasks.issue_certificate_task", trainee.pk, credential_code)
    return True


def queue_issue_for_course(*, trainee, course_slug: str) -> list[str]:
    """After a course is completed: queue issuing for every credential that requires it."""
    queued = []
    for credential in Credential.objects.issued_by_product():
        version = (
            CredentialEnrolment.objects.filter(trainee=trainee, credential=credential)
            .values_list("version__required_courses", flat=True)
            .first()
        )
        if version is None:
            current = credential.current_version
            version = current.required_courses if current else []
        if course_slug in (version or []) and queue_issue_if_ready(
            trainee=trainee, credential_code=credential.code
        ):
            queued.append(credential.code)
    return queued


def queue_issue_for_trainee(*, trainee) -> list[str]:
    """After an attestation or the name confirmed: every credential the trainee works toward."""
    return [
        credential.code
        for credential in credentials_for_trainee(trainee=trainee)
        if credential.issued_by_product
        and queue_issue_if_ready(trainee=trainee, credential_code=credential.code)
    ]
