"""The fuzz package's world: the demo site, seeded once for the whole package inside a
transaction that is rolled back when the package is done (so no other test sees it). Each
test runs in a savepoint inside it (pytest-django's `db`), and each generated example in a
savepoint inside that, so every example starts from the same rows."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction

DEMO = {
    "trainee": "trainee@peerpath.example",
    "trainer": "trainer@peerpath.example",
    "supervisor": "supervisor@peerpath.example",
    "org_admin": "orgadmin@peerpath.example",
    "verifier": "verifier@peerpath.example",
    "registrar": "registrar@peerpath.example",
    "admin": "admin@peerpath.example",
    "graduate": "graduate@peerpath.example",
}


def _build_world() -> SimpleNamespace:
    from certification.credentials.models import Certificate, ContinuingEducation
    from certification.practicum.models import Placement, PracticumEntry, SignOffRequest
    from certification.standards.models import Competency
    from courses import services as course_services
    from courses.exceptions import CoursesError
    from courses.models import LessonPage, QuizPage, Reflection
    from lms.accounts.models import Invitation, Organisation, User

    call_command("seed_demo", stdout=io.StringIO())
    users = {role: User.objects.get(email=email) for role, email in DEMO.items()}
    trainee, graduate = users["trainee"], users["graduate"]
    placement = Placement.objects.filter(trainee=trainee).first()
    entries = PracticumEntry.objects.filter(placement=placement)
    editable = entries.filter(status__in=["draft", "returned"]).first()
    approved = entries.filter(status="approved").first()
    pending_signoff = (
        SignOffRequest.objects.filter(placement=placement).exclude(ratings__isnull=False).first()
    )

    lessons = [
        lesson
        for lesson in LessonPage.objects.live().specific()
        if any(b.block_type == "reflection" for b in lesson.body)
    ]
    reflection_lesson = next(
        (
            lesson
            for lesson in lessons
            if course_services.lock_enrolment(user=trainee, course=lesson.course) is not None
        ),
        lessons[0],
    )
    reflection_block = next(b.id for b in reflection_lesson.body if b.block_type == "reflection")
    note_lesson = next(
        (
            lesson
            for lesson in LessonPage.objects.live().specific()
            if any(b.block_type == "content_note" for b in lesson.body)
        ),
        reflection_lesson,
    )
    note_block = next((b.id for b in note_lesson.body if b.block_type == "content_note"), "missing")

    # A quiz attempt in progress for the trainee, with every question type the demo has.
    quizzes = list(QuizPage.objects.live().specific())
    attempt = None
    for quiz in quizzes:
        try:
            attempt = course_services.start_attempt(user=trainee, quiz=quiz)
        except CoursesError:  # not open to the trainee: try the next one
            attempt = None
        if attempt is not None:
            break

    organisation = Organisation.objects.filter(
        memberships__user=users["org_admin"], memberships__role="org_admin"
    ).first()
    employer = Organisation.objects.filter(memberships__user=users["verifier"]).first()
    invitation = course_services_invitation(organisation, users["org_admin"])
    certificate = Certificate.objects.filter(trainee=graduate).first()
    from lms.privacy.services import data_rights
    from tests.factories import UserFactory

    erasure = data_rights.request_erasure(user=UserFactory(legal_name="Leaving Person"))
    return SimpleNamespace(
        users=users,
        placement=placement,
        editable_entry=editable,
        approved_entry=approved,
        entry_ids=list(PracticumEntry.objects.values_list("pk", flat=True)),
        placement_ids=list(Placement.objects.values_list("pk", flat=True)),
        signoff=pending_signoff,
        signoff_ids=list(SignOffRequest.objects.values_list("pk", flat=True)),
        competency_ids=list(Competency.objects.values_list("pk", flat=True)),
        reflection_lesson=reflection_lesson,
        reflection_block=reflection_block,
        note_lesson=note_lesson,
        note_block=note_block,
        reflection_ids=list(Reflection.objects.values_list("pk", flat=True)),
        attempt=attempt,
        organisation=organisation,
        employer=employer,
        organisation_ids=list(Organisation.objects.values_list("pk", flat=True)),
        invitation=invitation,
        invitation_model=Invitation,
        certificate=certificate,
        erasure=erasure,
        ce_ids=list(ContinuingEducation.objects.values_list("pk", flat=True)),
    )


def course_services_invitation(organisation, inviter):
    from lms.accounts import services

    return services.create_invitation(
        organisation=organisation,
        email="invited-fuzz@peerpath.example",
        role="trainee",
        invited_by=inviter,
    )


@pytest.fixture(scope="package")
def fuzz_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(fuzz_world, db, settings):
    settings.PEERPATH_VERIFY_RATE_LIMIT = 10**9
    settings.AXES_ENABLED = False
    return fuzz_world
