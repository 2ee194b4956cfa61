from lms.exceptions import ServiceError


class RecognitionError(ServiceError):
    """A claim or decision refused, with each problem at its field."""
