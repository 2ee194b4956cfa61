"""Errors raised by course services, each with a message fit to show the learner."""

from django.utils.translation import gettext_lazy as _


class CoursesError(Exception):
    message = _("That could not be done.")

    def __init__(self, message=None):
        self.message = message or self.message
        super().__init__(self.message)


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


class ReflectionError(CoursesError):
    pass
