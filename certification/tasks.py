"""Background work for certification. Tasks take ids and call a service."""

from celery import shared_task

from . import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_notifications_task(recipient_id: int) -> int:
    """Email someone their practicum notifications unless a digest is due instead."""
    return services.email_notifications(recipient_id=recipient_id)


@shared_task
def send_notification_digests_task() -> int:
    """Weekly: one email per person with notifications still unsent."""
    return services.send_digests()


@shared_task
def purge_stale_data_task() -> dict:
    """Weekly retention: stale practicum drafts, long-expired invitations, unused accounts."""
    return services.purge_stale_data()
