"""Every service error has one base: a message fit to show and an HTTP status, from the class
or given for one raise."""

import pytest

from certification.credentials.exceptions import CertificationError, RenewalError
from certification.credentials.services.lifecycle import LifecycleError
from certification.practicum.exceptions import PracticumError
from certification.standards.exceptions import StandardsError
from courses.exceptions import AssessmentError, AttemptNotFoundError, CoursesError
from lms.accounts.exceptions import AccountsError, InvitationExpiredError
from lms.exceptions import ServiceError
from lms.privacy.exceptions import PrivacyError


@pytest.mark.parametrize(
    "base",
    [
        CertificationError,
        CoursesError,
        AccountsError,
        LifecycleError,
        AssessmentError,
        PracticumError,
        StandardsError,
        PrivacyError,
    ],
)
def test_every_app_error_is_a_service_error_with_message_and_status(base):
    assert issubclass(base, ServiceError)
    error = base("Not now.", status=409)
    assert (error.message, error.status, str(error)) == ("Not now.", 409, "Not now.")
    assert base("Not now.").status == 400


def test_class_defaults_hold_unless_a_raise_gives_its_own():
    assert AttemptNotFoundError().status == 404
    assert str(InvitationExpiredError().message).startswith("This invitation has expired")
    assert PracticumError("Closed.").status == 400
    assert RenewalError("Later.", status=409).status == 409
