"""Course page and learning factories."""

import factory
from django.utils import timezone

from courses.models import Cohort, CourseIndexPage, CoursePage, Enrolment, LessonPage, ModulePage
from lms.accounts.models import Membership, Organisation

from .accounts import OrganisationFactory, UserFactory
from .cms import WagtailPageFactory


class CourseIndexPageFactory(WagtailPageFactory):
    class Meta:
        model = CourseIndexPage

    title = "Courses"
    slug = "courses"


class CoursePageFactory(WagtailPageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Course {n}")
    summary = "A course for peer workers."

    @classmethod
    def default_parent(cls):
        return CourseIndexPage.objects.first() or CourseIndexPageFactory()


class ModulePageFactory(WagtailPageFactory):
    class Meta:
        model = ModulePage

    title = factory.Sequence(lambda n: f"Module {n}")

    @classmethod
    def default_parent(cls):
        return CoursePageFactory()


def default_body():
    return [
        ("paragraph", "<p>Peer work starts with listening.</p>"),
        ("content_note", {"topics": ["relapse"], "text": "The next part mentions relapse."}),
        ("paragraph", "<p>Relapse can be part of recovery.</p>"),
        ("reflection", {"prompt": "What helps you after a hard day?", "guidance": ""}),
    ]


class LessonPageFactory(WagtailPageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"Lesson {n}")
    estimated_minutes = 15
    body = factory.LazyFunction(default_body)

    @classmethod
    def default_parent(cls):
        return ModulePageFactory()


class CohortFactory(factory.django.DjangoModelFactory):
    """A cohort of a training provider, whose trainer teaches for that provider (a trainer
    acts only on the cohorts of the organisations they teach for)."""

    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Cohort {n}")
    course = factory.SubFactory(CoursePageFactory)
    trainer = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.TRAINING_PROVIDER)
    start_date = factory.LazyFunction(lambda: timezone.localdate())
    end_date = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=60))

    @factory.post_generation
    def trainer_membership(cohort, create, extracted, **kwargs):
        if create and cohort.organisation_id:
            Membership.objects.get_or_create(
                user=cohort.trainer,
                organisation=cohort.organisation,
                role=Membership.Role.TRAINER,
            )


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CoursePageFactory)


def build_course(*, modules=2, lessons_per_module=3, parent=None, **course_fields):
    """A published course with modules and lessons; returns (course, [lessons in order])."""
    course = (
        CoursePageFactory(parent=parent, **course_fields)
        if parent
        else CoursePageFactory(**course_fields)
    )
    lessons = []
    for m in range(modules):
        module = ModulePageFactory(parent=course, title=f"{course.title} module {m + 1}")
        for n in range(lessons_per_module):
            lessons.append(
                LessonPageFactory(parent=module, title=f"{course.title} lesson {m + 1}.{n + 1}")
            )
    return course, lessons
