"""Background work for certificates. Tasks take ids and call a service. Each keeps the name it
had before the split (`certification.tasks.*`), so queued tasks, outbox rows and the beat
schedule still find it."""

import logging
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError

from lms.accounts.models import User

from .exceptions import CertificateRenderError, CredentialError
from .services import certificates as certificate_services
from .services import course_certificates
from .services import lifecycle as lifecycle_services

logger = logging.getLogger(__name__)


# Certificates. Tasks take ids, re-check, and call a service, so running one twice (a retry,
# a redelivery after a worker died, the sweeper) changes nothing the first run did.

RENDER_RETRY_BASE_SECONDS = 30
RENDER_MAX_RETRIES = 6
STALE_PENDING_AFTER = timedelta(minutes=15)


@shared_task(
    name="certification.tasks.issue_certificate_task",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def issue_certificate_task(trainee_id: int, credential_code: str) -> int | None:
    """Issue the trainee's certificate if every requirement is met and their name is
    confirmed; the id of the (new or existing) certificate, or None when not yet eligible."""
    trainee = User.objects.filter(pk=trainee_id).first()
    if trainee is None:
        return None
    try:
        certificate, _created = certificate_services.issue_certificate(
            trainee=trainee, credential_code=credential_code
        )
    except CredentialError as error:
        # Not eligible (any more), or the name is still to be confirmed: nothing to do now;
        # the next completing event or the name confirmation enqueues this again.
        logger.info("certificate not issued for trainee %s: %s", trainee_id, type(error).__name__)
        return None
    return certificate.pk


@shared_task(
    name="certification.tasks.issue_course_certificate_task",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def issue_course_certificate_task(trainee_id: int, course_id: int) -> int | None:
    """Issue the learner's certificate of completion for a completed course (once); the id
    of the (new or existing) certificate, or None when it cannot be issued yet."""
    trainee = User.objects.filter(pk=trainee_id).first()
    if trainee is None:
        return None
    try:
        certificate, _created = course_certificates.issue_course_certificate(
            trainee=trainee, course_id=course_id
        )
    except CredentialError as error:
        # Not completed, or the name is still to be confirmed (confirming it queues this).
        logger.info("course certificate not issued for %s: %s", trainee_id, type(error).__name__)
        return None
    return certificate.pk


@shared_task(
    name="certification.tasks.render_certificate_task",
    bind=True,
    max_retries=RENDER_MAX_RETRIES,
    soft_time_limit=120,
    time_limit=150,
)
def render_certificate_task(self, certificate_id: int) -> bool:
    """Render and store the certificate's PDF, once. A failed render leaves the certificate
    pending with the error recorded, and retries with exponential backoff; the sweeper
    queues it again later if retries run out."""
    try:
        return certificate_services.store_certificate_pdf(certificate_id=certificate_id)
    except (CertificateRenderError, SoftTimeLimitExceeded, OSError, OperationalError) as error:
        if isinstance(error, SoftTimeLimitExceeded):
            error = CertificateRenderError("The render took longer than the time limit.")
        certificate_services.record_render_failure(certificate_id=certificate_id, error=error)
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


@shared_task(
    name="certification.tasks.email_certificate_ready_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def email_certificate_ready_task(certificate_id: int) -> bool:
    """Tell the holder their certificate is ready, with the link (once)."""
    return certificate_services.email_certificate_ready(certificate_id=certificate_id)


@shared_task(name="certification.tasks.requeue_stale_certificates_task")
def requeue_stale_certificates_task() -> int:
    """Periodic: queue the render again for certificates pending for too long."""
    ids = certificate_services.stale_certificate_ids(older_than=STALE_PENDING_AFTER)
    for certificate_id in ids:
        render_certificate_task.delay(certificate_id)
    return len(ids)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_certificate_status_task(certificate_id: int, change: str) -> bool:
    """Tell the holder their certificate was revoked or suspended (once per change)."""
    return lifecycle_services.email_certificate_status(certificate_id=certificate_id, change=change)
