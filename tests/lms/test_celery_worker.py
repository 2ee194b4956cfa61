"""A real Celery worker, started by the test, runs a task against Redis and the shared
database. Needs Redis: skipped with a reason when it is absent, never skipped in CI."""

import time

import pytest
from django.core.management import call_command

from lms.accounts.models import Invitation
from tests.factories import InvitationFactory

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]


def wait_for(predicate, timeout=60.0, interval=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def test_real_worker_runs_task_and_writes_to_database(celery_worker_process):
    """The worker picks the task from Redis, sends the email and records it in the database."""
    worker = celery_worker_process
    call_command("seed_demo", "--quiet")
    invitation = InvitationFactory()
    assert invitation.sent_at is None

    worker.sender.send_task(
        "lms.accounts.tasks.send_invitation_task", args=[invitation.pk], queue=worker.queue
    )

    def sent():
        assert worker.process.poll() is None, f"the worker exited; see {worker.log_path}"
        return Invitation.objects.get(pk=invitation.pk).sent_at is not None

    assert wait_for(sent), "the worker did not run the task within 60 seconds"
    # Running it again is harmless: the service's status guard sends nothing twice.
    first_sent_at = Invitation.objects.get(pk=invitation.pk).sent_at
    again = worker.sender.send_task(
        "lms.accounts.tasks.send_invitation_task", args=[invitation.pk], queue=worker.queue
    )
    assert wait_for(lambda: f"{again.id}] succeeded" in worker.log_path.read_text())
    second_line = next(
        line
        for line in worker.log_path.read_text().splitlines()
        if f"{again.id}] succeeded" in line
    )
    assert second_line.endswith(": False")  # the service reported that nothing was sent
    assert Invitation.objects.get(pk=invitation.pk).sent_at == first_sent_at
