"""Errors raised by public verification: a message fit to show, and an HTTP status."""

from certification.credentials.exceptions import CertificationError


class VerificationError(CertificationError):
    """A public verification request that cannot be answered as asked (a file that is not a
    PDF, or too large); the message is fit to show the user."""
