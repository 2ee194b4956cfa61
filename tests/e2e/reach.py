"""Which site pages each role reaches, derived rather than listed: every URL pattern the
access table (tests/security/test_access_matrix.py) expects to answer 200 to the role, filled
from the access matrix's world (tests/security/world.py), and every live page of the page
tree that answers 200. Only HTML answers (no PDF, CSV or JSON), and not the Wagtail admin,
which is Wagtail's own interface."""

from django.conf import settings
from django.test import Client

from tests.security import matrix
from tests.security.test_access_matrix import MODELS, PATTERNS, expected_for


def build_phone_world():
    """The access matrix's world, with the trainee's open attempt on a quiz that asks one
    question of every type (matching and ordering lay out widest) in place of its two
    true/false questions, and a practicum entry returned to the trainee with a comment."""
    from certification.practicum.models import PracticumEntry
    from certification.practicum.services import practicum as practicum_services
    from courses import services as course_services
    from lms.accounts.services import sync_role_groups
    from tests.courses.assessment_helpers import SPECS, make_question, make_quiz
    from tests.security.world import build_world

    world = build_world()
    # Page permissions go to the groups for the course catalogues that exist when the groups
    # are synced (as a deploy does after loading content): the world's catalogue came later.
    sync_role_groups()
    module = world.objects["courses.cohort"].course.get_children().first()
    quiz = make_quiz(
        module,
        [make_question(kind) for kind in SPECS],
        slug="every-type",
        title="Every kind of question",
    )
    trainee = world.people["trainee"]
    world.kwargs["key"] = course_services.start_attempt(user=trainee, quiz=quiz).key
    # A returned entry: the trainee's placement page then holds a reply box in a table cell.
    waiting = PracticumEntry.objects.filter(
        placement_id=world.kwargs["placement_id"], status=PracticumEntry.Status.SUBMITTED
    ).first()
    practicum_services.return_entries(
        supervisor=waiting.placement.supervisor_links.first().supervisor,
        entry_ids=[waiting.pk],
        comment="Please add which domain this relates to, and check the start time.",
    )
    world.reset_cache()
    return world


def tree_pages() -> list[str]:
    """Every live page of the page tree but the root, as a path."""
    from wagtail.models import Page

    return [p.url for p in Page.objects.live().filter(depth__gt=1).specific() if p.url]


def signed_in_client(world, role) -> Client:
    client = Client()
    person = world.people[matrix.PEOPLE[role]]
    if person is not None:
        client.force_login(person)
    return client


def reachable(world, role, client) -> list[str]:
    """The HTML pages `role` (signed in on `client`) reaches, in URL-configuration order."""
    paths = []
    for pattern in PATTERNS:
        get_spec, _ = expected_for(pattern, MODELS)
        if get_spec is None or get_spec[role] != 200 or pattern.route.startswith("admin/"):
            continue
        if pattern.name == "wagtail_serve":
            paths.extend(tree_pages())
        else:
            paths.append(matrix.url_for(pattern, world, MODELS))
    pages = []
    for path in dict.fromkeys(paths):
        response = client.get(path)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages.append(path)
    return pages


def browser_context(browser, live_server, client, **options):
    """A browser context that carries `client`'s session (one sign-in per role)."""
    context = browser.new_context(base_url=live_server.url, **options)
    name = settings.SESSION_COOKIE_NAME
    if name in client.cookies:
        cookie = {"name": name, "value": client.cookies[name].value, "url": live_server.url}
        context.add_cookies([cookie])
    return context


def csp_watch(page) -> list[str]:
    """Collect the Content-Security-Policy violations the page reports (the strict policy
    must never break a page)."""
    seen = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return seen
