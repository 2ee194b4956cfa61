"""Browser: taking a lesson with the keyboard, content notes, breaks, quick exit, private
reflections, and accessibility scans of the learning and cohort pages."""

import re

import pytest

from tests.e2e.conftest import focus_by_tab, landed, lesson, settle, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 390, "height": 844}


def signed_in(page, learning, email="trainee@peerpath.example"):
    sign_in(page, email, learning.password)
    landed(page)


def progress_text(page, label):
    """The "n of m done" text beside the progress bar called `label`."""
    bar = page.get_by_role("progressbar", name=label, exact=True)
    return bar.locator("xpath=..").locator(".progress-line__text").inner_text()


def block_ids(lesson_page, block_type=None):
    return [b.id for b in lesson_page.body if block_type is None or b.block_type == block_type]


def on_screen(locator) -> bool:
    """Whether any of the element is in the viewport as it is now (no scrolling)."""
    return locator.evaluate(
        "el => { const r = el.getBoundingClientRect(); "
        "return r.bottom > 0 && r.top < window.innerHeight; }"
    )


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_trainee_takes_a_lesson_with_the_keyboard_only(page, learning, screenshot):
    """Course page → first lesson → read to the end → mark done → next lesson, with no mouse:
    Tab, Shift+Tab, Enter and Page Down only."""
    from courses.models import LessonProgress

    first, second = learning.lessons[0], learning.lessons[1]
    total = len(learning.lessons)
    signed_in(page, learning)
    page.goto(learning.course.url)
    assert progress_text(page, "Course progress") == f"0 of {total} done"

    focus_by_tab(page, page.get_by_role("link", name="Start the first lesson"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{first.url}")
    assert page.get_by_role("heading", level=1).inner_text() == first.title

    # Read down to the end with the keyboard. Each press starts a smooth scroll; let it finish
    # before looking, or on a loaded machine the next press cuts it short and the sixty presses
    # run out before the page does.
    for _ in range(60):
        page.keyboard.press("PageDown")
        settle(page)
        if page.evaluate(
            "window.scrollY + window.innerHeight >= document.scrollingElement.scrollHeight - 2"
        ):
            break
    else:
        pytest.fail("Page Down never reached the end of the lesson")

    # Tab through the whole lesson to the end, then back up to "Take a break" (the backward
    # walk is where a sticky bar could cover the focused element), then down again.
    done = page.get_by_role("button", name="Mark as done and continue")
    take_break = page.locator(".lesson-tools").get_by_role("button", name="Take a break")
    focus_by_tab(page, done, limit=120)
    focus_by_tab(page, take_break, limit=120, reverse=True)
    focus_by_tab(page, done, limit=120)
    screenshot(page, "mark-done-focused")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{second.url}")
    assert page.get_by_role("heading", level=1).inner_text() == second.title

    progress = LessonProgress.objects.get(user=learning.trainee, lesson=first)
    assert progress.completed_at is not None
    assert (
        not LessonProgress.objects.filter(user=learning.trainee, completed_at__isnull=False)
        .exclude(lesson=first)
        .exists()
    )
    assert progress_text(page, "Course progress") == f"1 of {total} done"

    page.goto(learning.course.url)
    assert progress_text(page, "Course progress") == f"1 of {total} done"
    page.goto("/learn/")
    assert progress_text(page, f"Progress in {learning.course.title}") == f"1 of {total} done"
    screenshot(page, "dashboard-after")


def test_content_note_break_and_back_then_continue(page, learning, screenshot):
    """The section after a content note is not sent until the learner chooses. A break leads
    to the calm page and back to the note, still asking; "continue" opens the section, and
    it stays open."""
    from playwright.sync_api import expect

    from courses.models import ContentNoteChoice

    brief = lesson(learning, "brief-hopeful-safe")
    assert brief.url == "/courses/boundaries/self-disclosure/brief-hopeful-safe/"
    assert brief.body[0].block_type == "content_note"
    note_id, next_id = block_ids(brief)[:2]
    folded = page.locator(f"#block-{next_id}")

    signed_in(page, learning)
    page.goto(brief.url)
    note = page.get_by_role("group", name="Content note")
    expect(note).to_be_visible()
    expect(folded).to_have_count(0)  # not hidden with CSS: not in the page at all
    screenshot(page, "note-offered")

    note.get_by_role("button", name="Take a break").click()
    page.wait_for_url(f"**/learn/break/?lesson={brief.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Take a break")
    expect(page.get_by_text("Your place is saved.")).to_be_visible()
    support = page.get_by_role("region", name="If you need someone now")
    expect(support.get_by_text("Samaritans")).to_be_visible()
    expect(support.get_by_role("link", name="116 123")).to_have_attribute("href", "tel:116123")
    back = page.get_by_role("link", name="Back to where you were")
    expect(back).to_have_attribute("href", f"{brief.url}#block-{note_id}")
    screenshot(page, "break")

    back.click()
    page.wait_for_url(f"**{brief.url}#block-{note_id}")
    assert on_screen(page.locator(f"#block-{note_id}"))
    expect(note.get_by_role("button", name="Continue to this section")).to_be_visible()
    expect(folded).to_have_count(0)

    note.get_by_role("button", name="Continue to this section").click()
    expect(note.get_by_text("You chose to read this section.")).to_be_visible()
    expect(folded).to_be_visible()
    assert page.url.endswith(f"{brief.url}#block-{note_id}")
    choice = ContentNoteChoice.objects.get(user=learning.trainee, lesson=brief, block_id=note_id)
    assert choice.choice == "continue"

    page.reload()
    expect(folded).to_be_visible()
    expect(note.get_by_role("button", name="Continue to this section")).to_have_count(0)
    screenshot(page, "note-continued")


def test_take_a_break_after_scrolling_returns_to_the_later_block(page, learning, screenshot):
    """The lesson remembers the block the learner has read down to; "Take a break", pressed
    where the learner is, saves it, and "Back to where you were" returns to it."""
    from courses.models import LessonProgress

    first = learning.lessons[0]
    ids = block_ids(first)
    target = page.locator(f"#block-{ids[7]}")  # the scenario, well down the page
    signed_in(page, learning)
    page.goto(first.url)
    field = page.locator("input[name=position][data-position-field]")

    # Read down to the scenario with the arrow key, as a learner would.
    for _ in range(120):
        if target.evaluate("el => el.getBoundingClientRect().top < window.innerHeight * 0.3"):
            break
        page.keyboard.press("ArrowDown")
    else:
        pytest.fail("The arrow key never brought the scenario to the top of the screen")
    page.wait_for_function(
        "([el, ids]) => ids.indexOf(el.value) >= 6", arg=[field.element_handle(), ids]
    )
    settle(page)  # smooth scrolling may still move the place on by a block

    # The place is sent to the server as the learner reads, not only when they leave.
    for _ in range(100):
        position = field.input_value()
        saved = LessonProgress.objects.get(user=learning.trainee, lesson=first).position
        if saved == position:
            break
        page.wait_for_timeout(100)
    assert saved == position

    # The button is where the learner is: no scrolling back to the top for it (which would
    # move the saved place back to the first block).
    take_break = page.locator(".lesson-tools").get_by_role("button", name="Take a break")
    assert on_screen(take_break), "Take a break is out of sight after reading down"
    # What the learner sees (a full-page screenshot would not show the sticky bar in place).
    page.screenshot(path=str(screenshot(page, "scrolled").with_name("scrolled-viewport.png")))
    take_break.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/learn/break/?lesson={first.pk}")
    href = page.get_by_role("link", name="Back to where you were").get_attribute("href")
    assert href == f"{first.url}#block-{position}"
    assert position != ids[0]

    page.get_by_role("link", name="Back to where you were").click()
    page.wait_for_url(f"**{first.url}#block-{position}")
    # The browser scrolls to the block, and it is not under the sticky lesson tools.
    page.wait_for_function("() => window.scrollY > 0")
    settle(page)
    top = page.locator(f"#block-{position}").evaluate("el => el.getBoundingClientRect().top")
    tools = page.locator(".lesson-tools").evaluate("el => el.getBoundingClientRect().bottom")
    assert tools <= top < 900 / 2
    screenshot(page, "back")


@pytest.mark.parametrize("how", ["button", "escape"])
def test_quick_exit_from_a_lesson(page, learning, live_server, how):
    """The quick exit button, and Escape pressed twice (even while typing a reflection),
    leave at once for the neutral site, and Back does not return to the lesson."""
    from cms.models import SupportSettings

    settings = SupportSettings.objects.get()
    settings.quick_exit_url = f"{live_server.url}/no-such-neutral-page/"
    settings.save()
    first = learning.lessons[0]
    signed_in(page, learning)
    page.goto(learning.course.url)
    page.goto(first.url)
    if how == "button":
        page.get_by_role("link", name="Quick exit").click()
    else:
        page.get_by_label("Your private reflection").focus()
        page.keyboard.type("Something I would not want seen")
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
    page.wait_for_url("**/no-such-neutral-page/")
    page.go_back()
    assert page.url == f"{live_server.url}{learning.course.url}"


def test_reflection_is_kept_and_private(browser, live_server, page, learning, screenshot):
    """A saved reflection shows again after a reload and on "Your reflections"; another
    learner on the same lesson, in their own browser session, sees none of it."""
    from playwright.sync_api import expect

    from courses import services
    from tests.factories import UserFactory
    from tests.factories.accounts import PASSWORD

    first = learning.lessons[0]
    reflect_id = block_ids(first, "reflection")[0]
    prompt = next(b.value["prompt"] for b in first.body if b.id == reflect_id)
    words = "Sam at the drop-in listened without fixing anything; that is what I bring."

    signed_in(page, learning)
    page.goto(first.url)
    page.get_by_label("Your private reflection").fill(words)
    page.get_by_role("button", name="Save reflection").click()
    page.wait_for_url(f"**{first.url}#block-{reflect_id}")
    expect(page.get_by_role("status")).to_have_text("Reflection saved. Only you can read it.")
    page.reload()
    expect(page.get_by_label("Your private reflection")).to_have_value(words)
    expect(page.get_by_role("button", name="Update reflection")).to_be_visible()
    page.goto("/learn/reflections/")
    expect(page.get_by_role("heading", name=prompt)).to_be_visible()
    expect(page.get_by_text(words)).to_be_visible()
    screenshot(page, "reflections")

    other = UserFactory(email="robin@example.org", legal_name="Robin Hale")
    services.enrol_learner(user=other, course=learning.course)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    try:
        theirs = context.new_page()
        sign_in(theirs, "robin@example.org", PASSWORD)
        landed(theirs)
        theirs.goto(first.url)
        expect(theirs.get_by_label("Your private reflection")).to_have_value("")
        assert words not in theirs.content()
        theirs.goto(f"/learn/lessons/{first.pk}/reflections/{reflect_id}/")
        expect(theirs.get_by_label("Your private reflection")).to_have_value("")
        theirs.goto("/learn/reflections/")
        expect(theirs.get_by_text("You have not written any reflections yet.")).to_be_visible()
        assert words not in theirs.content()
    finally:
        context.close()


def under_sticky(page, selector: str) -> bool:
    """Whether the element overlaps a sticky or fixed bar (the safety bar, the lesson tools)
    as the page is."""
    return page.evaluate(
        """(selector) => {
            const el = document.querySelector(selector);
            if (!el) return false;
            const r = el.getBoundingClientRect();
            const stuck = [...document.querySelectorAll('body *')].filter((node) =>
                ['sticky', 'fixed'].includes(getComputedStyle(node).position));
            return stuck.some((bar) => {
                const b = bar.getBoundingClientRect();
                return r.top < b.bottom && r.bottom > b.top && r.left < b.right && r.right > b.left;
            });
        }""",
        selector,
    )


def scan(page, axe, screenshot, found, name, path=None):
    """Open `path` (or stay), run axe, keep a screenshot, and note the violations."""
    if path:
        page.goto(path)
    found[name] = axe(page)
    screenshot(page, name)


def test_learning_pages_have_no_serious_accessibility_violations(page, learning, axe, screenshot):
    from courses import services

    first = learning.lessons[0]
    brief = lesson(learning, "brief-hopeful-safe")
    reflect_id = block_ids(first, "reflection")[0]
    found = {}

    # Someone with no enrolments: the empty dashboard, and a course and lesson not yet theirs.
    signed_in(page, learning, "verifier@peerpath.example")
    scan(page, axe, screenshot, found, "dashboard-empty", "/learn/")
    assert page.get_by_role("heading", name=re.compile("Where would you like to start")).count()
    scan(page, axe, screenshot, found, "course-not-enrolled", learning.course.url)
    scan(page, axe, screenshot, found, "lesson-not-enrolled", first.url)
    page.context.clear_cookies()

    services.complete_lesson(user=learning.trainee, lesson=first)
    services.save_reflection(
        user=learning.trainee,
        lesson=first,
        block_id=reflect_id,
        text="What helped was being listened to.",
    )
    signed_in(page, learning)
    pages = [
        ("dashboard", "/learn/"),
        ("catalogue", "/courses/"),
        ("course", learning.course.url),
        ("module", first.get_parent().url),
        ("lesson-reflection", first.url),
        ("lesson-content-note", brief.url),
        ("break", f"/learn/break/?lesson={first.pk}"),
        ("reflections", "/learn/reflections/"),
        ("reflection-edit", f"/learn/lessons/{first.pk}/reflections/{reflect_id}/"),
    ]
    for name, path in pages:
        scan(page, axe, screenshot, found, name, path)
    page.goto(brief.url)
    page.get_by_role("button", name="Continue to this section").click()
    page.wait_for_url(f"**{brief.url}#block-*")
    settle(page)  # the page scrolls to the section: scan where it stops
    scan(page, axe, screenshot, found, "lesson-content-note-continued")
    # Scrolled to the section, links that have slid under the sticky safety bar or lesson
    # tools count as "too small" for axe (a covered target has no clickable area there). That
    # is the scroll position, not the link: a target-size finding whose every node is under a
    # sticky bar is not one; any other is.
    found["lesson-content-note-continued"] = [
        v
        for v in found["lesson-content-note-continued"]
        if v["id"] != "target-size" or not all(under_sticky(page, t[0]) for t in v["targets"])
    ]
    assert {name: v for name, v in found.items() if v} == {}

    # At phone width (the same reflow as 400% zoom on a laptop) nothing scrolls sideways.
    page.set_viewport_size(PHONE)
    wide = []
    for name, path in pages:
        page.goto(path)
        screenshot(page, f"phone-{name}")
        if scrolls_sideways(page):
            wide.append(name)
    assert wide == []

    # On a phone too, a link to a block of a (completed) lesson lands below the sticky tools.
    page.goto(f"{first.url}#block-{reflect_id}")
    page.wait_for_function("() => window.scrollY > 0")
    settle(page)
    top = page.locator(f"#block-{reflect_id}").evaluate("el => el.getBoundingClientRect().top")
    tools = page.locator(".lesson-tools").evaluate("el => el.getBoundingClientRect().bottom")
    assert tools <= top


def test_cohort_progress_has_no_serious_accessibility_violations(
    page, transactional_db, axe, screenshot
):
    from cms.demo import seed_site
    from courses.demo import seed_courses, seed_learning
    from lms.accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, seed_people
    from lms.accounts.services import sync_role_groups

    seed_site()
    sync_role_groups()
    seed_people()
    seed_courses()
    cohort = seed_learning()
    # Trainers sign in with a code too (the demo trainer has the demo authenticator key).
    sign_in(page, "trainer@peerpath.example", DEMO_PASSWORD, totp_secret=DEMO_TOTP_SECRET)
    landed(page)
    found = {}
    scan(page, axe, screenshot, found, "cohorts", "/teach/")
    scan(page, axe, screenshot, found, "cohort-progress", f"/teach/cohorts/{cohort.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == cohort.name
    assert page.get_by_role("row", name=re.compile("Amara")).count() == 1
    assert {name: v for name, v in found.items() if v} == {}

    page.set_viewport_size(PHONE)
    page.reload()
    screenshot(page, "phone-cohort-progress")
    assert not scrolls_sideways(page)
