"""Background work for certification. Tasks take ids and call a service."""

import logging
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError

from . import services
from .exceptions import CertificateRenderError

logger = logging.getLogger(__name__)


# Certificates. Tasks take ids, re-check, and call a service, so running one twice (a retry,
# a redelivery after a worker died, the sweeper) changes nothing the first run did.

RENDER_RETRY_BASE_SECONDS = 30
RENDER_MAX_RETRIES = 6
STALE_PENDING_AFTER = timedelta(minutes=15)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def issue_certificate_task(trainee_id: int, credential_code: str) -> int | None:
    """Issue the trainee's certificate if every requirement is met and their name is
    confirmed; the id of the (new or existing) certificate, or None when not yet eligible."""
    from lms.accounts.models import User

    from .exceptions import CredentialError

    trainee = User.objects.filter(pk=trainee_id).first()
    if trainee is None:
        return None
    try:
        certificate, _created = services.issue_certificate(
            trainee=trainee, credential_code=credential_code
        )
    except CredentialError as error:
        # Not eligible (any more), or the name is still to be confirmed: nothing to do now;
        # the next completing event or the name confirmation enqueues this again.
        logger.info("certificate not issued for trainee %s: %s", trainee_id, type(error).__name__)
        return None
    return certificate.pk


@shared_task(bind=True, max_retries=RENDER_MAX_RETRIES, soft_time_limit=120, time_limit=150)
def render_certificate_task(self, certificate_id: int) -> bool:
    """Render and store the certificate's PDF, once. A failed render leaves the certificate
    pending with the error recorded, and retries with exponential backoff; the sweeper
    queues it again later if retries run out."""
    try:
        return services.store_certificate_pdf(certificate_id=certificate_id)
    except (CertificateRenderError, SoftTimeLimitExceeded, OSError, OperationalError) as error:
        if isinstance(error, SoftTimeLimitExceeded):
            error = CertificateRenderError("The render took longer than the time limit.")
        services.record_render_failure(certificate_id=certificate_id, error=error)
        logger.warning(
            "certificate %s render failed (attempt %s): %s",
            certificate_id,
            self.request.retries + 1,
            type(error).__name__,
        )
        if (
            self.request.retries >= self.max_retries
            or self.request.is_eager
            or self.request.called_directly
        ):
            return False
        raise self.retry(
            countdown=RENDER_RETRY_BASE_SECONDS * 2**self.request.retries, exc=error
        ) from error


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_certificate_ready_task(certificate_id: int) -> bool:
    """Tell the holder their certificate is ready, with the link (once)."""
    return services.email_certificate_ready(certificate_id=certificate_id)


@shared_task
def requeue_stale_certificates_task() -> int:
    """Periodic: queue the render again for certificates pending for too long."""
    ids = services.stale_certificate_ids(older_than=STALE_PENDING_AFTER)
    for certificate_id in ids:
        render_certificate_task.delay(certificate_id)
    return len(ids)


# Organisations and renewal: watch-list emails and expiry reminders, each sent once.


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_certificate_notice_task(
    certificate_id: int, kind: str, organisation_id: int | None = None
) -> bool:
    """Send one notice about a certificate (to the holder, or to a watching organisation),
    once: a second run finds it recorded and sends nothing."""
    return services.send_certificate_notice(
        certificate_id=certificate_id, kind=kind, organisation_id=organisation_id
    )


@shared_task
def notify_watchers_task(certificate_id: int, change: str) -> int:
    """A watched certificate was revoked or replaced: move shares to a replacement, then
    queue one notice per watching organisation. Returns how many were queued."""
    return services.notify_watchers(certificate_id=certificate_id, change=change)


@shared_task
def send_certificate_notices_task() -> int:
    """Daily: expiry reminders at 60 and 14 days (holders and watching organisations) and
    "expired" notices to watching organisations; each queued as its own task."""
    due = services.due_certificate_notices()
    for certificate_id, organisation_id, kind in due:
        send_certificate_notice_task.delay(certificate_id, kind, organisation_id)
    return len(due)
