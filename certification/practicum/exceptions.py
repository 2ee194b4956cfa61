"""Errors raised by practicum services; the message is fit to show the user."""


class PracticumError(Exception):
    """A practicum action that cannot be taken; the message is fit to show the user."""

    status = 400

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class EntryLockedError(PracticumError):
    status = 409


class NotYourPlacementError(PracticumError):
    status = 404
