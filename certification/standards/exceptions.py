"""Errors raised by the standards services: a message fit to show, and an HTTP status."""

from lms.exceptions import ServiceError


class StandardsError(ServiceError):
    """A standards action that cannot be taken; the message says why."""


class FrameworkDataError(StandardsError):
    """The frameworks file is malformed; the message names the entry."""
