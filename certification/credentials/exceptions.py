"""Errors raised by the credentials services (and the base the later certification apps
build on): a message fit to show, and an HTTP status."""

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


class RenewalError(CertificationError):
    """A continuing-education record or a renewal that cannot be accepted."""
