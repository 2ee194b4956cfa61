"""Background work for the practicum: notification emails. Tasks keep the names they had in
certification/tasks.py: the beat schedule and queued messages refer to them by name."""

from celery import shared_task

from .services import notifications


@shared_task(
    name="certification.tasks.email_notifications_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def email_notifications_task(recipient_id: int) -> int:
    """Email someone their practicum notifications unless a digest is due instead."""
    return notifications.email_notifications(recipient_id=recipient_id)


@shared_task(name="certification.tasks.send_notification_digests_task")
def send_notification_digests_task() -> int:
    """Weekly: one email per person with notifications still unsent."""
    return notifications.send_digests()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_onboarding_invitations_task(organisation_id: int) -> int:
    """Send an organisation's unsent invitations (trainees' and supervisors'); the links are
    made here, never in the task's arguments. Harmless to run twice."""
    from .services import onboarding

    return onboarding.send_onboarding_invitations(organisation_id=organisation_id)
