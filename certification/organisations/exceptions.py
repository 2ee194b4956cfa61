"""Errors raised by the organisations services: a message fit to show, and an HTTP status."""

from certification.credentials.exceptions import CertificationError


class OrganisationError(CertificationError):
    """A roster, sharing or watch-list action that cannot be taken; the message is fit to
    show the user."""


class RosterError(OrganisationError):
    """The roster file as a whole cannot be checked (too big, not a CSV, too many rows)."""


class RosterRateLimitError(RosterError):
    status = 429


class SharingError(OrganisationError):
    """A certificate cannot be shared (or stop being shared) with that organisation."""
