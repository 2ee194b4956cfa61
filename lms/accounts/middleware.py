"""The second step of signing in, for every way in.

A signed-in session whose user has a confirmed authenticator but which never gave a code
(signed in through Wagtail's login form, a password reset, an invitation, a future single
sign-on backend, anything but our code step) is signed out and sent to the code step, the
page it asked for kept as `next`. Registrars, administrators, trainers, supervisors and
organisation admins (`PEERPATH_REQUIRE_TWO_FACTOR`) with no second factor (an app or a
passkey) yet reach only the set-up page and what they need to get there or to leave."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse

from . import second_step, services
from .exceptions import TwoFactorLockedError

ALWAYS_ALLOWED = ("/static/", "/media/", "/healthz/", "/support/")


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        exempt = (*ALWAYS_ALLOWED, reverse("accounts:logout"))
        if user.is_authenticated and not request.path.startswith(exempt):
            if not second_step.is_verified(request.session, user) and services.has_second_factor(
                user
            ):
                # Back to the page asked for; after a POST (lost with the session), home.
                target = request.get_full_path() if request.method == "GET" else ""
                second_step.hold(request, next_url=target)
                return redirect("accounts:two_factor_verify")
            if settings.PEERPATH_REQUIRE_TWO_FACTOR and self._must_set_up(request):
                return redirect("accounts:two_factor")
        return self.get_response(request)

    def process_exception(self, request, exception):
        """Wrong codes past the limit, wherever a code was asked for (re-authentication in
        any signing view): the lock-out page, 429."""
        if isinstance(exception, TwoFactorLockedError):
            return render(
                request,
                "accounts/two_factor_locked.html",
                {"message": exception.message},
                status=exception.status,
            )
        return None

    def _must_set_up(self, request) -> bool:
        if request.path.startswith(reverse("accounts:two_factor")):
            return False
        user = request.user
        return services.requires_two_factor(user) and not services.has_second_factor(user)
