"""The task outbox, in-process (no services): the message is written with the event that
earns the certificate, sent after the commit and marked sent; with the broker away the
request still succeeds, the message waits, and the sweeper sends it once the broker is back."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from certification.credentials.models import Certificate, CertificateTemplate
from certification.credentials.services import credentials as credential_services
from certification.credentials.services import lifecycle as lifecycle_services
from certification.credentials.services import loading as loading_services
from certification.organisations import services as organisation_services
from certification.practicum.services import notifications as notification_services
from lms.audit.models import OutboxMessage
from lms.audit.services import outbox
from tests.certification.credential_helpers import make_credential
from tests.faults.conftest import free_port, sender_app

pytestmark = pytest.mark.django_db

ISSUE = "certification.tasks.issue_certificate_task"
RENDER = "certification.tasks.render_certificate_task"
EMAIL = "certification.tasks.email_certificate_ready_task"


@pytest.fixture
def credential(db):
    loading_services.load_frameworks()
    CertificateTemplate.objects.create(name="Default", is_default=True)
    return make_credential(code="outbox-cert")


def confirm_name(client, trainee):
    client.force_login(trainee)
    return client.post(reverse("credentials:confirm_name"), {"name": "Jordan Avery Ellis"})


def test_earning_writes_the_message_with_the_event_and_sends_it_after_commit(
    client, trainee, credential, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm_name(client, trainee)
    assert response.status_code == 302
    certificate = Certificate.objects.get(trainee=trainee)
    assert certificate.status == Certificate.Status.ISSUED  # issued, rendered (in-process)
    rows = {row.task: row for row in OutboxMessage.objects.all()}
    assert set(rows) == {ISSUE, RENDER, EMAIL}
    assert rows[ISSUE].args == [trainee.pk, "outbox-cert"]
    assert rows[RENDER].args == [certificate.pk] and rows[EMAIL].args == [certificate.pk]
    assert all(row.sent_at and row.attempts == 1 for row in rows.values())
    assert OutboxMessage.objects.unsent().count() == 0


def test_a_rolled_back_event_leaves_no_message_and_sends_nothing(trainee, credential, monkeypatch):
    sent = []
    monkeypatch.setattr(outbox, "_publish", lambda name, args: sent.append((name, args)))
    with pytest.raises(RuntimeError), transaction.atomic():
        credential_services.confirm_certificate_name(user=trainee, name="Jordan Avery Ellis")
        assert OutboxMessage.objects.filter(task=ISSUE).count() == 1  # inside the transaction
        raise RuntimeError("the event failed after the message was written")
    assert OutboxMessage.objects.count() == 0 and sent == []


def test_with_the_broker_away_the_request_succeeds_and_the_sweeper_sends_later(
    client, trainee, credential, monkeypatch, django_capture_on_commit_callbacks
):
    # A real broker connection to a port nobody listens on: refused at once.
    away = sender_app(f"redis://127.0.0.1:{free_port()}/0", "nowhere")
    monkeypatch.setattr(outbox, "app", away)
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm_name(client, trainee)
    assert response.status_code == 302
    [message] = OutboxMessage.objects.all()
    assert message.task == ISSUE and message.sent_at is None
    assert message.attempts == 1 and message.last_error == "OperationalError"
    assert not Certificate.objects.exists()

    # Too recent for the sweeper (the relay after commit may still be on its way).
    assert outbox.relay_outbox(older_than=timedelta(minutes=5))["due"] == 0
    # Still away: the sweeper tries the oldest, stops, and keeps it for next time.
    result = outbox.relay_outbox(older_than=timedelta(0))
    assert result == {"due": 1, "sent": 0, "pruned": 0}
    assert OutboxMessage.objects.get().attempts == 2

    monkeypatch.undo()  # the broker is back (in-process here)
    with django_capture_on_commit_callbacks(execute=True):  # the render it queues, too
        assert outbox.relay_outbox(older_than=timedelta(0))["sent"] == 1
    certificate = Certificate.objects.get(trainee=trainee)
    assert certificate.status == Certificate.Status.ISSUED
    assert OutboxMessage.objects.unsent().count() == 0
    # A second sweep finds nothing to send and issues nothing more.
    assert outbox.relay_outbox(older_than=timedelta(0))["due"] == 0
    assert Certificate.objects.filter(trainee=trainee).count() == 1


def test_sent_messages_are_forgotten_after_a_week(trainee, credential):
    old = OutboxMessage.objects.create(task=ISSUE, args=[1, "x"], sent_at=timezone.now())
    OutboxMessage.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timedelta(days=8))
    recent = OutboxMessage.objects.create(task=ISSUE, args=[2, "x"], sent_at=timezone.now())
    assert outbox.relay_outbox()["pruned"] == 1
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [recent.pk]


@pytest.mark.parametrize("bad", ["a free text note", "x" * 101, 1.5, True, None, {"id": 1}])
def test_task_arguments_must_be_ids_or_codes(bad):
    with pytest.raises(ValueError, match="ids or codes"):
        outbox.enqueue_task(ISSUE, bad)
    assert not OutboxMessage.objects.exists()


WATCHERS = "certification.tasks.notify_watchers_task"
NOTICE = "certification.tasks.send_certificate_notice_task"
PRACTICUM_EMAIL = "certification.tasks.email_notifications_task"


def broker_away(monkeypatch):
    """This process's broker is a port nobody listens on: every send is refused at once."""
    away = sender_app(f"redis://127.0.0.1:{free_port()}/0", "nowhere")
    monkeypatch.setattr(outbox, "app", away)


def test_a_practicum_email_asked_for_while_the_broker_is_away_is_sent_by_the_sweeper(
    trainee, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    broker_away(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        notification_services.notify(
            recipient=trainee, message="An entry was approved.", url="/practicum/"
        )
    [message] = OutboxMessage.objects.all()
    assert (message.task, message.args, message.sent_at) == (PRACTICUM_EMAIL, [trainee.pk], None)
    assert message.last_error == "OperationalError" and mailoutbox == []

    monkeypatch.undo()  # the broker is back (in-process here)
    assert outbox.relay_outbox(older_than=timedelta(0))["sent"] == 1
    [email] = mailoutbox
    assert email.to == [trainee.email]
    assert OutboxMessage.objects.unsent().count() == 0


def test_watcher_notices_of_a_revocation_while_the_broker_is_away_are_sent_by_the_sweeper(
    registrar, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    from tests.certification.org_helpers import employer, issued_certificate, member

    riverside = employer()
    member(riverside, "verifier", email="tom@riverside.example")
    certificate = issued_certificate("Jordan Avery Ellis")
    organisation_services.share_certificate(
        holder=certificate.trainee, certificate_id=certificate.pk, organisation_id=riverside.pk
    )
    broker_away(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle_services.revoke_certificate(
            registrar=registrar, certificate_id=certificate.pk, reason="A private matter"
        )
    [message] = OutboxMessage.objects.filter(task=WATCHERS)
    assert message.args == [certificate.pk, "revoked"] and message.sent_at is None
    assert mailoutbox == []

    # The sweeper sends it; the notice task it runs is an outbox message too, sent on commit.
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        outbox.relay_outbox(older_than=timedelta(0))
    message.refresh_from_db()
    assert message.sent_at is not None
    [notice] = OutboxMessage.objects.filter(task=NOTICE)
    assert notice.args == [certificate.pk, "revoked", riverside.pk] and notice.sent_at
    [email] = [m for m in mailoutbox if m.to == ["tom@riverside.example"]]
    assert certificate.grouped_code in email.body
    assert OutboxMessage.objects.unsent().count() == 0
