"""Errors raised by certification services."""


class CertificationError(Exception):
    pass


class FrameworkDataError(CertificationError):
    """The frameworks file is malformed; the message names the entry."""
