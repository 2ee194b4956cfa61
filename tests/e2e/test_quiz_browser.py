"""Browser: a learner takes and passes a quiz with the keyboard only; quiz pages pass axe."""

import pytest

from tests.e2e.conftest import focus_by_tab, landed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quiz(learning):
    from tests.courses.assessment_helpers import make_question, make_quiz

    module = learning.lessons[0].get_parent().specific
    questions = [
        make_question("single_choice"),
        make_question("true_false"),
        make_question("ordering"),
        make_question("multiple_response"),
    ]
    return make_quiz(
        module, questions, shuffle_options=False, title="Keyboard quiz", slug="keyboard-quiz"
    )


def test_keyboard_only_learner_takes_and_passes_a_quiz(page, learning, quiz, axe, screenshot):
    from courses.models import Attempt

    sign_in(page, "trainee@peerpath.example", learning.password)
    landed(page)
    page.goto(quiz.url)
    assert axe(page) == []
    screenshot(page, "quiz-page")
    focus_by_tab(page, page.get_by_role("button", name="Start the quiz"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/learn/attempts/**")
    assert axe(page) == []
    screenshot(page, "attempt")

    # Question 1 (single choice): the second option is right. Tab into the group, arrow to it.
    focus_by_tab(page, page.get_by_label("Therapist"))
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("Peer worker", exact=True).is_checked()
    # Question 2 (true/false): "False" is right.
    focus_by_tab(page, page.get_by_label("True", exact=True))
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("False", exact=True).is_checked()
    # Question 3 (ordering): give each step its position by typing the number on its select.
    for rank, step in enumerate(["Avoid", "Disclose", "Consult", "Record"], start=1):
        select = page.get_by_label(step, exact=True)
        focus_by_tab(page, select)
        page.keyboard.type(str(rank))
        assert select.input_value() == str(rank)
    # Question 4 (multiple response): tick the two right answers with Space.
    for label in ("Your hours", "Confidentiality and its limits"):
        focus_by_tab(page, page.get_by_label(label))
        page.keyboard.press("Space")
    page.wait_for_timeout(1200)  # let autosave settle; submission also sends the form
    focus_by_tab(page, page.get_by_role("button", name="Submit answers"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/result/")
    assert "You scored 100%" in page.content()
    assert "You passed" in page.content()
    assert axe(page) == []
    screenshot(page, "result")
    attempt = Attempt.objects.get(quiz=quiz)
    assert attempt.passed and attempt.percent == 100


def test_autosave_keeps_answers_across_a_reload(page, learning, quiz):
    sign_in(page, "trainee@peerpath.example", learning.password)
    landed(page)
    page.goto(quiz.url)
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url("**/learn/attempts/**")
    page.get_by_label("Peer worker", exact=True).check()
    page.wait_for_function(
        "() => document.querySelector('[data-save-status]').textContent.includes('saved')"
    )
    page.reload()  # as if the tab had closed: the answer is still there
    assert page.get_by_label("Peer worker", exact=True).is_checked()
