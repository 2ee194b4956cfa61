"""Who may do what with courses and cohorts. Views, exports and admin ask here.

Cohorts belong to a training provider (`Cohort.organisation`). A trainer acts only on the
cohorts, learners, quizzes, marking and accommodations of the organisations they teach for
(their trainer memberships); registrars and superusers act on every organisation. Who teaches
a cohort is set by an organisation admin, a registrar or a superuser, never by a trainer for
themself. Each question below is one function, asked by the teaching pages, the marking queue,
release, statistics, the cohort CSV and the admin (`OrganisationScopedPolicy`)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies import ModelPermissionPolicy

from cms.routing import kept_page_at
from lms.accounts import permissions as accounts_permissions
from lms.accounts.models import Membership, Organisation
from lms.accounts.roles import TRAINERS

from .models import Accommodation, Cohort, CoursePage, Enrolment


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def enrolment_for(*, user, course):
    """The learner's active enrolment on the course, or None (which means no access)."""
    if not user.is_authenticated or course is None:
        return None
    return Enrolment.objects.active().filter(user=user, course=course).first()


def enrolment_at(*, user, course_path: str):
    """The learner's active enrolment on the course whose page is at `course_path` (a tree
    path), with the course, in one query (the course page is kept in each process while no
    page changes: `cms.routing.kept_page_at`); None means no access, as for `enrolment_for`."""
    if not user.is_authenticated:
        return None
    course = kept_page_at(CoursePage, course_path)
    if course is None:
        return None
    enrolment = Enrolment.objects.active().filter(user=user, course_id=course.pk).first()
    if enrolment is not None:
        enrolment.course = course
    return enrolment


def is_trainer(user) -> bool:
    """Trainers (by Wagtail group or organisation role) and superusers."""
    return accounts_permissions.is_trainer(user)


def manages_every_organisation(user) -> bool:
    """Registrars and superusers: platform staff, not bound to one organisation."""
    return accounts_permissions.is_registrar(user)


def teaching_organisations(user):
    """The training providers the user teaches for (trainer memberships)."""
    if not _active(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind=Organisation.Kind.TRAINING_PROVIDER,
        memberships__user=user,
        memberships__role=Membership.Role.TRAINER,
    ).distinct()


def organisations_for_cohorts(user):
    """The training providers whose cohorts the user may manage in the admin: every one for
    registrars and superusers; those they teach for or administer otherwise."""
    providers = Organisation.objects.of_kind(Organisation.Kind.TRAINING_PROVIDER)
    if manages_every_organisation(user):
        return providers
    if not _active(user):
        return providers.none()
    return providers.filter(
        memberships__user=user,
        memberships__role__in=(Membership.Role.TRAINER, Membership.Role.ORG_ADMIN),
    ).distinct()


def organisations_assigning_trainers(user):
    """Training providers in which the user may choose who teaches a cohort: organisation
    admins for their own, registrars and superusers for all. Never a plain trainer."""
    providers = Organisation.objects.of_kind(Organisation.Kind.TRAINING_PROVIDER)
    if manages_every_organisation(user):
        return providers
    if not _active(user):
        return providers.none()
    return providers.filter(pk__in=Organisation.objects.administered_by(user).values("pk"))


def cohorts_managed_by(user):
    """Cohorts the user may list, open and (with the model permission) change in the admin."""
    if manages_every_organisation(user):
        return Cohort.objects.all()
    return Cohort.objects.filter(organisation__in=organisations_for_cohorts(user))


def cohorts_visible_to(user):
    """Cohorts a user may see the progress, marking and CSV of: those they teach, in an
    organisation they still teach for; all for superusers."""
    if not _active(user):
        return Cohort.objects.none()
    if user.is_superuser:
        return Cohort.objects.all()
    return Cohort.objects.taught_by(user).filter(organisation__in=teaching_organisations(user))


def trainers_assignable_by(user, organisation=None):
    """People the user may make the trainer of a cohort: trainer members of the training
    providers in which the user assigns trainers (of `organisation` only, when given), and
    never the user themself unless a superuser."""
    organisations = organisations_assigning_trainers(user)
    if organisation is not None:
        organisations = organisations.filter(pk=organisation.pk)
    people = get_user_model().objects.filter(
        is_active=True,
        memberships__role=Membership.Role.TRAINER,
        memberships__organisation__in=organisations,
    )
    if not user.is_superuser:
        people = people.exclude(pk=user.pk)
    return people.distinct()


def learners_addable_by(user, organisation=None):
    """Accounts the user may add to a cohort as learners: trainees of the organisations whose
    cohorts they manage (of `organisation` only, when given). Never anyone else, so a cohort's
    CSV can never hold an account from outside its organisation."""
    organisations = organisations_for_cohorts(user)
    if organisation is not None:
        organisations = organisations.filter(pk=organisation.pk)
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__role=Membership.Role.TRAINEE,
            memberships__organisation__in=organisations,
        )
        .distinct()
    )


def _in_cohorts(queryset, cohorts):
    """Rows of `queryset` (with `user` and `quiz`) of a learner of one of `cohorts`, on a quiz
    of that cohort's course."""
    condition = Q()
    for cohort in cohorts.select_related("course"):
        condition |= Q(user__cohorts=cohort, quiz__path__startswith=cohort.course.path)
    if not condition:
        return queryset.none()
    return queryset.filter(condition).distinct()


