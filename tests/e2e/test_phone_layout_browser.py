"""Browser: every site page every role can reach, at 320 and 390 CSS px wide (WCAG 1.4.10
reflow; trainees log hours and take quizzes on phones). No page scrolls sideways, every
visible control is at least 24x24 CSS px (WCAG 2.2, 2.5.8) and the quick exit is on screen
after scrolling to the bottom.

The list of pages is not written by hand (tests/e2e/reach.py): every URL pattern the access
table expects to answer 200 to the role, filled from the access matrix's world, and every
live page of the tree. The Wagtail admin is left out: it is Wagtail's own responsive
interface (the trainer's editing screens are checked with axe in test_axe_browser.py)."""

import re

import pytest
from django.urls import reverse

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.reach import (
    browser_context,
    build_phone_world,
    csp_watch,
    reachable,
    signed_in_client,
)
from tests.security import matrix

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 320)
TARGET = 24  # CSS px, WCAG 2.2 success criterion 2.5.8 (target size, minimum)

# What one page measures at one width. The one exception to the target size is WCAG's own
# "inline" one: a link inside a sentence or a line of text, whose height is set by the line
# of text around it. A link counts as inline when the block it sits in has text of its own
# outside the link (letters or digits, not just a separator such as "›").
MEASURE = r"""
() => {
    const doc = document.documentElement;
    const found = {width: doc.scrollWidth, viewport: doc.clientWidth, small: [], exit: null};
    const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
        + '[role=button], [tabindex]:not([tabindex="-1"])';
    function blockOf(el) {
        let node = el.parentElement;
        while (node && getComputedStyle(node).display.startsWith('inline')) {
            node = node.parentElement;
        }
        return node;
    }
    function inline(el) {
        if (el.tagName !== 'A' || !getComputedStyle(el).display.startsWith('inline')) return false;
        const block = blockOf(el);
        if (!block) return false;
        const rest = block.textContent.replace(el.textContent, '');
        return /[\p{L}\p{N}]/u.test(rest);
    }
    for (const el of document.querySelectorAll(controls)) {
        if (el.closest('.visually-hidden, [hidden]')) continue;
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || style.display === 'none') continue;
        const box = el.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;  // not rendered (closed <details>)
        if (box.width >= 23.95 && box.height >= 23.95) continue;
        if (inline(el)) continue;
        const what = el.outerHTML.replace(/\s+/g, ' ').slice(0, 90);
        found.small.push(`${box.width.toFixed(1)}x${box.height.toFixed(1)} ${what}`);
    }
    window.scrollTo({top: doc.scrollHeight, left: 0, behavior: 'instant'});
    const exit = document.querySelector('[data-quick-exit]');
    if (!exit) {
        found.exit = 'no quick exit on the page';
    } else {
        const box = exit.getBoundingClientRect();
        const x = box.left + box.width / 2, y = box.top + box.height / 2;
        if (box.top < 0 || box.bottom > window.innerHeight || box.left < 0
                || box.right > window.innerWidth) {
            found.exit = `quick exit off screen at the bottom (top ${box.top.toFixed(0)})`;
        } else if (!exit.contains(document.elementFromPoint(x, y))) {
            const hit = document.elementFromPoint(x, y);
            found.exit = `quick exit covered by ${hit ? hit.outerHTML.slice(0, 60) : 'nothing'}`;
        }
    }
    window.scrollTo({top: 0, left: 0, behavior: 'instant'});
    return found;
}
"""


@pytest.fixture
def world(transactional_db):
    return build_phone_world()


