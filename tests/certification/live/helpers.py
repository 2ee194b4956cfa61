"""A provider, its trainer and a cohort of learners on a course with two modules, and
sessions scheduled through the service."""

from datetime import datetime, time, timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from certification.live.services import scheduling
from courses import services as course_services
from courses.models import Cohort, ModulePage
from lms.accounts.models import Membership
from tests.factories import MembershipFactory, UserFactory, build_course

DOMAIN = "icrc-pr/ethics"


def icrc_domains():
    """IC&RC Peer Recovery's four domains, as frameworks.yaml has them (only these: loading
    every framework is slow)."""
    from certification.standards.models import Domain, Framework

    framework = Framework.objects.get_or_create(
        slug="icrc-pr", defaults={"title": "IC&RC Peer Recovery performance domains"}
    )[0]
    for order, code in enumerate(("advocacy", "mentoring", "recovery", "ethics")):
        Domain.objects.get_or_create(
            framework=framework, code=code, defaults={"title": code.title(), "sort_order": order}
        )


def trainer_of(organisation, name="Priya Natarajan"):
    user = UserFactory(legal_name=name, is_staff=True)
    user.groups.add(Group.objects.get(name="Trainers"))
    MembershipFactory(user=user, organisation=organisation, role=Membership.Role.TRAINER)
    return user


def learner_of(organisation, cohort, name):
    user = UserFactory(legal_name=name)
    MembershipFactory(user=user, organisation=organisation, role=Membership.Role.TRAINEE)
    cohort.learners.add(user)
    course_services.enrol_learner(user=user, course=cohort.course)
    return user


def cohort_with(organisation, trainer, *, learners=3, course=None, name="Spring cohort"):
    if course is None:
        course, _lessons = build_course(title=f"Ethics in peer work, {name}", lessons_per_module=1)
    cohort = Cohort.objects.create(
        name=name,
        course=course,
        trainer=trainer,
        organisation=organisation,
        start_date=timezone.localdate() - timedelta(days=30),
        end_date=timezone.localdate() + timedelta(days=60),
    )
    for n in range(learners):
        learner_of(organisation, cohort, f"Learner {name} {n:02d}")
    return cohort


def first_module(course):
    return ModulePage.objects.child_of(course).order_by("path").first()


def when(days=0, hour=10):
    """A local date and time `days` from today (negative: in the past)."""
    return timezone.localdate() + timedelta(days=days), time(hour, 0)


def schedule(trainer, cohort, *, days=1, hour=10, minutes=120, module=None, **extra):
    date, start = when(days, hour)
    fields = {
        "title": "Boundaries in practice",
        "cohort_id": cohort.pk if cohort else None,
        "course_id": cohort.course_id,
        "module_id": module.pk if module else None,
        "date": date,
        "start_time": start,
        "minutes": minutes,
        "mode": "in_person",
        "place": "Room 2, Northside Recovery College",
        "hours_by_domain": {DOMAIN: "2"},
        "required": False,
        "capacity": None,
    }
    fields.update(extra)
    return scheduling.schedule_session(trainer=trainer, **fields)


def started_ago(session, minutes):
    """Move a session so that it started `minutes` ago (tests of the register and check-in
    need a session under way; the service refuses to schedule in the past only never)."""
    session.starts_at = timezone.now() - timedelta(minutes=minutes)
    session.save()
    return session


def at(date, hour):
    return timezone.make_aware(datetime.combine(date, time(hour, 0)))
