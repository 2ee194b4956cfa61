"""Issue 19: the signed-in learner's pages (lesson, course, module, dashboard) cost at most six
SQL queries whatever the size of the course, and two cache round trips once warm: the session,
then every version the page depends on (the site's pages, roles, the course tree and the
learner's own progress) in one command. What is kept between requests is still never stale: a
change bumps a version, and the next request, in any process, reads the new one."""

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import LessonProgress
from courses.outline import LEARNER_VERSION, TREE_VERSION
from tests.factories import (
    CourseIndexPageFactory,
    LessonPageFactory,
    UserFactory,
    build_course,
)
from tests.perf.test_query_counts import SIZES, count, grow

pytestmark = pytest.mark.django_db

BUDGET = 6


class CountingCache(LocMemCache):
    """The test cache, logging each command a caller sends (as Redis would get it: one
    get_many is one round trip, whatever this backend does inside)."""

    log: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._inside = False


def _counted(name):
    base = getattr(LocMemCache, name)

    def method(self, *args, **kwargs):
        if self._inside:
            return base(self, *args, **kwargs)
        self._inside = True
        try:
            keys = args[0] if args else kwargs.get("key", kwargs.get("keys"))
            CountingCache.log.append((name, tuple(keys) if isinstance(keys, list) else keys))
            return base(self, *args, **kwargs)
        finally:
            self._inside = False

    return method


for _name in ("get", "get_many", "set", "set_many", "add", "delete", "delete_many", "incr"):
    setattr(CountingCache, _name, _counted(_name))


@pytest.fixture
def counted_cache(settings):
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.CountingCache"}}
    CountingCache.log.clear()
    return CountingCache.log


@pytest.fixture
def course_of(site, trainee, client):
    catalogue = CourseIndexPageFactory(parent=site, title="Courses")
    course, lessons = build_course(
        parent=catalogue, title="Budget", modules=2, lessons_per_module=2
    )
    services.enrol_learner(user=trainee, course=course)
    services.complete_lesson(user=trainee, lesson=lessons[0])
    client.force_login(trainee)
    client.get(lessons[1].url)  # the first visit writes (lessons[1] started)
    return course, lessons


def pages_of(course, lessons) -> dict[str, str]:
    return {
        "lesson": lessons[1].url,
        "course": course.url,
        "module": lessons[1].get_parent().url,
        "dashboard": reverse("learn:dashboard"),
    }


def test_learner_pages_stay_within_six_queries_whatever_the_course_size(client, course_of):
    course, lessons = course_of
    module = lessons[0].get_parent()
    counts = {name: {} for name in pages_of(course, lessons)}

    def add(i):
        LessonPageFactory(parent=module, title=f"Added lesson {i}")

    for size in grow(SIZES, add):
        for name, url in pages_of(course, lessons).items():
            counts[name][size] = count(client, url)
    for name, values in counts.items():
        assert max(values.values()) <= BUDGET, f"{name}: {values}"
        assert len(set(values.values())) == 1, f"{name} grows with the course: {values}"


def test_dashboard_stays_within_six_queries_whatever_the_number_of_courses(client, site, trainee):
    catalogue = CourseIndexPageFactory(parent=site, title="Courses")

    def add(i):
        course, lessons = build_course(parent=catalogue, title=f"Course {i}", modules=1)
        services.enrol_learner(user=trainee, course=course)
        services.complete_lesson(user=trainee, lesson=lessons[0])

    client.force_login(trainee)
    counts = {size: count(client, reverse("learn:dashboard")) for size in grow(SIZES, add)}
    assert max(counts.values()) <= BUDGET and len(set(counts.values())) == 1, counts


def version_reads(log) -> list:
    return [
        keys
        for command, keys in log
        if command in ("get", "get_many")
        and any("version:" in key for key in ([keys] if isinstance(keys, str) else keys))
    ]


