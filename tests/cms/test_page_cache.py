"""Pages anonymous visitors read are served whole from the cache: no query on a second visit,
a published change shows at once, a signed-in visitor never gets the shared copy, and the
CSP nonce in the body always matches the response's own header."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.credentials.services import loading as loading_services
from certification.standards.models import Framework
from cms.models import BrandingSettings
from tests.factories import CourseIndexPageFactory, StandardPageFactory, build_course

pytestmark = pytest.mark.django_db

NONCE_IN_HEADER = re.compile(r"'nonce-([^']+)'")


@pytest.fixture(autouse=True)
def empty_cache(settings):
    settings.PEERPATH_ANONYMOUS_CACHE_SECONDS = 300  # off by default in tests
    cache.clear()
    yield
    cache.clear()


def second_visit(client, url):
    """The response to a second anonymous visit and the queries it ran."""
    first = client.get(url)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


@pytest.fixture
def course(site):
    index = CourseIndexPageFactory(parent=site, title="Courses")
    course, _lessons = build_course(parent=index, title="Boundaries basics")
    return course


@pytest.fixture
def framework(db):

    loading_services.load_frameworks()
    return Framework.objects.order_by("slug").first()


def test_second_anonymous_visit_runs_no_query(client, site, course, framework):
    urls = [
        "/",
        course.get_parent().url,
        course.url,
        reverse("support"),
        reverse("frameworks:list"),
        reverse("frameworks:framework", args=[framework.slug]),
    ]
    for url in urls:
        response, count = second_visit(client, url)
        assert response["X-Peerpath-Cache"] == "hit", url
        assert count == 0, url


def test_cached_body_carries_the_nonce_of_its_own_header(client, site):
    page = StandardPageFactory(title="About us")
    nonces = []
    for _ in range(3):
        response = client.get(page.url)
        header = NONCE_IN_HEADER.search(response["Content-Security-Policy"]).group(1)
        body = response.content.decode()
        assert f'nonce="{header}"' in body or header not in nonces
        # Whatever nonce the body carries is the header's, never an earlier response's.
        for earlier in nonces:
            assert earlier not in body
        assert "__peerpath-csp-nonce" not in body
        nonces.append(header)
    assert len(set(nonces)) == 3
    assert response["X-Peerpath-Cache"] == "hit"


def test_nonce_in_a_cached_inline_element_is_replaced(client, site, settings):
    """A page with an inline element carrying the nonce: each hit has its own nonce there."""
    page = StandardPageFactory(title="Nonce page")
    first = client.get(page.url)
    nonce = NONCE_IN_HEADER.search(first["Content-Security-Policy"]).group(1)
    # Put this response's nonce into the stored body the way a template would.
    from cms import page_cache

    key = page_cache._key(first.wsgi_request, page_cache.generation())
    entry = cache.get(key)
    assert entry is not None
    entry["body"] = entry["body"].replace(
        b"</main>", b'<script nonce="' + page_cache.NONCE_PLACEHOLDER + b'"></script></main>'
    )
    cache.set(key, entry, 60)
    second = client.get(page.url)
    header = NONCE_IN_HEADER.search(second["Content-Security-Policy"]).group(1)
    assert header != nonce
    assert f'<script nonce="{header}">' in second.content.decode()


def test_publishing_a_change_shows_at_once(client, site):
    page = StandardPageFactory(title="Opening times", introduction="Old hours.")
    assert "Old hours." in client.get(page.url).content.decode()
    assert client.get(page.url)["X-Peerpath-Cache"] == "hit"
    page.introduction = "New hours."
    page.save_revision().publish()
    response = client.get(page.url)
    assert "New hours." in response.content.decode()
    assert response["X-Peerpath-Cache"] == "miss"


def test_unpublishing_removes_the_page_at_once(client, site):
    page = StandardPageFactory(title="Short-lived")
    client.get(page.url)
    assert client.get(page.url)["X-Peerpath-Cache"] == "hit"
    page.unpublish()
    assert client.get(page.url).status_code == 404


def test_moving_and_deleting_pages_clear_the_cache(client, site):
    first = StandardPageFactory(title="First parent")
    second = StandardPageFactory(title="Second parent")
    child = StandardPageFactory(title="Wandering", parent=first)
    old_url = child.url
    client.get(old_url)
    assert client.get(old_url)["X-Peerpath-Cache"] == "hit"
    child.move(second, pos="last-child")
    moved = client.get(old_url)
    # Wagtail leaves a redirect to the new address; the cached copy is gone either way.
    assert moved.status_code in (301, 404)
    assert "X-Peerpath-Cache" not in moved
    client.get(second.url)
    assert client.get(second.url)["X-Peerpath-Cache"] == "hit"
    second.delete()
    assert client.get(second.url).status_code == 404


def test_framework_and_settings_changes_clear_the_cache(client, site, framework):
    url = reverse("frameworks:list")
    client.get(url)
    framework.title = "A renamed framework"
    framework.save()
    assert "A renamed framework" in client.get(url).content.decode()
    branding = BrandingSettings.for_site(site.get_site())
    branding.tagline = "A brand new tagline"
    branding.save()
    assert "A brand new tagline" in client.get("/").content.decode()


def test_signed_in_visitor_never_gets_the_cached_page(client, site, trainee):
    client.get("/")
    assert client.get("/")["X-Peerpath-Cache"] == "hit"
    client.force_login(trainee)
    response = client.get("/")
    assert "X-Peerpath-Cache" not in response
    body = response.content.decode()
    assert "Sign out" in body
    assert "Sign in</a>" not in body
    # ...and what a signed-in visitor sees is never stored for anonymous ones.
    client.logout()
    anonymous = client.get("/")
    assert "Sign out" not in anonymous.content.decode()


def test_no_cookie_or_csrf_token_is_shared(client, site, course):
    """A page that sets a cookie or uses a CSRF token is not stored, and a stored page never
    sets a cookie."""
    for url in ("/", course.url):
        client.get(url)
        response = client.get(url)
        assert not response.cookies
        assert "csrfmiddlewaretoken" not in response.content.decode()


def test_pages_with_forms_and_private_pages_are_not_cached(client, site):
    client.get(reverse("accounts:login"))
    assert "X-Peerpath-Cache" not in client.get(reverse("accounts:login"))
    client.get("/?next=1")
    assert "X-Peerpath-Cache" not in client.get("/?next=1")


@pytest.mark.parametrize("kind", ["login", "password"])
def test_a_restricted_page_is_never_served_from_the_cache(client, site, kind):
    """Restricting a page that was cached takes effect at once; the restricted answer (a
    redirect to sign in, or a password form) is never stored."""
    from wagtail.models import PageViewRestriction

    page = StandardPageFactory(title="Members only", introduction="Rota for members.")
    client.get(page.url)
    assert client.get(page.url)["X-Peerpath-Cache"] == "hit"
    PageViewRestriction.objects.create(page=page, restriction_type=kind, password="rota-pass")
    for _ in range(2):
        response = client.get(page.url)
        assert "X-Peerpath-Cache" not in response
        assert "Rota for members." not in response.content.decode()
        assert response.status_code == (302 if kind == "login" else 200)
