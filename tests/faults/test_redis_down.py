"""Redis stopped while certificates are earned. A private redis-server (never the shared one)
and a real Celery worker on it; the broker goes away, 50 trainees earn their certificate
through the web page (each request still succeeds), Redis comes back after 30 s, the sweeper
runs, and every certificate is issued and rendered exactly once.

PEERPATH_FAULT_REDIS_DOWN_SECONDS (default 30) and PEERPATH_FAULT_CERTIFICATES (default 50)
change the scale."""

import os
import time
import uuid

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from certification.credentials.models import Certificate, CertificateTemplate
from certification.credentials.services import loading as loading_services
from lms.audit.models import AuditEvent, OutboxMessage
from lms.audit.services import outbox
from tests.certification.credential_helpers import make_credential
from tests.factories import UserFactory
from tests.faults.conftest import sender_app, wait_for

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DOWN_SECONDS = float(os.environ.get("PEERPATH_FAULT_REDIS_DOWN_SECONDS", "30"))
CERTIFICATES = int(os.environ.get("PEERPATH_FAULT_CERTIFICATES", "50"))
ISSUE = "certification.tasks.issue_certificate_task"
SWEEPER = "certification.tasks.relay_outbox_task"


def test_redis_stopped_while_certificates_are_earned_loses_none_and_duplicates_none(
    private_redis, workers, client, monkeypatch
):
    loading_services.load_frameworks()
    CertificateTemplate.objects.create(name="Default", is_default=True)
    make_credential(code="outbox-cert")
    trainees = [
        UserFactory(legal_name=f"Holder Number {n}", email=f"holder{n}@faults.example")
        for n in range(CERTIFICATES)
    ]
    queue = f"peerpath-faults-{uuid.uuid4().hex[:10]}"
    # The worker's sweeper sends whatever is unsent, however recent.
    worker = workers(
        private_redis.url, queue, concurrency=2, env={"PEERPATH_OUTBOX_RESEND_SECONDS": "0"}
    )
    worker.wait_ready()
    # This process (the web server here) sends to the same private Redis and queue.
    sender = sender_app(private_redis.url, queue)
    monkeypatch.setattr(outbox, "app", sender)

    started = time.monotonic()
    private_redis.stop()
    assert not private_redis.reachable()
    for trainee in trainees:
        client.force_login(trainee)
        response = client.post(reverse("credentials:confirm_name"), {"name": trainee.legal_name})
        assert response.status_code == 302, response.content.decode()[:500]
    earning_seconds = time.monotonic() - started
    # Every earning event left its message, unsent; nothing was issued yet.
    unsent = OutboxMessage.objects.unsent()
    assert unsent.filter(task=ISSUE).count() == CERTIFICATES
    assert all(m.last_error == "OperationalError" for m in unsent)
    assert not Certificate.objects.exists()

    time.sleep(max(0.0, DOWN_SECONDS - (time.monotonic() - started)))
    private_redis.start()
    down_seconds = time.monotonic() - started
    # Celery beat sends the sweeper every minute; send it once now, as beat would.
    with sender.connection_for_write() as connection:
        sender.send_task(SWEEPER, connection=connection)

    def all_done():
        return (
            Certificate.objects.filter(
                status=Certificate.Status.ISSUED, ready_emailed_at__isnull=False
            ).count()
            >= CERTIFICATES
        )

    wait_for(
        all_done, "not every certificate was issued and emailed", timeout=600, check=worker.alive
    )
    recovery_seconds = time.monotonic() - started - down_seconds

    certificates = list(Certificate.objects.all())
    assert len(certificates) == CERTIFICATES
    assert sorted(c.trainee_id for c in certificates) == sorted(t.pk for t in trainees)
    _dirs, files = default_storage.listdir("certificates")
    for certificate in certificates:
        assert certificate.status == Certificate.Status.ISSUED and certificate.pdf_sha256
        assert [f for f in files if f.startswith(str(certificate.uuid))] == [
            f"{certificate.uuid}.pdf"
        ]
    actions = list(
        AuditEvent.objects.filter(object_type="certification.certificate").values_list(
            "action", flat=True
        )
    )
    assert actions.count("certificate.issued") == CERTIFICATES
    assert actions.count("certificate.pdf_stored") == CERTIFICATES
    # One issuing message per trainee (none written twice), and every message sent.
    assert OutboxMessage.objects.filter(task=ISSUE).count() == CERTIFICATES
    wait_for(
        lambda: not OutboxMessage.objects.unsent().exists(),
        "messages left unsent",
        timeout=60,
        check=worker.alive,
    )
    print(
        f"\nredis-down: {CERTIFICATES} earned in {earning_seconds:.1f} s with Redis away, "
        f"down {down_seconds:.1f} s, all issued+rendered+emailed {recovery_seconds:.1f} s "
        f"after it came back; certificates={len(certificates)}, duplicates=0, "
        f"finished {timezone.now():%H:%M:%S}"
    )
