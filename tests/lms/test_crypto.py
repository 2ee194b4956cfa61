"""Encryption at rest: reflections, supervision notes and sign-off accounts are stored as
ciphertext, read back as text, survive key rotation, and a missing key fails loudly."""

import io
from datetime import time, timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from certification.practicum.models import SignOffRequest, SupervisionSession
from certification.practicum.services import supervision as supervision_services
from certification.standards.models import Competency
from courses.models import Reflection
from lms.audit.services.events import verify_audit_chain
from lms.crypto import derived_key
from tests.factories import build_practicum

pytestmark = pytest.mark.django_db

NOTES = "Private: talked through a relapse scare and what helped."
ACCOUNT = "Shared a little of my own recovery with the group, on purpose, then listened."


def raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def records(db):
    practicum = build_practicum()
    session = supervision_services.record_session(
        supervisor=practicum.supervisor,
        placement_id=practicum.placement.pk,
        kind="individual",
        date=timezone.localdate() - timedelta(days=2),
        start_time=time(15, 0),
        minutes=60,
        private_notes=NOTES,
    )
    request = supervision_services.request_signoff(
        trainee=practicum.trainee,
        placement_id=practicum.placement.pk,
        competency_id=Competency.objects.get(
            domain__framework__slug="samhsa-pw-2015", code="III.3"
        ).pk,
        account=ACCOUNT,
    )
    return session, request


def test_sensitive_text_is_ciphertext_in_the_database(records):
    session, request = records
    stored_notes = raw("certification_supervisionsession", "private_notes", session.pk)
    stored_account = raw("certification_signoffrequest", "account", request.pk)
    assert stored_notes.startswith("enc1:") and "relapse" not in stored_notes
    assert stored_account.startswith("enc1:") and "recovery" not in stored_account
    assert SupervisionSession.objects.get(pk=session.pk).private_notes == NOTES
    assert SignOffRequest.objects.get(pk=request.pk).account == ACCOUNT
    # The signed hash covers the plain notes, so verification still passes.
    assert verify_audit_chain() == []
    call_command("verify_audit_chain", stdout=io.StringIO())


def test_reflections_are_encrypted(trainee, site):
    from tests.factories import CourseIndexPageFactory, build_course

    CourseIndexPageFactory(parent=site)
    _course, lessons = build_course(title="Boundaries", modules=1, lessons_per_module=1)
    reflection = Reflection.objects.create(
        user=trainee, lesson=lessons[0], block_id="b1", prompt="What felt hard?", text=NOTES
    )
    stored = raw("courses_reflection", "text", reflection.pk)
    assert stored.startswith("enc1:") and "relapse" not in stored
    assert Reflection.objects.get(pk=reflection.pk).text == NOTES


def test_key_rotation_reencrypts_everything_including_signed_sessions(records, settings):
    session, request = records
    old = raw("certification_supervisionsession", "private_notes", session.pk)
    first = Fernet.generate_key().decode()
    # Leaving the development key (derived from SECRET_KEY) for a real one: list both.
    settings.PEERPATH_FIELD_KEYS = [first, derived_key(settings.SECRET_KEY).decode()]
    call_command("rotate_field_keys", stdout=io.StringIO())
    second = Fernet.generate_key().decode()
    settings.PEERPATH_FIELD_KEYS = [second, first]
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "practicum.SupervisionSession.private_notes: 1 re-encrypted" in out.getvalue()
    settings.PEERPATH_FIELD_KEYS = [second]  # the old key is gone
    assert SupervisionSession.objects.get(pk=session.pk).private_notes == NOTES
    assert SignOffRequest.objects.get(pk=request.pk).account == ACCOUNT
    assert raw("certification_supervisionsession", "private_notes", session.pk) != old
    assert verify_audit_chain() == []


def test_a_missing_key_fails_loudly(records, settings):
    session, _request = records
    settings.PEERPATH_FIELD_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        SupervisionSession.objects.get(pk=session.pk)
