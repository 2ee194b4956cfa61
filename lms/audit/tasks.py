"""Background work for the outbox. The task keeps the name it had in certification/tasks.py:
the beat schedule and rows already in the outbox refer to it by name."""

from celery import shared_task

from .services import outbox


@shared_task(name="certification.tasks.relay_outbox_task")
def relay_outbox_task() -> int:
    """Every minute: send the outbox messages still unsent (the broker was away when they
    were written, or the process died before sending). Returns how many were sent."""
    return outbox.relay_outbox()["sent"]
