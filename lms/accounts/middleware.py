"""Two-factor authentication is required for registrars, administrators and supervisors
(`PEERPATH_REQUIRE_TWO_FACTOR`): until they have set it up, every page sends them to the
set-up page, except what they need to get there or to leave."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from . import services

ALWAYS_ALLOWED = ("/static/", "/media/", "/healthz/", "/support/")


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.PEERPATH_REQUIRE_TWO_FACTOR and self._must_set_up(request):
            return redirect("accounts:two_factor")
        return self.get_response(request)

    def _must_set_up(self, request) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        allowed = (
            *ALWAYS_ALLOWED,
            reverse("accounts:two_factor"),
            reverse("accounts:logout"),
        )
        if request.path.startswith(allowed):
            return False
        return services.requires_two_factor(user) and services.confirmed_device(user) is None
