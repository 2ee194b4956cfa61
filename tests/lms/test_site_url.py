"""Links that leave the site are built by one function, whatever SITE_URL ends with."""

import pytest

from lms.site import absolute_url


@pytest.mark.parametrize("site", ["https://peerpath.example", "https://peerpath.example/"])
def test_absolute_url_joins_the_site_and_a_path_with_one_slash(settings, site):
    settings.SITE_URL = site
    assert absolute_url("/verify/ABC/") == "https://peerpath.example/verify/ABC/"
    assert absolute_url() == "https://peerpath.example"


@pytest.mark.django_db
def test_a_certificates_verification_url_follows_the_site_url(settings):
    from certification.credentials.models import Certificate

    settings.SITE_URL = "https://certs.example/"
    certificate = Certificate(verification_code="ABCDE")
    assert certificate.verification_url == "https://certs.example/verify/ABCDE/"
