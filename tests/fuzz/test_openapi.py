"""schemathesis against /api/openapi.json through the WSGI app: for every operation, at least
200 generated requests, none a server error, every response in the schema (status, body,
content type, headers). A real certificate code and PDF digest are among the examples, so the
200 responses are checked too, not only the 404s."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application

from .harness import FUZZ_SETTINGS


@pytest.fixture
def api_schema(world):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@FUZZ_SETTINGS
def test_verification_api_conforms_to_its_schema(case, world):
    response = case.call_and_validate()
    assert response.status_code < 500


def test_real_records_conform_to_the_schema(world):
    """The generated codes almost never exist; a real one, typed in several ways, and a real
    PDF digest give 200 responses, which must match the schema too."""
    from certification.models import Certificate

    api = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    certificate = world.certificate
    code = certificate.verification_code
    for typed in (code, code.replace("-", "").lower(), code.replace("0", "O")):
        response = (
            api["/verify/{code}.json"]["GET"]
            .Case(path_parameters={"code": typed})
            .call_and_validate()
        )
        assert response.status_code == 200, typed
    Certificate.objects.filter(pk=certificate.pk).update(pdf_sha256="ab" * 32)
    response = (
        api["/verify/pdf/{sha256}.json"]["GET"]
        .Case(path_parameters={"sha256": "AB" * 32})
        .call_and_validate()
    )
    assert response.status_code == 200
