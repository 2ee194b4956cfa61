"""Who may do what with courses and cohorts. Views, exports and admin ask here."""

from lms.accounts.models import Membership

from .models import Cohort, Enrolment


def enrolment_for(*, user, course):
    """The learner's active enrolment on the course, or None (which means no access)."""
    if not user.is_authenticated or course is None:
        return None
    return Enrolment.objects.active().filter(user=user, course=course).first()


def is_trainer(user) -> bool:
    """Trainers (by Wagtail group or organisation role) and superusers."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return (
        user.groups.filter(name="Trainers").exists()
        or user.memberships.filter(role=Membership.Role.TRAINER).exists()
    )


def cohorts_visible_to(user):
    """Cohorts a user may see the progress of: their own as trainer; all for superusers."""
    if not user.is_authenticated or not user.is_active:
        return Cohort.objects.none()
    if user.is_superuser:
        return Cohort.objects.all()
    return Cohort.objects.taught_by(user)


def can_view_cohort(user, cohort) -> bool:
    return cohorts_visible_to(user).filter(pk=cohort.pk).exists()
