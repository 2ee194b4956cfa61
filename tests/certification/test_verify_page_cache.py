"""The anonymous certificate page is put together from cached parts: no query and no
template rendering when warm, the CSP nonce of each response in its body, a signed-in
visitor's page rendered in full, and any change (to the certificate or the site settings)
shown at once."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.credentials.services import lifecycle as lifecycle_services
from certification.verification import cache as verify_cache
from cms.models import BrandingSettings
from tests.certification.org_helpers import issued_certificate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    settings.PEERPATH_VERIFY_RATE_LIMIT = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate(site):
    return issued_certificate("Jordan Avery Ellis")


def url(certificate):
    return reverse("verify:certificate", args=[certificate.verification_code])


def test_a_warm_anonymous_page_runs_no_query_and_matches_the_full_render(client, certificate):
    first = client.get(url(certificate))
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url(certificate))
    assert len(queries) == 0
    assert second.status_code == 200
    assert second.content == first.content
    html = second.content.decode()
    assert "<title>Valid certificate: Jordan Avery Ellis · " in html
    assert "Sign in</a>" in html
    assert "@@" not in html
    assert second["Cache-Control"] == "no-store"
    assert second["Referrer-Policy"] == "no-referrer"


def test_each_response_carries_its_own_nonce(client, certificate):
    client.get(url(certificate))
    # A shell whose inline element carries the nonce, as a template could write it.
    shells = cache.get(verify_cache.SHELL_KEY)
    host, (head, middle, tail) = next(iter(shells.items()))
    assert "</head>" in middle  # the title comes before it
    middle = middle.replace(
        "</head>", f'<style nonce="{verify_cache.NONCE_PLACEHOLDER}"></style></head>'
    )
    cache.set(verify_cache.SHELL_KEY, {host: [head, middle, tail]}, 60)
    seen = set()
    for _ in range(2):
        response = client.get(url(certificate))
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert f'<style nonce="{nonce}">' in response.content.decode()
        seen.add(nonce)
    assert len(seen) == 2


def test_signed_in_visitors_get_their_own_header(client, certificate):
    client.get(url(certificate))
    client.force_login(UserFactory(legal_name="Tom Verifier"))
    html = client.get(url(certificate)).content.decode()
    assert "Sign out" in html and "Jordan Avery Ellis" in html
    client.logout()
    assert "Sign out" not in client.get(url(certificate)).content.decode()


def test_changes_show_at_once(client, certificate, site):
    client.get(url(certificate))
    branding = BrandingSettings.for_site(site.get_site())
    branding.site_name = "Harbour Training"
    branding.save()
    assert "· Harbour Training</title>" in client.get(url(certificate)).content.decode()
    registrar = UserFactory(legal_name="Ana Souza", is_superuser=True, is_staff=True)
    lifecycle_services.revoke_certificate(
        registrar=registrar, certificate_id=certificate.pk, reason="Issued in error."
    )
    html = client.get(url(certificate)).content.decode()
    assert "Revoked on" in html
    assert "Issued in error" not in html
