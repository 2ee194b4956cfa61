"""Errors raised by live-session services: a message fit to show, and an HTTP status."""

from lms.exceptions import ServiceError


class LiveError(ServiceError):
    """A scheduling, check-in or attendance action that cannot be taken."""


class RegisterLockedError(LiveError):
    status = 409


class NotFoundError(LiveError):
    status = 404
