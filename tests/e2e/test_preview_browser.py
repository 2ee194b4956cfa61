"""The editor's live preview panel renders every course page type inside the admin: the
preview is framed by the admin (and only by it), at desktop and phone sizes."""

import pytest
from wagtail.models import get_page_models

from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def course_pages(learning):
    """One page of each page type of the courses app below the catalogue (a quiz added)."""
    from courses.models import ModulePage, QuizPage
    from lms.accounts.services import sync_role_groups
    from tests.factories import QuizPageFactory, WrittenResponseQuestionFactory

    module = ModulePage.objects.child_of(learning.course).first()
    QuizPageFactory(parent=module, questions=[WrittenResponseQuestionFactory()])
    sync_role_groups()  # page permissions for the catalogue the fixture added
    found = {}
    for model in get_page_models():
        if model._meta.app_label == "courses" and model.is_creatable:
            found[model] = model.objects.descendant_of(learning.site, inclusive=True).first()
    assert QuizPage in found and all(found.values()), found
    return found


def test_live_preview_panel_renders_each_course_page_type(page, learning, screenshot):
    from lms.accounts.demo import DEMO_TOTP_SECRET

    pages = course_pages(learning)
    sign_in(page, "trainer@peerpath.example", learning.password, totp_secret=DEMO_TOTP_SECRET)
    page.wait_for_url(lambda url: "/accounts/login" not in url)
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "frame" in m.text.lower() else None)
    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        for model, target in pages.items():
            page.goto(f"/admin/pages/{target.pk}/edit/")
            toggle = page.get_by_role("button", name="Toggle preview")
            if toggle.get_attribute("aria-expanded") != "true":  # the admin remembers it open
                toggle.click()
            frame = page.frame_locator("#w-preview-iframe")
            heading = frame.get_by_role("heading", level=1)
            heading.wait_for()
            assert heading.inner_text() == target.title, model
            screenshot(page, f"{size_name}-{model._meta.model_name}")
    assert refused == []
