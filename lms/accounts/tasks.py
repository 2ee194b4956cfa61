"""Background work for accounts. Tasks take ids and call a service."""

from celery import shared_task

from . import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_task(invitation_id: int) -> bool:
    """Email an invitation link; harmless to run twice."""
    return services.send_invitation(invitation_id=invitation_id)
