"""The Celery worker's main process SIGKILLed mid-render (the child case is in
tests/certification/test_certificate_worker.py), then a new worker started: the certificate
is rendered and stored exactly once, and nothing half-written is ever served.

Why it holds (lms/settings/base.py): tasks are acknowledged late (CELERY_TASK_ACKS_LATE), so
the render's message stays in Redis's "unacked" set while it runs; with the main process
gone nobody acknowledges or rejects it, and a worker restores it once it is older than the
visibility timeout (CELERY_VISIBILITY_TIMEOUT, an hour in production, 8 s here; kombu looks
every CELERY_UNACKED_RESTORE_INTERVAL x 10 s). The render itself stores the PDF under the
certificate's row lock and only while it is pending, so an orphaned child that finishes
late, and the redelivered render, cannot both store it."""

import hashlib
import os
import signal
import uuid

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from certification.credentials.models import Certificate, CertificateName, CertificateTemplate
from certification.credentials.services import loading as loading_services
from lms.audit.models import AuditEvent
from tests.celery_test_app import HELD_LINE
from tests.certification.credential_helpers import make_credential
from tests.factories import UserFactory
from tests.faults.conftest import sender_app, wait_for

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ISSUE = "certification.tasks.issue_certificate_task"
RENDER = "certification.tasks.render_certificate_task"


def served(client, certificate):
    return client.get(reverse("certificates:pdf", kwargs={"uuid": certificate.uuid}))


def test_worker_main_process_killed_mid_render_then_restarted_renders_once(
    private_redis, workers, client
):
    loading_services.load_frameworks()
    CertificateTemplate.objects.create(name="Default", is_default=True)
    make_credential(code="worker-cert")
    trainee = UserFactory(legal_name="Robin Ashby")
    CertificateName.objects.create(user=trainee, name="Robin Ashby", confirmed_at=timezone.now())
    client.force_login(trainee)
    queue = f"peerpath-parent-{uuid.uuid4().hex[:10]}"
    first = workers(
        private_redis.url, queue, concurrency=1, env={"PEERPATH_TEST_RENDER_DELAY": "6"}
    )
    first.wait_ready()
    sender = sender_app(private_redis.url, queue)
    with sender.connection_for_write() as connection:
        sender.send_task(ISSUE, args=[trainee.pk, "worker-cert"], connection=connection)
    wait_for(
        lambda: HELD_LINE in first.text(),
        "the render was not held open",
        check=first.alive,
    )
    first.children()  # remembered, so that an orphaned child is cleaned up afterwards
    os.kill(first.process.pid, signal.SIGKILL)  # the main process, mid-render
    first.process.wait(timeout=10)

    certificate = Certificate.objects.get(trainee=trainee)
    assert certificate.status == Certificate.Status.PENDING and not certificate.pdf_sha256
    assert served(client, certificate).status_code == 404  # nothing half-written is served

    restarted = workers(
        private_redis.url,
        queue,
        concurrency=1,
        env={"CELERY_VISIBILITY_TIMEOUT": "8", "CELERY_UNACKED_RESTORE_INTERVAL": "1"},
    )
    restarted.wait_ready()
    # The render's message comes back from Redis's unacknowledged set to the new worker.
    wait_for(
        lambda: f"Task {RENDER}[" in restarted.text() and "received" in restarted.text(),
        "the render was not redelivered to the new worker",
        timeout=120,
        check=restarted.alive,
    )
    wait_for(
        lambda: Certificate.objects.filter(
            trainee=trainee, ready_emailed_at__isnull=False
        ).exists(),
        "the certificate was not stored after the restart",
        timeout=120,
        check=restarted.alive,
    )
    wait_for(
        lambda: f"{RENDER}[" in restarted.text() and "succeeded" in restarted.text(),
        "the redelivered render did not finish",
        timeout=60,
        check=restarted.alive,
    )

    certificate = Certificate.objects.get(trainee=trainee)
    assert certificate.status == Certificate.Status.ISSUED
    _dirs, files = default_storage.listdir("certificates")
    assert [f for f in files if f.startswith(str(certificate.uuid))] == [f"{certificate.uuid}.pdf"]
    response = served(client, certificate)
    assert response.status_code == 200
    body = b"".join(response) if response.streaming else response.content
    assert body.startswith(b"%PDF-") and b"%%EOF" in body[-1024:]
    assert hashlib.sha256(body).hexdigest() == certificate.pdf_sha256
    actions = sorted(
        AuditEvent.objects.filter(object_type="certification.certificate").values_list(
            "action", flat=True
        )
    )
    assert actions == ["certificate.issued", "certificate.pdf_stored"]
    assert Certificate.objects.filter(trainee=trainee).count() == 1
