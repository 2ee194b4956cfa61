"""Asking for the password again before someone signs a record.

A full sign-in counts as confirming: the password alone for people with no authenticator
(who do not need one), the password and the code for everyone else (the window opens at the
code step, `second_step.mark_verified`, never at a sign-in that skipped it). After
`PEERPATH_REAUTH_SECONDS` (10 minutes by default) signing forms show a password field, and
the signature is refused until the password is given. The check happens in the same request
as the signature, so what the person selected or typed is kept when the password is wrong."""

import time

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import gettext as _

SESSION_KEY = "peerpath_confirmed_at"


def needs_password(request) -> bool:
    """Whether the next signature must be confirmed with the password."""
    confirmed = request.session.get(SESSION_KEY, 0)
    return time.time() - confirmed > settings.PEERPATH_REAUTH_SECONDS


def stamp(request) -> None:
    stamp_session(request.session)


def stamp_session(session) -> None:
    session[SESSION_KEY] = time.time()


def confirm(request, password: str | None) -> str | None:
    """Check the password (and, for people with an authenticator, the code posted as `otp`)
    if needed now. Returns an error message, or None when the person may sign. Success starts
    a new window."""
    from .services import check_two_factor, confirmed_device

    if not needs_password(request):
        return None
    if not password:
        return _("Enter your password to sign. We ask again every few minutes.")
    # Through authenticate(), so failed attempts count toward the sign-in lockout.
    user = authenticate(request, username=request.user.email, password=password)
    if user is None or user.pk != request.user.pk:
        return _("That password is not right. Nothing was signed; your choices are kept.")
    if confirmed_device(request.user) is not None and not check_two_factor(
        user=request.user, code=request.POST.get("otp", "")
    ):
        return _("Enter the current code from your authenticator app. Nothing was signed.")
    stamp(request)
    return None


@receiver(user_logged_in)
def _stamp_login(sender, request, user, **kwargs):
    """Open the window at a sign-in that needs no second step. Anyone with an authenticator,
    or whose role needs one, opens it only by giving a code."""
    from .services import needs_second_step

    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(SESSION_KEY, None)
    if not needs_second_step(user):
        stamp(request)
