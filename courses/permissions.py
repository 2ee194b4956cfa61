"""Who may do what with courses and cohorts. Views, exports and admin ask here."""

from lms.accounts import permissions as accounts_permissions
from lms.accounts.roles import TRAINERS

from .models import Cohort, Enrolment


def enrolment_for(*, user, course):
    """The learner's active enrolment on the course, or None (which means no access)."""
    if not user.is_authenticated or course is None:
        return None
    return Enrolment.objects.active().filter(user=user, course=course).first()


def is_trainer(user) -> bool:
    """Trainers (by Wagtail group or organisation role) and superusers."""
    return accounts_permissions.is_trainer(user)


def cohorts_visible_to(user):
    """Cohorts a user may see the progress of: their own as trainer; all for superusers."""
    if not user.is_authenticated or not user.is_active:
        return Cohort.objects.none()
    if user.is_superuser:
        return Cohort.objects.all()
    return Cohort.objects.taught_by(user)


def can_view_cohort(user, cohort) -> bool:
    return cohorts_visible_to(user).filter(pk=cohort.pk).exists()


def attempts_visible_to_marker(user):
    """Attempts a user may mark: those of learners in cohorts they teach (on the quiz's
    course); every attempt for superusers. Never their own."""
    from .models import Attempt

    if not user.is_authenticated or not user.is_active:
        return Attempt.objects.none()
    if user.is_superuser:
        return Attempt.objects.exclude(user=user)
    return _attempts_in_cohorts(Cohort.objects.taught_by(user)).exclude(user=user)


def _attempts_in_cohorts(cohorts):
    from django.db.models import Q

    from .models import Attempt

    condition = Q()
    for cohort in cohorts.select_related("course"):
        condition |= Q(user__cohorts=cohort, quiz__path__startswith=cohort.course.path)
    if not condition:
        return Attempt.objects.none()
    return Attempt.objects.filter(condition).distinct()


def responses_to_mark(user):
    """Written answers in attempts the user may mark."""
    from .models import Response

    return Response.objects.filter(needs_marking=True, attempt__in=attempts_visible_to_marker(user))


def attempts_to_release(user):
    """Marked attempts waiting for their result to be released."""
    from .models import Attempt

    return attempts_visible_to_marker(user).filter(
        status=Attempt.Status.GRADED, released_at__isnull=True
    )


def can_view_quiz_statistics(user, quiz) -> bool:
    """Item statistics show the keyed answers, so only superusers, the Trainers group, and
    trainers of a cohort on the quiz's course may see them."""
    from .models import CoursePage

    if not user.is_authenticated or not user.is_active:
        return False
    if accounts_permissions.has_staff_role(user, TRAINERS):
        return True
    return (
        Cohort.objects.taught_by(user)
        .filter(course__in=CoursePage.objects.ancestor_of(quiz).values("pk"))
        .exists()
    )
