"""The course tree (modules, lessons, quizzes) is cached for every learner, yet a learner
never sees it stale: adding, renaming, unpublishing or moving a page shows at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services
from tests.factories import LessonPageFactory, build_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(client, trainee, catalogue):
    course, lessons = build_course(title="Cached course")
    services.enrol_learner(user=trainee, course=course)
    client.force_login(trainee)
    assert client.get(course.url).status_code == 200  # the tree is now cached
    return course, lessons


def test_a_newly_published_lesson_shows_in_the_outline(client, enrolled):
    course, lessons = enrolled
    LessonPageFactory(parent=lessons[0].get_parent(), title="Freshly added lesson")
    assert "Freshly added lesson" in client.get(course.url).content.decode()


def test_a_renamed_lesson_shows_its_new_title(client, enrolled):
    course, lessons = enrolled
    lesson = lessons[1]
    lesson.title = "Renamed in a new revision"
    lesson.save_revision().publish()
    page = client.get(course.url).content.decode()
    assert "Renamed in a new revision" in page
    assert "Cached course lesson 1.2" not in page


def test_an_unpublished_lesson_leaves_the_outline(client, enrolled):
    course, lessons = enrolled
    lessons[2].unpublish()
    assert "Cached course lesson 1.3" not in client.get(course.url).content.decode()


def test_a_lesson_moved_to_another_module_is_listed_there(client, enrolled):
    course, lessons = enrolled
    second_module = lessons[3].get_parent()
    lessons[0].move(second_module, pos="last-child")
    response = client.get(second_module.url)
    assert "Cached course lesson 1.1" in response.content.decode()


def test_a_warm_lesson_page_skips_the_tree_queries(client, enrolled):
    """At least three queries fewer (the tree) once cached than on the first view after a
    change."""
    course, lessons = enrolled
    url = lessons[4].url
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    warm = count()
    LessonPageFactory(parent=lessons[0].get_parent(), title="Invalidates the tree")
    cold = count()
    assert cold - warm >= 3, (cold, warm)
