"""Who may schedule, see, take the register of and join live sessions. Every view, the
calendar feed, the reminder task and the hours source ask here.

A session belongs to a training provider. Its trainers are those of its cohort (or, for a
session open to a course's learners, those who teach a cohort of that course for the same
provider), in a provider they still teach for: `courses.permissions` decides that, so a
trainer of one provider never reaches another provider's sessions or learners. Its learners
are the cohort's learners, or (open sessions) the provider's trainees enrolled on the
course."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from courses import permissions as course_permissions
from courses.models import Cohort, Enrolment
from lms.accounts.models import Membership

from .models import LiveSession


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def cohorts_for_scheduling(user):
    """Cohorts the user may schedule sessions for: those they teach, in a provider they
    still teach for."""
    return course_permissions.cohorts_visible_to(user)


def may_schedule(user) -> bool:
    return cohorts_for_scheduling(user).exists()


def sessions_managed_by(user):
    """Sessions the user may see the register of, sign and correct."""
    if not _active(user):
        return LiveSession.objects.none()
    if user.is_superuser:
        return LiveSession.objects.all()
    cohorts = cohorts_for_scheduling(user)
    teaches_course = cohorts.filter(
        course=OuterRef("course"), organisation=OuterRef("organisation")
    )
    return LiveSession.objects.filter(
        Q(cohort__in=cohorts.values("pk")) | Q(cohort__isnull=True) & Exists(teaches_course)
    )


def managed_session(user, session_id):
    """The session, if the user manages it; otherwise 404 (nobody learns it exists)."""
    session = sessions_managed_by(user).filter(pk=session_id).first()
    if session is None:
        raise Http404
    return session


def sessions_for_learner(user):
    """Sessions the user is a learner of: their cohorts' sessions, and open sessions of a
    course they are actively enrolled on, run by a provider they are a trainee of."""
    if not _active(user):
        return LiveSession.objects.none()
    enrolled = Enrolment.objects.active().filter(user=user, course=OuterRef("course"))
    trainee_of = Membership.objects.filter(
        user=user, role=Membership.Role.TRAINEE, organisation=OuterRef("organisation")
    )
    # The user's cohorts as a subquery, not a join through every cohort's learners: the join
    # made PostgreSQL's estimate grow with the cohorts' size until it compiled the query with
    # JIT (about 100 ms for a query that takes under 1 ms).
    cohorts = Cohort.learners.through.objects.filter(user=user).values("cohort_id")
    return LiveSession.objects.filter(
        Q(cohort__in=cohorts) | Q(cohort__isnull=True) & Exists(enrolled) & Exists(trainee_of)
    )


def learner_session(user, session_id):
    """The session, if the user is one of its learners; otherwise 404."""
    session = sessions_for_learner(user).filter(pk=session_id).first()
    if session is None:
        raise Http404
    return session


def learners_of(session):
    """The people attendance may be taken for at this session (not counting make-ups)."""
    people = get_user_model().objects.filter(is_active=True)
    if session.cohort_id:
        return people.filter(cohorts=session.cohort_id)
    return people.filter(
        enrolments__course=session.course_id,
        enrolments__withdrawn_at__isnull=True,
        memberships__organisation=session.organisation_id,
        memberships__role=Membership.Role.TRAINEE,
    ).distinct()


def makeup_learners(session):
    """People who may attend this session as a make-up: learners of a session of the same
    provider that delivers the same course and module (whether or not they missed it; the
    service checks that)."""
    cohorts = Cohort.objects.filter(organisation=session.organisation_id, course=session.course_id)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(cohorts__in=cohorts)
            | Q(
                enrolments__course=session.course_id,
                enrolments__withdrawn_at__isnull=True,
                memberships__organisation=session.organisation_id,
                memberships__role=Membership.Role.TRAINEE,
            )
        )
        .distinct()
    )


def may_see_meeting_link(user, session) -> bool:
    """Only the session's learners and trainers see where to join online."""
    return (
        sessions_for_learner(user).filter(pk=session.pk).exists()
        or sessions_managed_by(user).filter(pk=session.pk).exists()
    )