def test_a_warm_learner_page_reads_every_version_in_one_round_trip(
    counted_cache, client, course_of, trainee
):
    course, lessons = course_of
    for name, url in pages_of(course, lessons).items():
        client.get(url)  # warm, as in a running server
        counted_cache.clear()
        assert client.get(url).status_code == 200
        reads = version_reads(counted_cache)
        assert len(reads) == 1, f"{name}: {counted_cache}"
        together = " ".join(reads[0])
        assert f"version:{LEARNER_VERSION.format(user=trainee.pk)}" in together
        assert f"version:{TREE_VERSION}" in together
        # The session, then the versions: nothing else goes to the cache.
        assert len(counted_cache) <= 2, f"{name}: {counted_cache}"


def test_progress_made_in_another_process_shows_on_the_next_request(
    counted_cache, client, course_of, trainee
):
    """The kept outline and progress follow the learner's version in the shared cache: a
    row written elsewhere (no signal reaches this process) shows once that version moves."""
    from django.core.cache import cache

    course, lessons = course_of
    url = lessons[1].url
    client.get(url)
    assert client.get(url).content.decode().count("is-done") == 1
    LessonProgress.objects.filter(user=trainee, lesson=lessons[1]).update(
        completed_at=timezone.now()
    )
    assert client.get(url).content.decode().count("is-done") == 1  # kept: no version moved
    cache.set(f"version:{LEARNER_VERSION.format(user=trainee.pk)}", "moved-elsewhere", None)
    assert client.get(url).content.decode().count("is-done") == 2


def test_completing_a_lesson_and_a_publish_show_at_once_in_the_lesson_outline(client, course_of):
    course, lessons = course_of
    url = lessons[2].url
    client.get(url)
    client.post(reverse("learn:complete", args=[lessons[1].pk]))
    page = client.get(url).content.decode()
    assert page.count("is-done") == 2
    lessons[3].title = "Retitled while kept"
    lessons[3].save_revision().publish()
    assert "Retitled while kept" in client.get(url).content.decode()


def test_each_learner_sees_their_own_outline_and_notes(client, course_of):
    course, lessons = course_of
    other = UserFactory(legal_name="Second Learner")
    services.enrol_learner(user=other, course=course)
    url = lessons[1].url
    assert client.get(url).content.decode().count("is-done") == 1
    client.force_login(other)
    assert client.get(url).content.decode().count("is-done") == 0


def lesson_sql(client, url) -> str:
    client.get(url)  # warm
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return " ".join(query["sql"] for query in captured.captured_queries)


def test_a_lesson_asks_for_notes_and_reflections_only_when_it_has_them(client, course_of, trainee):
    """A lesson of text alone reads neither the learner's content-note choices nor their
    reflections; a lesson with a note and a reflection reads both, and shows them."""
    course, lessons = course_of
    plain = LessonPageFactory(
        parent=lessons[0].get_parent(),
        title="Text alone",
        body=[("paragraph", "<p>Only words here.</p>")],
    )
    sql = lesson_sql(client, plain.url)
    assert "courses_contentnotechoice" not in sql and "courses_reflection" not in sql
    assert "Only words here." in client.get(plain.url).content.decode()

    ids = {block.block_type: block.id for block in lessons[1].body}
    services.choose_at_content_note(
        user=trainee, lesson=lessons[1], block_id=ids["content_note"], choice="continue"
    )
    prompt = ids["reflection"]
    services.save_reflection(
        user=trainee, lesson=lessons[1], block_id=prompt, text="Walking helps me."
    )
    sql = lesson_sql(client, lessons[1].url)
    assert "courses_contentnotechoice" in sql and "courses_reflection" in sql
    assert "Walking helps me." in client.get(lessons[1].url).content.decode()


def test_the_served_page_and_its_course_follow_a_publish_and_an_unpublish(client, course_of):
    """The lesson and its course are kept in each process between publishes: a new title
    shows at once on the lesson's own page and in its breadcrumb, and an unpublished lesson
    is gone at once."""
    course, lessons = course_of
    url = lessons[1].url
    client.get(url)
    lessons[1].title = "A lesson renamed"
    lessons[1].save_revision().publish()
    course.title = "A course renamed"
    course.save_revision().publish()
    page = client.get(url).content.decode()
    assert "A lesson renamed" in page and "A course renamed" in page
    lessons[1].unpublish()
    assert client.get(url).status_code == 404
