"""Errors raised by the training-hours services: a message fit to show, and an HTTP status."""

from lms.exceptions import ServiceError


class HoursError(ServiceError):
    """A training-hours action that cannot be taken; the message is fit to show."""


class NotFoundError(HoursError):
    status = 404


class LockedError(HoursError):
    status = 409
