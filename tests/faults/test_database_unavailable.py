"""A database that goes away during a request: a 503 "try again" page, never a 500 with a
traceback, and what the learner sent is kept (in the database when it was saved, and in the
page to send again when it was not). The real thing, with PostgreSQL restarted, is in
test_postgres_restart.py; here the service raises what a dropped connection raises."""

import re

import pytest
from django.db import OperationalError
from django.urls import reverse

from courses import services as course_services
from courses.models import Attempt, Response
from courses.services import assessment as assessment_services
from tests.faults.quiz_helpers import answers_form, build_quiz, learner_with_attempt

pytestmark = pytest.mark.django_db


def dropped(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def test_submitting_while_the_database_is_away_gives_a_503_and_keeps_the_answers(
    client, monkeypatch
):
    course, quiz = build_quiz()
    user, attempt = learner_with_attempt(course, quiz, 1)
    client.force_login(user)
    # The connection drops while grading, after the answers were written in the same
    # transaction: the whole submission rolls back.
    monkeypatch.setattr(assessment_services, "_grade_and_submit", dropped)
    form = {**answers_form(attempt), "action": "submit"}
    response = client.post(reverse("learn:attempt", args=[attempt.key]), form)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "We could not reach our records just now" in page and "Traceback" not in page
    # The form comes back, ready to send again, with every answer and the action.
    assert f'action="{reverse("learn:attempt", args=[attempt.key])}"' in page
    resent = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    assert resent == form
    # Saving and submitting are one transaction, so nothing half-done is left behind: the
    # attempt is still open and the answers live in the page, not yet in the database.
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS
    answers = list(Response.objects.filter(attempt=attempt).values_list("answer", flat=True))
    assert answers == [None] * len(attempt.items)

    monkeypatch.undo()  # the database is back: sending the same form again grades it once
    again = client.post(reverse("learn:attempt", args=[attempt.key]), resent)
    assert again.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED and attempt.passed


def test_a_password_is_never_written_back_into_the_page(client, monkeypatch):
    from django.contrib.auth import forms as auth_forms

    monkeypatch.setattr(auth_forms, "authenticate", dropped)
    response = client.post(
        reverse("accounts:login"), {"username": "a@example.org", "password": "s3cret-Pass"}
    )
    assert response.status_code == 503
    page = response.content.decode()
    assert "s3cret-Pass" not in page and 'name="password"' not in page
    assert 'name="username" value="a@example.org"' in page


def test_other_database_errors_stay_errors(client, monkeypatch):
    """An integrity or programming error is a bug, not an outage: no "try again" page."""
    from django.db import ProgrammingError

    course, quiz = build_quiz()
    user, attempt = learner_with_attempt(course, quiz, 1)
    client.force_login(user)

    def broken(*args, **kwargs):
        raise ProgrammingError("column does not exist")

    monkeypatch.setattr(assessment_services, "_grade_and_submit", broken)
    with pytest.raises(ProgrammingError):
        client.post(
            reverse("learn:attempt", args=[attempt.key]),
            {**answers_form(attempt), "action": "submit"},
        )


def test_a_connection_lost_outside_the_view_gets_the_503_page_too(rf):
    """Middleware that loads the session or the user is not the view: its error reaches
    handler500, which answers with the same "try again" page."""
    from cms import views

    request = rf.get("/learn/")
    try:
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    except OperationalError:
        response = views.server_error(request)
    assert response.status_code == 503
    page = response.content.decode()
    assert "We could not reach our records just now" in page and "Connection refused" not in page


def test_autosave_while_the_database_is_away_gets_a_json_503(client, monkeypatch):
    course, quiz = build_quiz()
    user, attempt = learner_with_attempt(course, quiz, 1)
    client.force_login(user)
    monkeypatch.setattr(course_services, "save_answer", dropped)
    response = client.post(
        reverse("learn:save_answer", args=[attempt.key, 0]),
        data='{"answer": false}',
        content_type="application/json",
    )
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.json() == {"error": "We could not save that just now. Try again in a minute."}
