"""The courses app's part of a person's data (see lms/privacy/registry.py): enrolments,
lesson progress, quiz attempts and reflections. Erasure deletes reflections and content-note
choices and empties free-text answers; an enrolment keeps an account in use."""

from lms.privacy import registry
from lms.privacy.services.data_rights import iso

from .models import (
    Attempt,
    ChoiceWithJustificationQuestion,
    ContentNoteChoice,
    Enrolment,
    LessonProgress,
    Question,
    Reflection,
    Response,
    WrittenResponseQuestion,
)


def export(user) -> registry.Export:
    return registry.Export(
        sections={
            "enrolments": [
                {
                    "course": e.course.title,
                    "enrolled_at": iso(e.enrolled_at),
                    "completed_at": iso(e.completed_at),
                    "withdrawn_at": iso(e.withdrawn_at),
                    # The approved contact hours the completion carries (none: not approved).
                    "contact_hours": str(e.contact_hours_version.total)
                    if e.contact_hours_version
                    else None,
                }
                for e in Enrolment.objects.filter(user=user).select_related(
                    "course", "contact_hours_version"
                )
            ],
            "lessons": [
                {
                    "lesson": p.lesson.title,
                    "started_at": iso(p.started_at),
                    "completed_at": iso(p.completed_at),
                }
                for p in LessonProgress.objects.filter(user=user).select_related("lesson")
            ],
            "quiz_attempts": [
                {
                    "quiz": a.quiz.title,
                    "number": a.number,
                    "status": a.get_status_display(),
                    "started_at": iso(a.started_at),
                    "submitted_at": iso(a.submitted_at),
                    "percent": str(a.percent) if a.percent is not None else None,
                    "passed": a.passed,
                    "answers": [
                        {"question": r.position, "answer": r.answer, "score": r.auto_score}
                        for r in a.responses.all()
                    ],
                }
                for a in Attempt.objects.filter(user=user)
                .select_related("quiz")
                .prefetch_related("responses")
            ],
            "reflections": [
                {
                    "lesson": r.lesson.title,
                    "prompt": r.prompt,
                    "text": r.text,
                    "updated_at": iso(r.updated_at),
                }
                for r in Reflection.objects.filter(user=user).select_related("lesson")
            ],
        }
    )


def erase(person) -> dict[str, int]:
    return {
        "reflections": Reflection.objects.filter(user=person).delete()[0],
        "content_note_choices": ContentNoteChoice.objects.filter(user=person).delete()[0],
        "free_text_answers": Response.objects.filter(
            attempt__user=person,
            question__in=Question.objects.instance_of(
                WrittenResponseQuestion, ChoiceWithJustificationQuestion
            ),
        ).update(answer=None),
    }


registry.register("courses", export=export, erase=erase, keeps_account=("enrolments",))
