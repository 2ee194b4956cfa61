"""The learner's path in a browser, at 1280x800 and 390x844: "Mark as done and continue" at
the end of a module leads to its quiz, the quiz result says where to continue, the dashboard
shows the attempt waiting for marking, and the trainer finds the marking queue from Teaching."""

import re

import pytest

from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def scrolls_sideways(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_path_goes_through_the_module_quiz(page, learning, screenshot, size):
    from courses.models import LessonPage, ModulePage
    from lms.accounts.demo import DEMO_TOTP_SECRET
    from tests.courses.assessment_helpers import make_question, make_quiz

    page.set_viewport_size(size)
    name = "desktop" if size is DESKTOP else "phone"
    module = ModulePage.objects.child_of(learning.course).order_by("path").first()
    last = LessonPage.objects.child_of(module).order_by("path").last()
    quiz = make_quiz(
        module,
        [make_question("true_false"), make_question("written_response")],
        title="Module check",
        slug="module-check",
        pass_mark=50,
    )
    sign_in(page, learning.trainee.email, learning.password)
    page.wait_for_url(lambda url: "/accounts/login" not in url)
    page.goto(last.url)
    page.get_by_role("button", name="Mark as done and continue").click()
    page.wait_for_url(f"**{quiz.url}")
    screenshot(page, f"{name}-quiz-after-lesson")
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_label("False", exact=True).check()
    page.get_by_label("Your answer to question 2").fill("I would plan the ending together.")
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url("**/result/")
    continue_link = page.get_by_role("link", name="Continue:")
    assert continue_link.count() == 1
    assert not scrolls_sideways(page)
    screenshot(page, f"{name}-result-continue")
    page.goto("/learn/")
    assert page.get_by_text("a trainer is marking your written answers.").count() == 1
    # The quiz is with a marker: the way on is the next module's first lesson.
    second = ModulePage.objects.child_of(learning.course).order_by("path")[1]
    following = LessonPage.objects.live().child_of(second).order_by("path").first()
    assert page.get_by_text(f"Next: {following.title}").count() == 1
    assert not scrolls_sideways(page)
    screenshot(page, f"{name}-dashboard")

    page.context.clear_cookies()
    sign_in(page, "trainer@peerpath.example", learning.password, totp_secret=DEMO_TOTP_SECRET)
    page.wait_for_url(lambda url: "/accounts/login" not in url)
    page.goto("/teach/")
    page.get_by_role("link", name="Marking (1 answer waiting)").click()
    page.wait_for_url("**/teach/marking/")
    assert page.get_by_role("link", name=re.compile(r"^Mark .*question 2$")).count() == 1
    assert not scrolls_sideways(page)
    screenshot(page, f"{name}-marking")
