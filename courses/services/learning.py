"""Writes for learning: enrolment, progress, completion, content-note choices, reflections.
Keyword-only, atomic; the enrolment row serialises a learner's writes to one course."""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms import hours

from .. import outline
from ..exceptions import (
    CohortOnlyError,
    CourseClosedError,
    LessonError,
    NotEnrolledError,
    PrerequisitesMissingError,
)
from ..models import (
    Cohort,
    ContentNoteChoice,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    Reflection,
)
from ..signals import course_completed
from . import contact_hours

REFLECTION_MAX_CHARS = 20_000

__all__ = [
    "REFLECTION_MAX_CHARS",
    "CohortEnrolmentResult",
    "CompletionResult",
    "choose_at_content_note",
    "complete_lesson",
    "complete_if_met",
    "course_requirements_met",
    "delete_reflection",
    "enrol_cohort",
    "enrol_learner",
    "lock_enrolment",
    "lock_enrolment_above",
    "missing_prerequisites",
    "record_visit",
    "refresh_course_completion",
    "save_position",
    "save_reflection",
]


def missing_prerequisites(*, user, course: CoursePage) -> list[CoursePage]:
    """Prerequisite courses the learner has not completed."""
    # Read the published prerequisites from the database, not the in-memory page.
    required = list(CoursePage.objects.live().filter(required_by=course).order_by("path"))
    if not required:
        return []
    completed = set(
        Enrolment.objects.filter(
            user=user, course__in=required, completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )
    return [c for c in required if c.pk not in completed]


def enrol_learner(
    *, user, course: CoursePage, cohort: Cohort | None = None
) -> tuple[Enrolment, bool]:
    """Enrol a learner once. Returns (enrolment, created). Self-enrolment needs an open
    course; a cohort enrolment needs a course that is not closed. Prerequisites always apply."""
    if course.enrolment_mode == CoursePage.EnrolmentMode.CLOSED:
        raise CourseClosedError()
    if cohort is None and course.enrolment_mode == CoursePage.EnrolmentMode.COHORT:
        existing = Enrolment.objects.filter(user=user, course=course).first()
        if existing:
            return existing, False
        raise CohortOnlyError()
    missing = missing_prerequisites(user=user, course=course)
    if missing:
        raise PrerequisitesMissingError(missing)
    try:
        with transaction.atomic():
            enrolment, created = Enrolment.objects.get_or_create(
                user=user, course=course, defaults={"cohort": cohort}
            )
    except IntegrityError:
        # Two requests raced past get_or_create's read; the unique constraint kept one row.
        return Enrolment.objects.get(user=user, course=course), False
    if not created and enrolment.withdrawn_at:
        enrolment.withdrawn_at = None
        enrolment.save(update_fields=["withdrawn_at"])
    return enrolment, created


@dataclass
class CohortEnrolmentResult:
    enrolled: list = field(default_factory=list)
    already: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (user, message)


def enrol_cohort(*, cohort: Cohort) -> CohortEnrolmentResult:
    """Enrol every learner of a cohort on its course in one step, reporting who could not be
    enrolled and why (for example, a missing prerequisite)."""
    from ..exceptions import EnrolmentError

    result = CohortEnrolmentResult()
    for learner in cohort.learners.order_by("legal_name"):
        try:
            enrolment, created = enrol_learner(user=learner, course=cohort.course, cohort=cohort)
        except EnrolmentError as error:
            result.refused.append((learner, error.message))
            continue
        if not created and enrolment.cohort_id is None:
            enrolment.cohort = cohort
            enrolment.save(update_fields=["cohort"])
        (result.enrolled if created else result.already).append(learner)
    return result


def lock_enrolment(*, user, course: CoursePage) -> Enrolment | None:
    """The learner's active enrolment, locked for the rest of the transaction. Every write a
    learner makes to one course (progress, completion, quiz attempts) takes this lock first,
    so two requests for the same learner and course take turns."""
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .active()
        .filter(user=user, course=course)
        .first()
    )


