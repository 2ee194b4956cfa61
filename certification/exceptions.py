"""Errors raised by certification services: a message fit to show, and an HTTP status."""

from lms.exceptions import ServiceError


class CertificationError(ServiceError):
    pass


class CredentialError(CertificationError):
    """A credential or certificate action that cannot be taken; the message is fit to show."""


class NotEligibleError(CredentialError):
    """The trainee has not met every requirement (the message says what is missing)."""

    status = 409


class NameNotConfirmedError(CredentialError):
    """The holder has not yet confirmed how their name appears on certificates."""

    status = 409


class CertificateRenderError(CertificationError):
    """The PDF could not be rendered (a missing font or image, a broken template, a refused
    URL). The certificate stays pending with this recorded, and the task retries."""


class OrganisationError(CertificationError):
    """A roster, sharing or watch-list action that cannot be taken; the message is fit to
    show the user."""


class RosterError(OrganisationError):
    """The roster file as a whole cannot be checked (too big, not a CSV, too many rows)."""


class RosterRateLimitError(RosterError):
    status = 429


class SharingError(OrganisationError):
    """A certificate cannot be shared (or stop being shared) with that organisation."""


class RenewalError(OrganisationError):
    """A continuing-education record or a renewal that cannot be accepted."""


class VerificationError(CertificationError):
    """A public verification request that cannot be answered as asked (a file that is not a
    PDF, or too large); the message is fit to show the user."""
