"""Quiz rules: feedback timing, and per-learner accommodations set by a trainer."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import Accommodation, Attempt, QuizPage
from tests.courses.assessment_helpers import make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def module(lessons):
    return lessons[0].get_parent().specific


def test_after_each_feedback_locks_a_checked_answer_and_explains_it(client, enrolled, module):
    quiz = make_quiz(
        module, [make_question("true_false")], feedback_timing=QuizPage.FeedbackTiming.AFTER_EACH
    )
    client.force_login(enrolled)
    client.post(reverse("learn:start_attempt", args=[quiz.pk]))
    attempt = Attempt.objects.get(quiz=quiz)
    url = reverse("learn:attempt", args=[attempt.key])
    assert "Notes support accountability" not in client.get(url).content.decode()
    client.post(url, {"q0": "false", "check": "0"})
    page = client.get(url).content.decode()
    assert "Notes support accountability" in page  # the feedback, once checked
    assert "Correct" in page
    changed = client.post(url, {"q0": "true", "action": "save"})
    assert "already checked this answer" in changed.content.decode()
    assert attempt.responses.get().answer is False


def test_after_close_feedback_waits_for_the_close_date(client, enrolled, module):
    quiz = make_quiz(
        module,
        [make_question("true_false")],
        feedback_timing=QuizPage.FeedbackTiming.AFTER_CLOSE,
        closes_at=timezone.now() + timedelta(days=1),
    )
    client.force_login(enrolled)
    client.post(reverse("learn:start_attempt", args=[quiz.pk]))
    attempt = Attempt.objects.get(quiz=quiz)
    client.post(reverse("learn:attempt", args=[attempt.key]), {"q0": "false", "action": "submit"})
    result_url = reverse("learn:attempt_result", args=[attempt.key])
    body = client.get(result_url).content.decode()
    assert "You scored 100%" in body
    assert "Notes support accountability" not in body
    QuizPage.objects.filter(pk=quiz.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    assert "Notes support accountability" in client.get(result_url).content.decode()


def test_accommodations_add_attempts_and_time(enrolled, module):
    quiz = make_quiz(
        module,
        [make_question("true_false")],
        attempts_allowed=1,
        cooldown_minutes=0,
        time_limit_minutes=20,
    )
    Accommodation.objects.create(quiz=quiz, user=enrolled, extra_attempts=1, extra_minutes=10)
    first = services.start_attempt(user=enrolled, quiz=quiz)
    assert timedelta(minutes=29) < first.deadline - first.started_at <= timedelta(minutes=30)
    services.submit_attempt(user=enrolled, key=first.key)
    second = services.start_attempt(user=enrolled, quiz=quiz)  # the extra attempt
    assert second.number == 2
    services.submit_attempt(user=enrolled, key=second.key)
    assert services.attempts_left(user=enrolled, quiz=quiz) == 0