def lock_enrolment_above(*, user, page) -> Enrolment | None:
    """`lock_enrolment` for the course that `page` (a module, lesson or quiz) is part of,
    found by the page's ancestors' paths in the same query: one query, with the course."""
    step = page.steplen
    ancestors = [page.path[:end] for end in range(step, len(page.path), step)]
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("course")
        .active()
        .filter(user=user, course__path__in=ancestors)
        .first()
    )


def _locked_enrolment(*, user, lesson: LessonPage) -> Enrolment:
    enrolment = lock_enrolment_above(user=user, page=lesson)
    if enrolment is None:
        raise NotEnrolledError()
    return enrolment


def record_visit(*, user, lesson: LessonPage, enrolment: Enrolment, progress) -> None:
    """Remember that the learner opened this lesson, for "continue where you left off".
    Writes only what changed; each write is a single statement, so no transaction."""
    now = timezone.now()
    if enrolment.last_lesson_id != lesson.pk:
        Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=lesson, last_activity_at=now)
        enrolment.last_lesson_id = lesson.pk
    if progress is None:
        LessonProgress.objects.bulk_create(
            [LessonProgress(user=user, lesson=lesson)], ignore_conflicts=True
        )
        outline.learner_progress_changed(user.pk)  # bulk_create sends no post_save


@transaction.atomic
def save_position(*, user, lesson: LessonPage, position: str) -> LessonProgress:
    """Remember the block the learner reached in a lesson."""
    enrolment = _locked_enrolment(user=user, lesson=lesson)
    progress, _created = LessonProgress.objects.get_or_create(user=user, lesson=lesson)
    if progress.position != position:
        progress.position = position[:64]
        progress.save(update_fields=["position", "updated_at"])
    Enrolment.objects.filter(pk=enrolment.pk).update(
        last_lesson=lesson, last_activity_at=timezone.now()
    )
    return progress


@dataclass
class CompletionResult:
    progress: LessonProgress
    lesson_newly_completed: bool
    course_newly_completed: bool
    enrolment: Enrolment


@transaction.atomic
def complete_lesson(*, user, lesson: LessonPage) -> CompletionResult:
    """Mark a lesson done, once. When it is the last one, complete the course, once, with
    its time. The enrolment row lock makes two simultaneous requests take turns."""
    enrolment = _locked_enrolment(user=user, lesson=lesson)
    progress, _created = LessonProgress.objects.get_or_create(user=user, lesson=lesson)
    newly = progress.completed_at is None
    now = timezone.now()
    if newly:
        progress.completed_at = now
        progress.save(update_fields=["completed_at", "updated_at"])
    course_newly = False
    if enrolment.completed_at is None and course_requirements_met(
        user=user, course=enrolment.course
    ):
        _mark_complete(enrolment, now)
        course_newly = True
    enrolment.last_lesson = lesson
    enrolment.last_activity_at = now
    enrolment.save(
        update_fields=["completed_at", "contact_hours_version", "last_lesson", "last_activity_at"]
    )
    if course_newly:
        course_completed.send(sender=Enrolment, user=user, course=enrolment.course)
    return CompletionResult(progress, newly, course_newly, enrolment)


def _mark_complete(enrolment: Enrolment, now) -> None:
    """Completion keeps the course's approved contact hours as they are now (its version):
    later changes to the hours make a new version and leave this one alone."""
    enrolment.completed_at = now
    enrolment.contact_hours_version = contact_hours.current_version(enrolment.course_id)


