"""Errors raised by course services, each with a message fit to show the learner."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lms.exceptions import ServiceError


class CoursesError(ServiceError):
    pass


class EnrolmentError(CoursesError):
    pass


class CourseClosedError(EnrolmentError):
    message = _("This course is not taking new enrolments.")


class CohortOnlyError(EnrolmentError):
    message = _(
        "Learners join this course with a cohort. Ask your trainer or training provider to "
        "add you to one."
    )


class PrerequisitesMissingError(EnrolmentError):
    def __init__(self, missing):
        self.missing = list(missing)
        titles = ", ".join(course.title for course in self.missing)
        super().__init__(_("Complete these courses first: %(titles)s.") % {"titles": titles})


class NotEnrolledError(CoursesError):
    message = _("Enrol in this course to read its lessons.")


class LessonError(CoursesError):
    """Something in a lesson request that does not fit the lesson (an unknown block, a
    choice that does not exist, an over-long reflection)."""


class AssessmentError(CoursesError):
    status = 400


class AttemptNotFoundError(AssessmentError):
    status = 404
    message = _("We could not find that attempt.")


class QuizClosedError(AssessmentError):
    status = 403
    message = _("This quiz has closed.")


class NoAttemptsLeftError(AssessmentError):
    status = 403
    message = _(
        "You have used all your attempts at this quiz. Talk to your trainer if you need another."
    )


class CooldownError(AssessmentError):
    status = 403

    def __init__(self, wait_minutes: int):
        self.wait_minutes = wait_minutes
        super().__init__(
            ngettext(
                "You can try again in %(n)d minute. Use the time to look back over the feedback.",
                "You can try again in %(n)d minutes. Use the time to look back over the feedback.",
                wait_minutes,
            )
            % {"n": wait_minutes}
        )


class AttemptFinishedError(AssessmentError):
    status = 409
    message = _("This attempt has already been submitted, so its answers cannot change.")


class AnswerLockedError(AssessmentError):
    status = 409
    message = _("You have already checked this answer, so it cannot change.")


class TimeUpError(AssessmentError):
    status = 409
    message = _("The time for this attempt has ended. Your saved answers have been kept.")


class MarkingError(AssessmentError):
    pass


class ContactHoursError(CoursesError):
    """A contact-hours proposal or decision that cannot be made (each problem at its field)."""
