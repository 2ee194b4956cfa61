"""Browser fixtures: Playwright driving the system's Chromium (never a downloaded browser)."""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, skip_or_fail

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "tests" / "screenshots"

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test itself (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        skip_or_fail("Chromium is not installed: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright is not installed: make install-dev")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A page on the live server. Any Content-Security-Policy violation the browser reports
    fails the test: the strict policy must never break a page. (So `wait_for_function` takes
    a function, "() => ...": a bare expression string would need eval, which the policy
    refuses.)"""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert violations == [], "\n".join(violations)


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot under tests/screenshots/<test name>/."""
    folder = SCREENSHOTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


SERIOUS = ("serious", "critical")
EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


@pytest.fixture
def axe():
    """Run axe-core on a page; return the violations of the given impacts (serious or
    critical unless told)."""
    if not AXE.exists():
        skip_or_fail("axe-core is not installed: run `npm ci` (needs nodejs and npm).")
    source = AXE.read_text()

    def scan(page, impacts=SERIOUS):
        # Evaluated through the devtools protocol rather than added as an inline <script>,
        # which the site's Content-Security-Policy rightly refuses.
        if not page.evaluate("() => !!window.axe"):
            assert page.evaluate(f"() => {{ {source}\n; return !!window.axe; }}")
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
        )
        serious = [v for v in result["violations"] if v["impact"] in impacts]
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "targets": [n["target"] for n in v["nodes"]][:5],
            }
            for v in serious
        ]

    return scan


def sign_in(page, email, password, totp_secret=None):
    """Sign in through the form; with `totp_secret`, give the code at the second step."""
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if totp_secret:
        from lms.accounts import totp

        page.wait_for_url("**/accounts/login/code/")
        page.get_by_label("Six-digit code").fill(totp.code_at(totp_secret, totp.current_step()))
        page.get_by_role("button", name="Sign in").click()


def landed(page):
    """Wait until signing in has finished: the browser has left the sign-in and code pages
    for wherever the person's role lands them (lms/accounts/landing.py)."""
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def sign_in_by_keyboard(page, email, password, totp_secret=None, step=0):
    """Sign in with the keyboard only: Tab to each field from the top of the page, type,
    Enter to submit; with `totp_secret`, the same at the code step (a code works once per
    person: a second sign-in of the same person passes step=1, the next code)."""
    page.goto("/accounts/login/")
    focus_by_tab(page, page.get_by_label("Email address"))
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert page.get_by_label("Password").evaluate("el => el === document.activeElement")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    if totp_secret:
        from lms.accounts import totp

        page.wait_for_url("**/accounts/login/code/")
        focus_by_tab(page, page.get_by_label("Six-digit code"))
        page.keyboard.type(totp.code_at(totp_secret, totp.current_step() + step))
        page.keyboard.press("Enter")
    landed(page)


# Learning pages: demo data seeded per test (transactional tests start from an empty database).


@pytest.fixture
def learning(transactional_db):
    """The demo site and people with only the Boundaries course (the fastest useful seed), and
    the demo trainee enrolled on it. Returns a namespace: site, course, lessons (in order),
    trainee, password."""
    from types import SimpleNamespace

    from cms.demo import seed_site
    from courses import services
    from courses.demo import load_course, seed_course
    from courses.models import CourseIndexPage, LessonPage
    from lms.accounts.demo import DEMO_PASSWORD, seed_people
    from lms.accounts.models import User
    from lms.accounts.services import sync_role_groups

    site = seed_site()
    sync_role_groups()
    seed_people()
    index = CourseIndexPage(title="Courses", slug="courses")
    site.add_child(instance=index)
    index.save_revision().publish()
    course = seed_course(index, load_course("boundaries"))
    trainee = User.objects.get(email="trainee@peerpath.example")
    services.enrol_learner(user=trainee, course=course)
    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    return SimpleNamespace(
        site=site, course=course, lessons=lessons, trainee=trainee, password=DEMO_PASSWORD
    )


def lesson(learning, slug):
    """A lesson of the seeded course by its slug."""
    return next(item for item in learning.lessons if item.slug == slug)


SETTLE = """
    // Let smooth scrolling (the site's default) finish: five frames in a row without movement.
    for (let i = 0, still = 0, last = null; i < 240 && still < 5; i++) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const now = `${window.scrollX},${window.scrollY}`;
        still = now === last ? still + 1 : 0;
        last = now;
    }
"""


def settle(page):
    """Wait until the page has stopped scrolling."""
    page.evaluate(f"async () => {{ {SETTLE} }}")


FOCUS_PROBLEM = (
    "async () => {"
    + SETTLE
    + """
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const box = el.getClientRects()[0];
    if (!box) return null;  // nothing rendered: axe and the visibility check cover this
    const x = box.left + box.width / 2, y = box.top + Math.min(box.height / 2, 12);
    const what = el.outerHTML.slice(0, 100);
    if (y < 0 || y > window.innerHeight || x < 0 || x > window.innerWidth) {
        return `focused but off screen: ${what}`;
    }
    const hit = document.elementFromPoint(x, y);
    if (hit && !el.contains(hit)) {
        return `focused but covered by ${hit.outerHTML.slice(0, 60)}: ${what}`;
    }
    return null;
}"""
)


def focus_by_tab(page, target, limit=80, reverse=False):
    """Press Tab (or Shift+Tab) until `target` (a locator) has focus; fail after `limit`
    presses. Every element focused on the way must be on screen and not covered (WCAG 2.4.11,
    which sticky bars break), and the target must show a focus indicator."""
    key = "Shift+Tab" if reverse else "Tab"
    problems = []
    for _ in range(limit):
        page.keyboard.press(key)
        problem = page.evaluate(FOCUS_PROBLEM)
        if problem:
            problems.append(problem)
        if target.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail(f"{key} never reached {target} within {limit} presses")
    assert problems == [], "\n".join(problems)
    style = target.evaluate(
        "el => { const s = getComputedStyle(el); return {outline: s.outlineStyle, "
        "shadow: s.boxShadow}; }"
    )
    assert style["outline"] != "none" or style["shadow"] != "none", (
        f"{target} has focus but no visible focus indicator"
    )