def test_every_page_fits_a_phone_with_targets_and_quick_exit_in_reach(
    browser, live_server, world, screenshot, request
):
    problems, seen, widths = [], {}, []
    for role in matrix.ROLES:
        client = signed_in_client(world, role)
        pages = reachable(world, role, client)
        seen[role] = pages
        context = browser_context(
            browser, live_server, client, viewport={"width": WIDTHS[0], "height": 844}
        )
        page = context.new_page()
        violations = csp_watch(page)
        for path in pages:
            response = page.goto(path)
            assert response.status == 200, f"{role} {path}: {response.status}"
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 844 if width > 320 else 568})
                found = page.evaluate(MEASURE)
                where = f"{role} {path} at {width} px"
                widths.append(f"{where}: {found['width']}")
                failed = False
                if found["width"] > found["viewport"]:
                    problems.append(f"{where}: {found['width']} px wide")
                    failed = True
                problems.extend(f"{where}: control under 24x24: {s}" for s in found["small"])
                if found["exit"]:
                    problems.append(f"{where}: {found['exit']}")
                if failed or found["small"] or found["exit"]:
                    name = re.sub(r"[^\w]+", "-", f"{role}{path}").strip("-")[:80]
                    screenshot(page, f"{name}-{width}")
            page.set_viewport_size({"width": WIDTHS[0], "height": 844})
        context.close()
        problems.extend(f"{role}: {v}" for v in violations)
    # The list really is derived from the table: each person reaches their own pages.
    placement = world.kwargs["placement_id"]
    assert reverse("practicum:placement", args=[placement]) in seen["trainee"]
    assert reverse("practicum:supervise", args=[placement]) in seen["sup"]
    assert reverse("learn:attempt", args=[world.kwargs["key"]]) in seen["trainee"]
    assert reverse("privacy:requests") in seen["registrar"]
    assert reverse("hours:home") in seen["trainee"]
    assert reverse("hours:outside_new") in seen["trainee"]
    assert reverse("hours:queue") in seen["registrar"]
    assert reverse("hours:person", args=[world.kwargs["person_id"]]) in seen["registrar"]
    assert reverse("practicum:supervise", args=[placement]) not in seen["trainee"]
    # The figures, for a person to read: each page's width at each viewport width.
    folder = SCREENSHOTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "widths.txt").write_text("\n".join(widths + ["", *problems]) + "\n")
    if problems:
        pytest.fail(f"{len(problems)} problems:\n" + "\n".join(problems), pytrace=False)


EXIT_PLACE = """
() => {
    const exit = document.querySelector('[data-quick-exit]').getBoundingClientRect();
    const bar = document.querySelector('.safety-bar').getBoundingClientRect();
    const tools = document.querySelector('.lesson-tools').getBoundingClientRect();
    // "Take a break" sticks only while the lesson it belongs to is on screen.
    const lesson = document.querySelector('article.lesson').getBoundingClientRect();
    return {
        top: exit.top, bottom: exit.bottom, height: window.innerHeight, barBottom: bar.bottom,
        toolsTop: tools.top, toolsStuck: lesson.bottom > bar.bottom + tools.height + 16,
    };
}
"""


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_quick_exit_is_the_second_tab_stop_and_stays_on_screen(
    browser, live_server, learning, screenshot, javascript
):
    """On a long lesson at a phone's size: the skip link, then the quick exit, are the first
    two tab stops; the quick exit stays on screen while reading, at the bottom too, and the
    sticky "Take a break" bar sits below it rather than over it, with or without scripts."""
    from django.test import Client

    client = Client()
    client.force_login(learning.trainee)
    context = browser_context(
        browser,
        live_server,
        client,
        viewport={"width": 390, "height": 844},
        java_script_enabled=javascript,
    )
    page = context.new_page()
    lesson = learning.lessons[0]
    page.goto(lesson.url)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.hasAttribute('data-quick-exit')")
    assert page.get_by_role("link", name="Quick exit").get_attribute("href").startswith("http")
    total = page.evaluate("() => document.documentElement.scrollHeight")
    assert total > 3 * 844, "the lesson is long enough to scroll the header away"
    stuck = []
    for y in (total // 3, 2 * total // 3, total):
        page.evaluate(f"() => window.scrollTo({{top: {y}, behavior: 'instant'}})")
        place = page.evaluate(EXIT_PLACE)
        assert place["top"] >= 0 and place["bottom"] <= place["height"], (y, place)
        if place["toolsStuck"]:
            assert place["toolsTop"] >= place["barBottom"] - 1, (y, place)
        stuck.append(place["toolsStuck"])
    assert stuck[0], "the lesson tools were checked while stuck below the bar"
    screenshot(page, "bottom")
    context.close()
