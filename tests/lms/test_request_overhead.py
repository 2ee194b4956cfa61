"""What a signed-in request costs before the view's own work: the session comes from the
cache, so the only query is the user."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_a_signed_in_request_reads_the_session_from_the_cache(client, site, trainee):
    client.force_login(trainee)
    client.get("/practicum/")  # warm: settings rows, session cached
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/practicum/").status_code == 200
    tables = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in tables if "django_session" in sql]
    assert len([sql for sql in tables if 'FROM "accounts_user"' in sql]) == 1
