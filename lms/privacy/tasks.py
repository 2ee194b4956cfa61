"""Background work for privacy. The task keeps the name it had in certification/tasks.py:
the beat schedule refers to it by name."""

from celery import shared_task

from .services import data_rights


@shared_task(name="certification.tasks.purge_stale_data_task")
def purge_stale_data_task() -> dict:
    """Weekly retention: stale practicum drafts, long-expired invitations, unused accounts."""
    return data_rights.purge_stale_data()
