"""Helpers for credential and certificate tests: a small credential, courses with a quiz,
approved practicum minutes and competency ratings, built through services where the
practicum pages are not needed, and through the ORM for signed rows (which is how the
supervisor's signing service stores them)."""

from datetime import time, timedelta

from django.utils import timezone

from certification.practicum.models import (
    ActivityType,
    PracticumEntry,
    Rating,
    SignOffRating,
    SignOffRequest,
)
from certification.practicum.services import practicum as practicum_services
from certification.standards.models import Competency, Credential, Domain
from certification.standards.services import credentials as standards_credentials
from courses import services as course_services
from lms.accounts.models import Organisation
from tests.factories import (
    CourseIndexPageFactory,
    MembershipFactory,
    ModulePageFactory,
    OrganisationFactory,
    QuizPageFactory,
    TrueFalseQuestionFactory,
    UserFactory,
    build_course,
)


def make_credential(code="test-cert", *, issued=True, **rules):
    """A credential with one version of the given rules."""
    credential = Credential.objects.create(code=code, issued_by_product=issued)
    base = {
        "title": rules.pop("title", "Test Peer Certificate"),
        "alignment_statement": "Content mapped to the SAMHSA Core Competencies (2015).",
        "validity_months": 24,
    }
    standards_credentials.save_credential_version(
        credential=credential, actor=None, rules={**base, **rules}
    )
    return credential


def make_course(slug, *, catalogue=None, lessons=2, quiz=True):
    """A published course with one module, `lessons` lessons and a two-question quiz."""
    from courses.models import CourseIndexPage

    catalogue = catalogue or CourseIndexPage.objects.first() or CourseIndexPageFactory()
    course, lesson_pages = build_course(
        modules=1, lessons_per_module=lessons, parent=catalogue, title=slug.title(), slug=slug
    )
    quiz_page = None
    if quiz:
        module = ModulePageFactory(parent=course, title=f"{slug} quiz module")
        quiz_page = QuizPageFactory(
            parent=module,
            title=f"{slug.title()} quiz",
            pass_mark=50,
            questions=[TrueFalseQuestionFactory(), TrueFalseQuestionFactory()],
        )
    return course, lesson_pages, quiz_page


def take_quiz(user, quiz, *, right=2):
    """Answer `right` of the two true/false questions correctly and submit."""
    attempt = course_services.start_attempt(user=user, quiz=quiz)
    for position in range(2):
        course_services.save_answer(
            user=user,
            key=attempt.key,
            position=position,
            payload="true" if position < right else "false",
        )
    return course_services.submit_attempt(user=user, key=attempt.key)


def finish_lessons(user, course, lessons):
    course_services.enrol_learner(user=user, course=course)
    for lesson in lessons:
        course_services.complete_lesson(user=user, lesson=lesson)


def placement_for(trainee, credential_code="test-cert"):
    supervisor = UserFactory(legal_name="Marcus Reid")
    host = OrganisationFactory(kind=Organisation.Kind.PLACEMENT_HOST)
    MembershipFactory(user=supervisor, organisation=host, role="supervisor")
    today = timezone.localdate()
    placement = practicum_services.create_placement(
        trainee=trainee,
        host=host,
        supervisor=supervisor,
        qualification="Certified Peer Supervisor",
        starts_on=today - timedelta(days=200),
        ends_on=today + timedelta(days=30),
        credential_code=credential_code,
    )
    placement.trainee_agreed_at = placement.supervisor_agreed_at = timezone.now()
    placement.save(update_fields=["trainee_agreed_at", "supervisor_agreed_at"])
    return placement, supervisor


def approved_minutes(placement, supervisor, minutes, *, activity="one_to_one", domain=None, day=1):
    """An approved practicum entry, as the approval service leaves it."""
    entry = PracticumEntry.objects.create(
        placement=placement,
        date=timezone.localdate() - timedelta(days=day),
        start_time=time(9, 0),
        minutes=minutes,
        setting=PracticumEntry.Setting.COMMUNITY,
        activity=ActivityType.objects.get(code=activity),
        description="Supported a person to prepare for an appointment.",
        status=PracticumEntry.Status.APPROVED,
        decided_at=timezone.now(),
        decided_by=supervisor,
        signed_qualification="Certified Peer Supervisor",
    )
    entry.content_hash = entry.compute_hash()
    entry.save(update_fields=["content_hash"])
    if domain is not None:
        entry.domains.add(domain)
    return entry


def rate(placement, supervisor, key, rating=Rating.COMPETENT, *, current=True):
    framework, _, code = key.partition("/")
    competency = Competency.objects.get(domain__framework__slug=framework, code=code)
    request = SignOffRequest.objects.create(
        placement=placement, competency=competency, account="Shared my story when it helped."
    )
    return SignOffRating.objects.create(
        request=request,
        rater=supervisor,
        rating=rating,
        comment="Seen in practice.",
        rater_qualification="Certified Peer Supervisor",
        qualification_current=current,
        content_hash="0" * 64,
        created_at=timezone.now(),
    )


def domain(key):
    framework, _, code = key.partition("/")
    return Domain.objects.get(framework__slug=framework, code=code)
