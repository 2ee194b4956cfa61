"""Errors raised by certification services."""


class CertificationError(Exception):
    pass


class FrameworkDataError(CertificationError):
    """The frameworks file is malformed; the message names the entry."""


class PracticumError(CertificationError):
    """A practicum action that cannot be taken; the message is fit to show the user."""

    status = 400

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class EntryLockedError(PracticumError):
    status = 409


class NotYourPlacementError(PracticumError):
    status = 404
