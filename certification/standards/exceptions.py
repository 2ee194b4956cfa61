"""Errors raised by the standards services."""


class StandardsError(Exception):
    """A standards action that cannot be taken; the message says why."""


class FrameworkDataError(StandardsError):
    """The frameworks file is malformed; the message names the entry."""
