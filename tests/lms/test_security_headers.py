"""Security headers: a strict Content-Security-Policy (no unsafe-inline) on learner,
supervisor and verifier pages, a fresh nonce per request, the admin's own policy, and the
usual companions."""

import pytest

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, str]:
    directives = [d.strip() for d in response["Content-Security-Policy"].split(";") if d.strip()]
    return {d.split()[0]: " ".join(d.split()[1:]) for d in directives}


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/frameworks/", "/support/"])
def test_site_pages_have_a_strict_policy(client, site, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = policy(response)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert csp["script-src"].startswith("'self' 'nonce-")
    assert csp["object-src"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_signed_in_learner_and_supervisor_pages_are_strict_too(client, site, trainee):
    client.force_login(trainee)
    for path in ("/learn/", "/practicum/", "/accounts/profile/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "unsafe-inline" not in response["Content-Security-Policy"], path


def test_every_request_gets_a_new_nonce(client, site):
    first = policy(client.get("/"))["script-src"]
    second = policy(client.get("/"))["script-src"]
    assert first != second


def test_the_admin_has_its_own_policy(client, site, superuser):
    client.force_login(superuser)
    response = client.get("/admin/")
    assert response.status_code == 200
    csp = policy(response)
    assert "'unsafe-inline'" in csp["script-src"]  # Wagtail's admin needs it
    assert csp["frame-ancestors"] == "'self'"  # its page previews are framed by itself