def course_requirements_met(*, user, course: CoursePage) -> bool:
    """Every live lesson of the course is complete, every required quiz passed (a result
    counts once it is released to the learner), and nothing an app above registered with
    `lms.hours` (required live sessions) is missing. The course's pages come from the cached
    tree (courses.outline)."""
    from ..models import Attempt

    lesson_ids = {lesson.pk for lesson in outline.live_lessons(course)}
    if not lesson_ids:
        return False
    done = set(
        LessonProgress.objects.filter(
            user=user, lesson_id__in=lesson_ids, completed_at__isnull=False
        ).values_list("lesson_id", flat=True)
    )
    if not lesson_ids <= done:
        return False
    quiz_ids = {quiz.pk for quiz in outline.required_quizzes(course)}
    passed = set(
        Attempt.objects.filter(
            user=user, quiz_id__in=quiz_ids, passed=True, released_at__isnull=False
        ).values_list("quiz_id", flat=True)
    )
    if not quiz_ids <= passed:
        return False
    return not hours.completion_blockers(user.pk, course.pk)


@transaction.atomic
def refresh_course_completion(*, user, course: CoursePage) -> bool:
    """Record the course as completed, once, if its requirements are now met (for example
    after a quiz is passed). Returns whether it was newly completed."""
    enrolment = lock_enrolment(user=user, course=course)
    if enrolment is not None:
        enrolment.course = course
    return complete_if_met(user=user, enrolment=enrolment)


def complete_if_met(*, user, enrolment: Enrolment | None) -> bool:
    """`refresh_course_completion` for an enrolment already locked (with its course)."""
    if enrolment is None or enrolment.completed_at is not None:
        return False
    course = enrolment.course
    if not course_requirements_met(user=user, course=course):
        return False
    _mark_complete(enrolment, timezone.now())
    enrolment.save(update_fields=["completed_at", "contact_hours_version"])
    course_completed.send(sender=Enrolment, user=user, course=course)
    return True


def _block_ids(lesson: LessonPage, block_type: str) -> dict[str, object]:
    return {block.id: block for block in lesson.body if block.block_type == block_type}


@transaction.atomic
def choose_at_content_note(*, user, lesson: LessonPage, block_id: str, choice: str):
    """Record the learner's choice at a content note (and their place, at the note)."""
    if block_id not in _block_ids(lesson, "content_note"):
        raise LessonError(_("That content note is not part of this lesson."))
    if choice not in ContentNoteChoice.Choice.values:
        raise LessonError(_("Choose continue, skip for now, or take a break."))
    _locked_enrolment(user=user, lesson=lesson)
    ContentNoteChoice.objects.update_or_create(
        user=user, lesson=lesson, block_id=block_id, defaults={"choice": choice}
    )
    progress, _created = LessonProgress.objects.get_or_create(user=user, lesson=lesson)
    progress.position = block_id
    progress.save(update_fields=["position", "updated_at"])


@transaction.atomic
def save_reflection(*, user, lesson: LessonPage, block_id: str, text: str) -> Reflection | None:
    """Save the learner's private answer to a reflection prompt; an empty answer deletes it."""
    blocks = _block_ids(lesson, "reflection")
    if block_id not in blocks:
        raise LessonError(_("That reflection prompt is not part of this lesson."))
    text = text.strip()
    if len(text) > REFLECTION_MAX_CHARS:
        raise LessonError(
            _(
                "Your reflection is %(n)s characters long; the limit is %(max)s. Shorten it "
                "and save again: your text is still here."
            )
            % {"n": f"{len(text):,}", "max": f"{REFLECTION_MAX_CHARS:,}"}
        )
    _locked_enrolment(user=user, lesson=lesson)
    if not text:
        Reflection.objects.filter(user=user, lesson=lesson, block_id=block_id).delete()
        return None
    reflection, _created = Reflection.objects.update_or_create(
        user=user,
        lesson=lesson,
        block_id=block_id,
        defaults={"text": text, "prompt": blocks[block_id].value["prompt"]},
    )
    return reflection


def delete_reflection(*, user, reflection_id: int) -> bool:
    """Delete one of the learner's own reflections. Returns whether one was deleted."""
    deleted, _by_model = Reflection.objects.filter(user=user, pk=reflection_id).delete()
    return bool(deleted)
