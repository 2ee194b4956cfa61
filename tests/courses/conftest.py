import pytest

from tests.factories import CourseIndexPageFactory, EnrolmentFactory, build_course


@pytest.fixture
def catalogue(site):
    return CourseIndexPageFactory(parent=site)


@pytest.fixture
def course_and_lessons(catalogue):
    """A published course of two modules with three lessons each."""
    return build_course(title="Boundaries basics")


@pytest.fixture
def course(course_and_lessons):
    return course_and_lessons[0]


@pytest.fixture
def lessons(course_and_lessons):
    return course_and_lessons[1]


@pytest.fixture
def enrolled(trainee, course):
    """The trainee, enrolled on the course."""
    EnrolmentFactory(user=trainee, course=course)
    return trainee
