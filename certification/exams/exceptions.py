"""Errors raised by the exam services: a message fit to show, and an HTTP status."""

from lms.exceptions import ServiceError


class ExamError(ServiceError):
    """An exam result that cannot be recorded or corrected; the message says why."""
