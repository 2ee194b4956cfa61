"""Errors raised by practicum services: a message fit to show, and an HTTP status."""

from lms.exceptions import ServiceError


class PracticumError(ServiceError):
    """A practicum action that cannot be taken; the message is fit to show the user."""


class EntryLockedError(PracticumError):
    status = 409


class NotYourPlacementError(PracticumError):
    status = 404
