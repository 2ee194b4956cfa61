"""Exactly once, for real: Celery workers started by the test (prefork pools, a private queue
on Redis, the test's database; PostgreSQL in CI's second pass). Two issuing tasks and an extra
render at once end with one certificate and one PDF; a worker child killed mid-render, then
the worker restarted and the sweeper run, still ends with one certificate and one PDF."""

import hashlib
import os
import signal
import time
import uuid
from datetime import timedelta

import pytest
from celery import Celery
from django.core.files.storage import default_storage
from django.utils import timezone

from certification.credentials.models import Certificate, CertificateName, CertificateTemplate
from certification.credentials.services import certificates as certificate_services
from certification.credentials.services import loading as loading_services
from lms.audit.models import AuditEvent
from tests.celery_test_app import HELD_LINE
from tests.celery_workers import Worker
from tests.certification.credential_helpers import make_credential
from tests.factories import UserFactory

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

RENDER = "certification.tasks.render_certificate_task"
ISSUE = "certification.tasks.issue_certificate_task"


@pytest.fixture
def workers(redis_url):
    started = []
    # Not the current app: tasks this test process queues later must stay with the project app.
    sender = Celery("sender", broker=redis_url, set_as_current=False)
    queue = f"peerpath-cert-{uuid.uuid4().hex[:10]}"

    def start(*, concurrency, render_delay=0.0):
        worker = Worker(
            redis_url,
            queue,
            concurrency=concurrency,
            env={"PEERPATH_TEST_RENDER_DELAY": str(render_delay)},
        )
        started.append(worker)
        return worker

    def send(name, *args):
        return sender.send_task(name, args=list(args), queue=queue)

    try:
        yield start, send
    finally:
        for worker in started:
            worker.stop()
        sender.close()


def wait_for(predicate, message, worker=None, timeout=90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker is not None:
            assert worker.process.poll() is None, f"the worker exited; see {worker.log_path}"
        if predicate():
            return
        time.sleep(0.2)
    log = worker.text()[-3000:] if worker else ""
    raise AssertionError(f"{message} within {timeout} s\n{log}")


def eligible_trainee():
    """A trainee who meets a credential with no requirements, name confirmed (written
    directly, so that nothing is issued in this process)."""
    loading_services.load_frameworks()
    CertificateTemplate.objects.create(name="Default", is_default=True)
    make_credential(code="worker-cert")
    trainee = UserFactory(legal_name="Robin Ashby")
    CertificateName.objects.create(user=trainee, name="Robin Ashby", confirmed_at=timezone.now())
    return trainee


def stored_files(certificate) -> list[str]:
    _dirs, files = default_storage.listdir("certificates")
    return [name for name in files if name.startswith(str(certificate.uuid))]


def assert_one_certificate_one_pdf(trainee):
    certificate = Certificate.objects.get(trainee=trainee)
    assert certificate.status == Certificate.Status.ISSUED
    data = default_storage.open(certificate.pdf.name).read()
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    assert stored_files(certificate) == [f"{certificate.uuid}.pdf"]
    events = AuditEvent.objects.filter(object_type="certification.certificate")
    assert sorted(events.values_list("action", flat=True)) == [
        "certificate.issued",
        "certificate.pdf_stored",
    ]
    assert certificate.ready_emailed_at is not None
    return certificate


def test_two_issuing_tasks_and_an_extra_render_at_once_give_one_certificate(workers):
    start, send = workers
    trainee = eligible_trainee()
    # Two processes, and renders held open for 2 s, so the tasks really overlap.
    worker = start(concurrency=2, render_delay=2)
    first, second = send(ISSUE, trainee.pk, "worker-cert"), send(ISSUE, trainee.pk, "worker-cert")
    wait_for(lambda: Certificate.objects.filter(trainee=trainee).exists(), "no certificate", worker)
    pending = Certificate.objects.get(trainee=trainee)
    extra = send(RENDER, pending.pk)  # a duplicate render while the first one runs
    wait_for(lambda: worker.text().count(HELD_LINE) >= 2, "two renders were not held open", worker)
    wait_for(
        lambda: all(f"{t.id}] succeeded" in worker.text() for t in (first, second, extra)),
        "the three tasks did not finish",
        worker,
    )
    wait_for(
        lambda: Certificate.objects.filter(
            trainee=trainee, ready_emailed_at__isnull=False
        ).exists(),
        "the certificate was not stored and emailed",
        worker,
    )
    certificate = assert_one_certificate_one_pdf(trainee)
    # Both issuing tasks returned the same certificate; at least two renders ran and only
    # one was stored.
    issued = [line for line in worker.text().splitlines() if "issue_certificate_task" in line]
    assert sum(f": {certificate.pk}" in line for line in issued if "succeeded" in line) == 2
    assert certificate.render_attempts >= 2


def test_worker_child_killed_mid_render_then_restarted_ends_with_one_certificate(workers):
    start, send = workers
    trainee = eligible_trainee()
    worker = start(concurrency=1, render_delay=6)
    send(ISSUE, trainee.pk, "worker-cert")
    wait_for(lambda: HELD_LINE in worker.text(), "the render was not held open", worker)
    children = worker.children()
    assert len(children) == 1, children
    os.kill(children[0], signal.SIGKILL)  # mid-render: the PDF is not written yet
    wait_for(
        lambda: "WorkerLostError" in worker.text() or "SIGKILL" in worker.text(),
        "the worker did not notice its child died",
        worker,
    )
    certificate = Certificate.objects.get(trainee=trainee)
    assert certificate.status == Certificate.Status.PENDING and not certificate.pdf_sha256
    worker.stop()

    # A fresh worker, and the sweeper (as celery beat runs it) queues what is still pending.
    restarted = start(concurrency=1)
    for certificate_id in certificate_services.stale_certificate_ids(older_than=timedelta(0)):
        send(RENDER, certificate_id)
    wait_for(
        lambda: Certificate.objects.filter(
            trainee=trainee, ready_emailed_at__isnull=False
        ).exists(),
        "the certificate was not stored after the restart",
        restarted,
    )
    certificate = assert_one_certificate_one_pdf(trainee)
    assert certificate.render_attempts >= 2
