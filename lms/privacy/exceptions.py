"""Errors raised by privacy services: a message fit to show, and an HTTP status."""

from lms.exceptions import ServiceError


class PrivacyError(ServiceError):
    """A privacy action that cannot be taken; the message is fit to show."""


class DataRightsError(PrivacyError):
    """A data-rights request that cannot be taken; the message is fit to show."""


class WellbeingError(PrivacyError):
    """A check-in or statement that cannot be saved."""
