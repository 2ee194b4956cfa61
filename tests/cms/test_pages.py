"""Site pages, support resources and error pages."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from cms import views
from cms.models import HomePage, StandardPage, SupportContact
from tests.factories import StandardPageFactory

pytestmark = pytest.mark.django_db

SUPPORT_LINK = 'href="/support/"'


def test_home_page_shows_welcome_and_support_link(client, site):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert site.hero_title in body
    assert SUPPORT_LINK in body
    assert "Need support now?" in body
    assert 'class="skip-link" href="#main"' in body
    assert '<main id="main"' in body


def test_checking_a_certificate_is_linked_from_every_page_and_the_home_page_sentence(client, site):
    """/verify/ is public: the footer of every page, the home page's call to action and its
    "Check it on this site" sentence all link to it."""
    body = client.get("/").content.decode()
    assert '<a href="/verify/">Check it on this site</a>' in body
    assert body.count('href="/verify/"') >= 3  # the sentence, the hero button, the footer
    support = client.get(reverse("support")).content.decode()
    footer = support[support.index('<footer class="site-footer"') :]
    assert 'href="/verify/">Check a certificate</a>' in footer


def test_support_page_lists_contacts_by_region(client, site):
    response = client.get(reverse("support"))
    assert response.status_code == 200
    body = response.content.decode()
    for contact in SupportContact.objects.all():
        assert contact.name.replace("&", "&amp;") in body
    assert body.index('<h2 id="region-') < body.index("Samaritans")
    assert 'href="tel:116123"' in body


def test_standard_page_renders_its_blocks(client, site):
    page = StandardPageFactory(
        title="Our approach",
        introduction="How we teach.",
        body=[
            ("heading", {"text": "Safety first", "level": "h2"}),
            ("callout", {"kind": "caution", "title": "Take care", "text": "<p>Go gently.</p>"}),
        ],
    )
    response = client.get(page.url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h2>Safety first</h2>" in body
    assert 'class="callout callout--caution"' in body


def test_drafts_are_not_served(client, site):
    draft = StandardPageFactory(title="Unpublished", live=False)
    assert client.get(f"/{draft.slug}/").status_code == 404


def test_page_tree_rules():
    """Home pages sit at the root, once; standard pages sit under home or each other."""
    assert HomePage.parent_page_types == ["wagtailcore.Page"]
    assert HomePage.max_count == 1
    assert StandardPage in HomePage.allowed_subpage_models()
    assert HomePage not in StandardPage.allowed_subpage_models()


def test_404_page_keeps_navigation(client, site):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "We cannot find that page" in body
    assert SUPPORT_LINK in body
    assert 'aria-label="Main"' in body


def test_403_page_keeps_navigation(client, site, trainee, organisation):
    client.force_login(trainee)
    response = client.get(organisation.get_absolute_url())
    assert response.status_code == 403
    assert SUPPORT_LINK in response.content.decode()


def test_500_page_keeps_navigation(site):
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = views.server_error(request)
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert SUPPORT_LINK in body


def test_500_page_survives_a_broken_database(site, monkeypatch):
    """When even the site settings cannot load, a minimal error page still renders."""
    request = RequestFactory().get("/")

    def explode(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(views, "render", explode)
    response = views.server_error(request)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_wagtails_deliberate_error_page_is_not_found_unless_debug(client, settings, superuser):
    """/admin/failwhale/ raises a 500 on purpose (to test error reporting). With DEBUG off,
    as in production, it is "not found", even for a superuser; in development it still
    raises."""
    client.force_login(superuser)
    settings.DEBUG = False
    assert client.get("/admin/failwhale/").status_code == 404
    settings.DEBUG = True
    with pytest.raises(Exception, match="emergency broadcast"):
        client.get("/admin/failwhale/")
