"""schemathesis against /api/openapi.json through the WSGI app: for every operation, at least
200 generated requests (valid and invalid by the schema), none a server error, every response
in the schema (status, body, content type, headers). A real certificate code and PDF digest
are checked too, so the 200 responses are validated, not only the 404s."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import GenerationMode

from .harness import FUZZ_SETTINGS


@pytest.fixture
def api(world):
    """The schema, loaded from the app itself. Requests go through the real WSGI handler,
    which closes the database connection when a request finishes; inside a test (one
    transaction) that must not happen, exactly as Django's test client arranges."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def operations(api):
    return [result.ok() for result in api.get_all_operations()]


def test_every_operation_is_fuzzed(api):
    paths = {operation.path for operation in operations(api)}
    assert paths == {"/verify/{code}.json", "/verify/pdf/{sha256}.json"}


@pytest.mark.parametrize("path", ["/verify/{code}.json", "/verify/pdf/{sha256}.json"])
def test_operation_conforms_to_its_schema(api, path):
    from django.core.cache import cache

    operation = api[path]["GET"]
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )
    seen = []

    @FUZZ_SETTINGS
    @given(case=strategy)
    def run(case):
        cache.clear()  # the rate limit and the verification cache start afresh
        response = case.call_and_validate()
        assert response.status_code < 500
        seen.append(response.status_code)

    run()
    assert seen


def test_real_records_conform_to_the_schema(api, world):
    from django.core.cache import cache

    from certification.credentials.models import Certificate

    # Issued and not hidden: in this world the PDF is never rendered (no commit), so the
    # certificate would otherwise stay "being prepared", which the public cannot see.
    Certificate.objects.filter(pk=world.certificate.pk).update(
        status=Certificate.Status.ISSUED,
        hidden=False,
        pdf="certificates/fuzz.pdf",
        pdf_sha256="ab" * 32,
    )
    cache.clear()  # the verification cache may remember the code as not found
    code = world.certificate.verification_code
    for typed in (code, code.replace("-", "").lower(), code.replace("0", "O")):
        response = (
            api["/verify/{code}.json"]["GET"]
            .Case(path_parameters={"code": typed})
            .call_and_validate()
        )
        assert response.status_code == 200, typed
    response = (
        api["/verify/pdf/{sha256}.json"]["GET"]
        .Case(path_parameters={"sha256": "AB" * 32})
        .call_and_validate()
    )
    assert response.status_code == 200
