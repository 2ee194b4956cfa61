"""Errors raised by account services. Each carries a message fit to show the user."""

from django.utils.translation import gettext_lazy as _

from lms.exceptions import ServiceError


class AccountsError(ServiceError):
    message = _("Something went wrong with your account request.")


class InvitationInvalidError(AccountsError):
    status = 404
    message = _(
        "This invitation link is not valid. Check that you copied the whole link, or ask "
        "the person who invited you to send a new one."
    )


class InvitationExpiredError(AccountsError):
    status = 410
    message = _("This invitation has expired. Ask the person who invited you to send a new one.")


class InvitationUsedError(AccountsError):
    status = 410
    message = _(
        "This invitation has already been used. If it was you, sign in with the email "
        "address it was sent to; if not, ask for a new invitation."
    )


class InvitationNeedsSignInError(AccountsError):
    status = 409
    message = _(
        "An account with this email address already exists. Sign in, then open the "
        "invitation link again."
    )


class InvitationEmailMismatchError(AccountsError):
    status = 409
    message = _(
        "You are signed in with a different email address from the one this invitation was "
        "sent to. Sign out, then open the link again."
    )


class RegistrationClosedError(AccountsError):
    status = 403
    message = _(
        "Registration is by invitation only on this site. Ask your training provider for "
        "an invitation link."
    )


class TwoFactorError(AccountsError):
    message = _("Two-factor authentication could not be changed.")


class TwoFactorLockedError(AccountsError):
    status = 429
    message = _(
        "Too many wrong codes. To keep your account safe, codes are not accepted for 15 "
        "minutes. Check that your phone's clock is right, then try again later."
    )
