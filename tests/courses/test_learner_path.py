"""The learner's path goes through everything the course requires, in the course outline's
order: each module's lessons, then its quiz, then the next module; "x of N done" counts
required quizzes; the dashboard shows open attempts, failed required quizzes and answers
waiting for marking; a quiz result says where to continue."""

import pytest
from django.urls import reverse

from courses import services
from courses.models import Attempt
from tests.courses.assessment_helpers import make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def quizzes(lessons):
    """A required quiz at the end of module 1 and an optional one at the end of module 2."""
    first = lessons[0].get_parent().specific
    second = lessons[3].get_parent().specific
    required = make_quiz(first, [make_question("true_false")], title="Module 1 check", slug="q1")
    optional = make_quiz(
        second,
        [make_question("true_false")],
        title="Optional practice",
        slug="q2",
        required_for_completion=False,
    )
    return required, optional


def take(learner, quiz, *, right: bool, finish=True):
    attempt = services.start_attempt(user=learner, quiz=quiz)
    answer = "false" if right else "true"  # the statement of the true/false spec is false
    services.save_answer(user=learner, key=attempt.key, position=0, payload=answer)
    if finish:
        services.submit_attempt(user=learner, key=attempt.key)
    return Attempt.objects.get(pk=attempt.pk)


def test_mark_as_done_and_next_links_go_through_the_module_quiz(client, enrolled, lessons, quizzes):
    required, _optional = quizzes
    client.force_login(enrolled)
    last_of_module = lessons[2]
    page = client.get(last_of_module.url).content.decode()
    assert f'href="{required.url}"' in page  # "next" is the quiz, not the next module
    done = client.post(reverse("learn:complete", args=[last_of_module.pk]))
    assert done.status_code == 302 and done["Location"] == required.url
    first_of_next = client.get(lessons[3].url).content.decode()
    assert f"← {required.title}" in first_of_next  # "previous" is the quiz too


def test_progress_counts_required_quizzes(client, enrolled, course, lessons, quizzes):
    required, _optional = quizzes
    client.force_login(enrolled)
    for lesson in lessons:
        client.post(reverse("learn:complete", args=[lesson.pk]))
    page = client.get(course.url).content.decode()
    assert "6 of 7 done" in page  # six lessons and one required quiz; practice is optional
    take(enrolled, required, right=True)
    assert "7 of 7 done" in client.get(course.url).content.decode()
    # The catalogue's card counts lessons only, and says so.
    card = client.get(course.get_parent().url).content.decode()
    assert "6 of 6 lessons done" in card and "7 of 7 done" not in card


def test_dashboard_shows_open_attempts_failed_required_quizzes_and_marking(
    client, enrolled, course, lessons, quizzes
):
    required, _optional = quizzes
    client.force_login(enrolled)
    failed = take(enrolled, required, right=False)
    assert failed.released_at and not failed.passed
    page = client.get(reverse("learn:dashboard")).content.decode()
    assert "Module 1 check is needed to complete the course and is not passed yet." in page

    written = make_quiz(
        lessons[3].get_parent().specific, [make_question("written_response")], slug="w"
    )
    open_attempt = take(enrolled, written, right=True, finish=False)
    page = client.get(reverse("learn:dashboard")).content.decode()
    assert reverse("learn:attempt", args=[open_attempt.key]) in page
    services.save_answer(user=enrolled, key=open_attempt.key, position=0, payload="My answer")
    services.submit_attempt(user=enrolled, key=open_attempt.key)
    page = client.get(reverse("learn:dashboard")).content.decode()
    assert reverse("learn:attempt_result", args=[open_attempt.key]) in page
    assert "a trainer is marking your written answers." in page
    assert f"Next: {lessons[0].title}" in page  # nothing read yet: the first lesson


def test_a_quiz_result_says_where_to_continue(client, enrolled, lessons, quizzes):
    required, _optional = quizzes
    client.force_login(enrolled)
    attempt = take(enrolled, required, right=True)
    page = client.get(reverse("learn:attempt_result", args=[attempt.key])).content.decode()
    assert f'href="{lessons[3].url}"' in page and f"Continue: {lessons[3].title}" in page


def test_a_warm_dashboard_keeps_the_attempts_until_one_changes(client, enrolled, quizzes):
    """The unfinished attempts are kept under the learner's version: a warm dashboard asks
    nothing about attempts, and a new attempt, its submission and a deletion show on the
    next request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    required, optional = quizzes
    client.force_login(enrolled)
    take(enrolled, required, right=False)
    url = reverse("learn:dashboard")
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    assert "is not passed yet" in page
    assert not any("courses_attempt" in q["sql"] for q in captured.captured_queries)
    practice = take(enrolled, optional, right=True, finish=False)
    assert reverse("learn:attempt", args=[practice.key]) in client.get(url).content.decode()
    services.submit_attempt(user=enrolled, key=practice.key)
    assert reverse("learn:attempt", args=[practice.key]) not in client.get(url).content.decode()
    Attempt.objects.filter(quiz=required).delete()  # signals per row: the version moves
    assert "is not passed yet" not in client.get(url).content.decode()
