"""The audit trail and signed records: every state change is an event, the chain shows any
edit, deletion or insertion, the command reports it, and on PostgreSQL the database refuses
UPDATE and DELETE on signed rows and on events."""

from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from certification.practicum.models import PracticumEntry
from certification.practicum.services import practicum as practicum_services
from certification.practicum.services import supervision as supervision_services
from lms.audit.models import AuditEvent
from lms.audit.services.events import verify_audit_chain
from tests.factories import build_practicum, log_entry

pytestmark = pytest.mark.django_db


@contextmanager
def tampering():
    """Someone with the database owner's rights edits rows directly. On PostgreSQL they must
    first switch the triggers off (replica mode), as an attacker with those rights could."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        yield


@pytest.fixture
def practicum(db):
    return build_practicum(week_of_entries=True)


def test_every_state_change_writes_a_chained_event(practicum):
    entry = practicum.entries[0]
    practicum_services.approve_entry(supervisor=practicum.supervisor, entry_id=entry.pk)
    events = AuditEvent.objects.filter(
        object_type="certification.practicumentry", object_id=str(entry.pk)
    )
    assert list(events.values_list("action", flat=True)) == [
        "entry.created",
        "entry.submitted",
        "entry.approved",
    ]
    approved = events.get(action="entry.approved")
    assert approved.actor_id == practicum.supervisor.pk
    assert approved.before["status"] == "submitted"
    assert approved.after["status"] == "approved"
    assert approved.after["hash"] == PracticumEntry.objects.get(pk=entry.pk).content_hash
    assert "description" not in approved.after  # states and numbers, not what people wrote
    assert verify_audit_chain() == []
    call_command("verify_audit_chain")


def test_the_request_id_is_recorded(client, practicum):
    client.force_login(practicum.supervisor)
    client.post(
        f"/practicum/supervise/{practicum.placement.pk}/decide/",
        {"entry": [practicum.entries[0].pk], "action": "approve"},
        headers={"X-Request-ID": "req-from-proxy-0001"},
    )
    event = AuditEvent.objects.get(action="entry.approved")
    assert event.request_id == "req-from-proxy-0001"


def test_verification_detects_an_edited_event(practicum):
    event = AuditEvent.objects.filter(action="entry.submitted").first()
    with tampering():
        AuditEvent.objects.filter(pk=event.pk).update(after={"status": "approved"})
    problems = verify_audit_chain()
    assert problems == [f"Event {event.pk}: its content does not match its hash (edited)."]
    with pytest.raises(CommandError, match="1 problem"):
        call_command("verify_audit_chain")


def test_verification_detects_a_deleted_event(practicum):
    events = list(AuditEvent.objects.order_by("pk"))
    with tampering():
        AuditEvent.objects.filter(pk=events[3].pk).delete()
    problems = verify_audit_chain()
    assert len(problems) == 1 and f"Event {events[4].pk}: the chain is broken" in problems[0]


def test_verification_detects_an_edited_signed_entry(practicum):
    entry = practicum_services.approve_entry(
        supervisor=practicum.supervisor, entry_id=practicum.entries[0].pk
    )
    with tampering():
        PracticumEntry.objects.filter(pk=entry.pk).update(minutes=600)
    with pytest.raises(CommandError, match="1 problem"):
        call_command("verify_audit_chain")


@pytest.mark.services
def test_postgresql_refuses_update_and_delete_of_signed_rows_and_events(practicum):
    """Needs PostgreSQL (the CI's second pass): the triggers are PostgreSQL functions."""
    if connection.vendor != "postgresql":
        pytest.skip("The append-only triggers exist on PostgreSQL only (CI's second pass).")
    signed = practicum_services.approve_entry(
        supervisor=practicum.supervisor, entry_id=practicum.entries[0].pk
    )
    event = AuditEvent.objects.order_by("-pk").first()
    attempts = [
        lambda: PracticumEntry.objects.filter(pk=signed.pk).update(minutes=1),
        lambda: PracticumEntry.objects.filter(pk=signed.pk).update(content_hash=""),
        lambda: PracticumEntry.objects.filter(pk=signed.pk).delete(),
        lambda: AuditEvent.objects.filter(pk=event.pk).update(action="entry.returned"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
    ]
    for attempt in attempts:
        with pytest.raises(IntegrityError, match="refused"), transaction.atomic():
            attempt()
    # Unsigned rows stay editable by their services: a draft can still be changed.
    draft = log_entry(practicum.placement, days_ago=9)
    assert PracticumEntry.objects.filter(pk=draft.pk).update(minutes=45) == 1
    assert PracticumEntry.objects.get(pk=signed.pk).minutes == 120


def test_edited_session_notes_are_detected_but_erased_notes_are_not_tampering(practicum):
    from datetime import time, timedelta

    from django.utils import timezone

    from certification.practicum.models import SupervisionSession

    session = supervision_services.record_session(
        supervisor=practicum.supervisor,
        placement_id=practicum.placement.pk,
        kind="individual",
        date=timezone.localdate() - timedelta(days=9),
        start_time=time(15, 0),
        minutes=60,
        private_notes="Talked about pacing the week.",
    )
    # Rewriting the notes' ciphertext is allowed (key rotation, erasure), so no tampering
    # context is needed even on PostgreSQL; changing what they say is detected.
    SupervisionSession.objects.filter(pk=session.pk).update(private_notes="Nothing to note.")
    with pytest.raises(CommandError, match="1 problem"):
        call_command("verify_audit_chain")
    SupervisionSession.objects.filter(pk=session.pk).update(private_notes="")  # erased
    call_command("verify_audit_chain")