def _outside_cohorts(course) -> Q:
    """Attempts on a quiz of `course` by a learner in none of its cohorts."""
    return Q(quiz__path__startswith=course.path) & ~Q(user__cohorts__course=course)


def _unclaimed(course) -> Q:
    """Attempts on `course` that no course trainer sees: the learner is in none of its
    cohorts, nor a member of an organisation that runs a cohort of it."""
    running = Cohort.objects.filter(course=course).values("organisation")
    return _outside_cohorts(course) & ~Q(user__memberships__organisation__in=running)


def is_default_marker(user) -> bool:
    """Members of the default marking group: settings.COURSES_DEFAULT_MARKING_GROUP, else the
    Trainers group. They mark what no course trainer sees."""
    name = getattr(settings, "COURSES_DEFAULT_MARKING_GROUP", TRAINERS)
    return bool(name) and _active(user) and user.groups.filter(name=name).exists()


def attempts_visible_to_marker(user):
    """Attempts a user may mark, never their own, so that every written answer reaches a
    marker: learners in cohorts they teach (on the quiz's course); learners in no cohort of
    a course they teach, from an organisation they teach it for (the course's trainers);
    learners no course trainer sees: for the trainers of the learner's training provider, or,
    for learners of no provider, the default marking group; every attempt for superusers."""
    from .models import Attempt, CoursePage

    if not _active(user):
        return Attempt.objects.none()
    if user.is_superuser:
        return Attempt.objects.exclude(user=user)
    cohorts = cohorts_visible_to(user).select_related("course")
    condition = Q(pk__in=_in_cohorts(Attempt.objects.all(), cohorts).values("pk"))
    for cohort in cohorts:
        condition |= _outside_cohorts(cohort.course) & Q(
            user__memberships__organisation=cohort.organisation_id
        )
    # Answers no course trainer sees stay within their training provider: its own trainers
    # mark them. Only learners of no provider (open registration) go to the default group,
    # so no trainer ever reads another provider's learner.
    providers = teaching_organisations(user)
    default_marker = is_default_marker(user)
    of_no_provider = ~Q(user__memberships__organisation__kind=Organisation.Kind.TRAINING_PROVIDER)
    for course in CoursePage.objects.all().only("path"):
        unclaimed = _unclaimed(course)
        condition |= unclaimed & Q(user__memberships__organisation__in=providers)
        if default_marker:
            condition |= unclaimed & of_no_provider
    return Attempt.objects.filter(condition).exclude(user=user).distinct()


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


def learners_of(user):
    """The learners the user acts for outside one cohort (accommodations): trainees of the
    organisations whose cohorts they manage, and the learners of those cohorts; everyone for
    registrars and superusers."""
    people = get_user_model().objects.all()
    if manages_every_organisation(user):
        return people
    if not _active(user):
        return people.none()
    return people.filter(
        Q(
            memberships__role=Membership.Role.TRAINEE,
            memberships__organisation__in=organisations_for_cohorts(user),
        )
        | Q(cohorts__in=cohorts_managed_by(user))
    ).distinct()


def accommodations_managed_by(user):
    """Accommodations the user may list and change: those of the learners they act for."""
    if manages_every_organisation(user):
        return Accommodation.objects.all()
    return Accommodation.objects.filter(user__in=learners_of(user).values("pk"))


def can_accommodate(user, *, learner) -> bool:
    """Whether the user may give `learner` extra time or attempts (on any quiz: the
    curriculum is shared; the learner is what an organisation owns)."""
    return learners_of(user).filter(pk=learner.pk).exists()


def can_view_quiz_statistics(user, quiz) -> bool:
    """Item statistics show the keyed answers and figures over every attempt (no learner is
    named), so: superusers, the Trainers group (who author the shared question bank), and
    trainers of a cohort on the quiz's course in an organisation they still teach for."""
    from .models import CoursePage

    if not _active(user):
        return False
    if accounts_permissions.has_staff_role(user, TRAINERS):
        return True
    return (
        cohorts_visible_to(user)
        .filter(course__in=CoursePage.objects.ancestor_of(quiz).values("pk"))
        .exists()
    )


class OrganisationScopedPolicy(ModelPermissionPolicy):
    """Wagtail's model permissions (the groups in roles.py), narrowed to the objects of the
    organisations the user may act for: `scope(user)` is the queryset of those. Every admin
    view, listing and chooser of the model asks this policy, so a trainer of one provider
    never sees or reaches another provider's rows."""

    def __init__(self, model, *, scope):
        super().__init__(model)
        self.scope = scope

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return self.scope(user)

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return (
            self.instances_user_has_any_permission_for(user, actions)
            .filter(pk=instance.pk)
            .exists()
        )


cohort_policy = OrganisationScopedPolicy(Cohort, scope=cohorts_managed_by)
accommodation_policy = OrganisationScopedPolicy(Accommodation, scope=accommodations_managed_by)


def can_propose_contact_hours(user) -> bool:
    """Trainers (and registrars) propose a course's or module's contact hours."""
    return _active(user) and (is_trainer(user) or manages_every_organisation(user))


def can_approve_contact_hours(user) -> bool:
    """Only registrars (and superusers) approve or return contact hours: a trainer alone
    never sets the hours a board counts."""
    return _active(user) and manages_every_organisation(user)
