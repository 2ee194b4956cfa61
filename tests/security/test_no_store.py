"""Every page outside the admin that shows a person's sensitive text or someone else's email
address is never stored: `Cache-Control: private, no-store`.

The access matrix's world holds every kind of sensitive text (reflection, supervision notes,
sign-off account, practicum description, written answer, statement, check-in, continuing-
education evidence) and people of every role. Every named URL pattern of the project outside
the admin (derived from the URL configuration) is requested as every role; each answer that
shows any of that text, or the email of anyone but the person asking, must carry both
directives. (Wagtail's admin is `never_cache` for every view; one admin page is checked.)"""

import pytest
from django.db import transaction
from django.urls import reverse

from tests.security import matrix

# The access matrix's world and its signed-in clients, one per role.
from tests.security.test_access_matrix import request
from tests.security.test_access_matrix import world as matrix_world  # noqa: F401 (a fixture)
from tests.security.world import (
    CE_EVIDENCE,
    CHECKIN_NOTE,
    ENTRY_TEXT,
    REFLECTION,
    SIGNOFF_ACCOUNT,
    STATEMENT,
    SUPERVISION_NOTE,
    WRITTEN_ANSWER,
)

pytestmark = pytest.mark.django_db

SENSITIVE = (
    REFLECTION,
    SUPERVISION_NOTE,
    SIGNOFF_ACCOUNT,
    ENTRY_TEXT,
    WRITTEN_ANSWER,
    STATEMENT,
    CHECKIN_NOTE,
    CE_EVIDENCE,
)
MODELS = matrix.viewset_models()
PATTERNS = [
    p
    for p in matrix.all_patterns()
    if p.name is not None and not p.route.startswith("admin/") and p.name != "wagtail_serve"
]


def never_stored(response) -> bool:
    control = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= control


def test_pages_with_sensitive_text_or_others_emails_are_never_stored(matrix_world, db):  # noqa: F811
    world = matrix_world
    emails = {
        role: getattr(world.people[matrix.PEOPLE[role]], "email", None) for role in matrix.ROLES
    }
    shown_on, missing = set(), []
    for pattern in PATTERNS:
        url = matrix.url_for(pattern, world, MODELS)
        for role in matrix.ROLES:
            world.reset_cache()
            response = request(world, role, "get", url)
            if response.status_code != 200 or getattr(response, "streaming", False):
                continue
            text = response.content.decode("utf-8", "replace")
            others = [e for r, e in emails.items() if e and r != role and e in text]
            found = [t for t in SENSITIVE if t in text] + others
            if not found:
                continue
            shown_on.add(pattern.key)
            if not never_stored(response):
                missing.append(
                    f"{url} as {role} shows {found[:2]}: {response.get('Cache-Control')}"
                )
    assert not missing, "\n".join(missing)
    # The pages the probe found this text on include the ones issue 14 names.
    expected = {
        "learn:reflections",
        "practicum:placement",
        "practicum:supervise",
        "teach:mark",
        "teach:cohort_csv",
        "wellbeing:home",
        "wellbeing:statement",
        "privacy:export_json",
    }
    assert expected <= shown_on, (sorted(expected - shown_on), sorted(shown_on))


def test_the_lesson_page_and_the_admin_are_never_stored(matrix_world, db):  # noqa: F811
    world = matrix_world
    from courses.models import LessonPage

    lesson = LessonPage.objects.get(pk=world.kwargs["lesson_id"])
    savepoint = transaction.savepoint()
    # Past the content note, so the lesson shows the reflection.
    note = reverse("learn:content_note", args=[lesson.pk, world.kwargs["note_block"]])
    request(world, "trainee", "post", note, data={"choice": "continue"})
    response = request(world, "trainee", "get", lesson.url)
    transaction.savepoint_rollback(savepoint)
    assert response.status_code == 200 and REFLECTION in response.content.decode()
    assert never_stored(response)
    response = request(world, "super", "get", reverse("wagtailadmin_home"))
    assert response.status_code == 200 and never_stored(response)
