"""Receivers that turn a completing event into an issuing task. They only check and queue
(on commit); the task re-checks and the service issues, exactly once."""

import logging

from .exceptions import CredentialError

logger = logging.getLogger(__name__)


def on_practicum_signed(sender, trainee, credential_code, **kwargs):
    """An entry approved, a session recorded or a sign-off rated may complete the rules."""
    from . import services

    try:
        services.queue_issue_if_ready(trainee=trainee, credential_code=credential_code)
    except CredentialError as error:
        # Never block the supervisor's signature over a credential that has no rules yet.
        logger.warning("eligibility not checked after practicum signing: %s", error.message)


def on_course_completed(sender, user, course, **kwargs):
    """A completed course may be the last requirement of a credential."""
    from . import services

    try:
        services.queue_issue_for_course(trainee=user, course_slug=course.slug)
    except CredentialError as error:
        logger.warning("eligibility not checked after course completion: %s", error.message)


def on_certificate_changed(sender, certificate, change, **kwargs):
    """A revoked or replaced certificate that organisations watch: tell them, through the
    outbox (written with the change, sent on commit; the sweeper sends it if Redis is away)."""
    from lms.audit.services.outbox import enqueue_task

    from .models import CertificateShare
    from .tasks import notify_watchers_task

    if change in ("revoked", "replaced") and (
        CertificateShare.objects.filter(certificate=certificate).exists()
    ):
        enqueue_task(notify_watchers_task, certificate.pk, change)


def connect():
    from certification.practicum.signals import practicum_signed
    from courses.signals import course_completed

    from .signals import certificate_changed

    practicum_signed.connect(on_practicum_signed, dispatch_uid="certification.issue.practicum")
    course_completed.connect(on_course_completed, dispatch_uid="certification.issue.course")
    certificate_changed.connect(on_certificate_changed, dispatch_uid="certification.watchers")
