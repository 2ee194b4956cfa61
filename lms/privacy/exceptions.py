"""Errors raised by privacy services; each carries a message fit to show and an HTTP status."""


class PrivacyError(Exception):
    def __init__(self, message, status=400):
        super().__init__(message)
        self.message, self.status = message, status


class DataRightsError(PrivacyError):
    """An export or erasure step that cannot be taken."""


class WellbeingError(PrivacyError):
    """A check-in or statement that cannot be saved."""
