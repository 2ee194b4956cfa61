from lms.exceptions import ServiceError


class BoardDataError(Exception):
    """The boards data file cannot be read or does not make sense."""


class BoardError(ServiceError):
    """A refusal the person can act on (shown at its field where it has one)."""
