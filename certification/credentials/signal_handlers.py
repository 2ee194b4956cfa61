"""Receivers that turn a completing event (a course completed, a practicum signature) into an
issuing task. They only check and queue (on commit); the task re-checks and the service
issues, exactly once. Both signals are declared by the lower apps that send them."""

import logging

from certification.practicum.signals import practicum_signed
from courses.signals import course_completed
from lms.hours import hours_credited

from .exceptions import CredentialError
from .services import course_certificates
from .services import credentials as credential_services

logger = logging.getLogger(__name__)


def on_practicum_signed(sender, trainee, credential_code, **kwargs):
    """An entry approved, a session recorded or a sign-off rated may complete the rules."""
    try:
        credential_services.queue_issue_if_ready(trainee=trainee, credential_code=credential_code)
    except CredentialError as error:
        # Never block the supervisor's signature over a credential that has no rules yet.
        logger.warning("eligibility not checked after practicum signing: %s", error.message)


def on_course_completed(sender, user, course, **kwargs):
    """A completed course earns its certificate of completion, and may be the last
    requirement of a credential."""
    course_certificates.queue_course_certificate(trainee=user, course_id=course.pk)
    try:
        credential_services.queue_issue_for_course(trainee=user, course_slug=course.slug)
    except CredentialError as error:
        logger.warning("eligibility not checked after course completion: %s", error.message)


def on_hours_credited(sender, trainee, **kwargs):
    """Newly credited training hours may be the last requirement of a credential."""
    try:
        credential_services.queue_issue_for_trainee(trainee=trainee)
    except CredentialError as error:
        logger.warning("eligibility not checked after hours were credited: %s", error.message)


def connect():
    practicum_signed.connect(on_practicum_signed, dispatch_uid="certification.issue.practicum")
    course_completed.connect(on_course_completed, dispatch_uid="certification.issue.course")
    hours_credited.connect(on_hours_credited, dispatch_uid="certification.issue.hours")
