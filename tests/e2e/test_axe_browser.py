"""Browser: axe-core at every impact level (minor and moderate too, not only serious and
critical) on every page the learner, the supervisor, the employer's verifier and the
registrar reach (derived from the access table, tests/e2e/reach.py), at a phone's width; and
on the trainer's lesson and quiz editing screens in the Wagtail admin, where a finding that
belongs to Wagtail's own markup is listed below with the reason, and everything else fails."""

from pprint import pformat

import pytest
from django.urls import reverse

from tests.e2e.conftest import EVERY_IMPACT
from tests.e2e.reach import (
    browser_context,
    build_phone_world,
    csp_watch,
    reachable,
    signed_in_client,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Learner, supervisor, verifier (an employer's), registrar: the access table's role ids.
ROLES = ("trainee", "sup", "verifier", "registrar")

# Findings in the Wagtail admin that come from Wagtail's own templates and scripts, not ours:
# (rule id, a piece of the target selector) -> why it is not ours to fix. Anything else fails,
# and so does an exception that no longer matches anything (Wagtail fixed it: drop it).
WAGTAIL_OWNED = {
    # Draftail, Wagtail's rich text editor: its contenteditable box (role "textbox", marked
    # "notranslate") is named by neither the field's <label> (which points at the hidden
    # input Wagtail keeps the value in) nor an aria-label. Wagtail's markup, not our blocks'.
    ("aria-input-field-name", "notranslate"): "Draftail's editable box has no name",
    ("aria-input-field-name", 'aria-describedby="placeholder-'): "the same box, with a placeholder",
    # A ListBlock of plain fields (the content note's topics): Wagtail renders each item's
    # input with no <label>, only the list's heading. Wrapping each topic in a StructBlock
    # to get a label would change the stored data of every lesson.
    ("label", "-value-topics-"): "Wagtail's ListBlock items have no label",
}


@pytest.fixture
def world(transactional_db):
    return build_phone_world()


def test_every_page_of_learner_supervisor_verifier_and_registrar_passes_axe(
    browser, live_server, world, axe, screenshot
):
    found, scanned = {}, {}
    for role in ROLES:
        client = signed_in_client(world, role)
        pages = reachable(world, role, client)
        scanned[role] = pages
        context = browser_context(
            browser, live_server, client, viewport={"width": 390, "height": 844}
        )
        page = context.new_page()
        violations = csp_watch(page)
        for path in pages:
            assert page.goto(path).status == 200, f"{role} {path}"
            result = axe(page, impacts=EVERY_IMPACT)
            if result:
                found[f"{role} {path}"] = result
        context.close()
        assert violations == [], "\n".join(violations)
    placement = world.kwargs["placement_id"]
    assert reverse("practicum:supervise", args=[placement]) in scanned["sup"]
    assert reverse("learn:attempt", args=[world.kwargs["key"]]) in scanned["trainee"]
    assert reverse("organisations:watch", args=[world.kwargs["slug"]]) in scanned["verifier"]
    assert reverse("privacy:requests") in scanned["registrar"]
    if found:
        pytest.fail(pformat(found, width=100), pytrace=False)


def ours(result, used):
    """The findings of an admin scan that are not Wagtail's own (WAGTAIL_OWNED); the
    exceptions that matched are added to `used`."""
    kept = []
    for violation in result:
        targets = []
        for target in violation["targets"]:
            text = " ".join(map(str, target))
            matched = [
                (rule, piece)
                for (rule, piece) in WAGTAIL_OWNED
                if rule == violation["id"] and piece in text
            ]
            used.update(matched)
            if not matched:
                targets.append(target)
        if targets:
            kept.append({**violation, "targets": targets})
    return kept


def test_trainer_lesson_and_quiz_editing_screens_pass_axe(
    browser, live_server, world, axe, screenshot
):
    from courses.models import LessonPage, QuizPage

    trainer = signed_in_client(world, "trainer")
    lesson = LessonPage.objects.live().descendant_of(world.objects["courses.cohort"].course)
    quiz = QuizPage.objects.get(slug="every-type")
    screens = {
        "lesson": reverse("wagtailadmin_pages:edit", args=[lesson.first().pk]),
        "quiz": reverse("wagtailadmin_pages:edit", args=[quiz.pk]),
    }
    context = browser_context(
        browser, live_server, trainer, viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    found, used = {}, set()
    for name, path in screens.items():
        assert page.goto(path).status == 200, f"the trainer cannot open {path}"
        screenshot(page, f"edit-{name}")
        assert page.url.endswith(path), f"the trainer was sent from {path} to {page.url}"
        page.wait_for_selector("form#page-edit-form")
        result = ours(axe(page, impacts=EVERY_IMPACT), used)
        if result:
            found[name] = result
    context.close()
    if found:
        pytest.fail(pformat(found, width=100), pytrace=False)
    assert used == set(WAGTAIL_OWNED), (
        f"exceptions that no longer occur: {set(WAGTAIL_OWNED) - used}"
    )
