"""Practicum emails through a real Celery worker on Redis: the task carries only an id, the
worker emails the notification and marks it sent, and a second run within the week sends
nothing (the digest will). Needs Redis: skipped with a reason when absent, never in CI."""

import time

import pytest

from certification.practicum.models import Notification
from tests.factories import build_practicum

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


def test_a_real_worker_emails_practicum_notifications_once(celery_worker_process):
    worker = celery_worker_process
    practicum = build_practicum(week_of_entries=True)  # eager in this process: emailed here
    Notification.objects.update(emailed_at=None)  # as if the broker had them still queued
    supervisor = practicum.supervisor
    pending = Notification.objects.filter(recipient=supervisor, emailed_at__isnull=True)
    assert pending.count() == 1

    result = worker.sender.send_task(
        "certification.tasks.email_notifications_task", args=[supervisor.pk], queue=worker.queue
    )
    assert wait_for(lambda: not pending.exists()), f"not sent; see {worker.log_path}"
    assert wait_for(lambda: f"{result.id}] succeeded" in worker.log_path.read_text())
    again = worker.sender.send_task(
        "certification.tasks.email_notifications_task", args=[supervisor.pk], queue=worker.queue
    )
    assert wait_for(lambda: f"{again.id}] succeeded" in worker.log_path.read_text())
    line = next(
        line
        for line in worker.log_path.read_text().splitlines()
        if f"{again.id}] succeeded" in line
    )
    assert line.endswith(": 0")  # within the week: nothing more until the digest
