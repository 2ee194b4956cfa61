"""Background work for accounts. Tasks take ids and call a service."""

from celery import shared_task

from . import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_task(invitation_id: int) -> bool:
    """Email an invitation link; harmless to run twice."""
    return services.send_invitation(invitation_id=invitation_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_registration_email_task(user_id: int) -> bool:
    """Email what registration promised (a confirmation link, or a note that the address
    has an account). Takes an id: the link is made in the worker."""
    return services.send_registration_email(user_id=user_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_password_reset_task(user_id: int) -> bool:
    """Email a password-reset link. Takes an id: the token is made in the worker, so it
    never sits in the broker, the outbox table or a worker's log."""
    return services.send_password_reset(user_id=user_id)
