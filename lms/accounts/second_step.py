"""The second step of signing in (a code from an authenticator app), whatever the way in.

A session is fully signed in only when it carries `VERIFIED_KEY` for its user, set by the
code step and by confirming a new device in set-up (`mark_verified`), or when its user has
no confirmed device. `TwoFactorRequiredMiddleware` turns any other signed-in session back
into the pending state below, so Wagtail's login form, a password reset, an invitation or a
future single sign-on backend all end in the same code step."""

import time

from django.contrib.auth import BACKEND_SESSION_KEY, logout

from . import reauth

PENDING_KEY = "peerpath_pending_two_factor"
PENDING_SECONDS = 5 * 60
VERIFIED_KEY = "peerpath_second_step_done"


def start_pending(request, *, user, backend: str, next_url: str) -> None:
    """Hold `user` between the password and the code: nobody is signed in meanwhile."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": backend,
        "next": next_url,
        "at": time.time(),
    }


def pending(request) -> dict | None:
    """The sign-in waiting for its code, or None (none, or older than PENDING_SECONDS)."""
    held = request.session.get(PENDING_KEY)
    if not held or time.time() - held.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    return held


def hold(request, *, next_url: str) -> None:
    """Sign out a session that skipped the code step and keep its user waiting for one."""
    user = request.user
    backend = request.session.get(BACKEND_SESSION_KEY, "django.contrib.auth.backends.ModelBackend")
    logout(request)  # flushes the session: no window, no mark, nothing of the skipped sign-in
    start_pending(request, user=user, backend=backend, next_url=next_url)


def mark_verified(session, user) -> None:
    """Record that `user` gave a code in this session (and open the re-authentication
    window, as giving the password and the code is exactly what it asks for)."""
    session[VERIFIED_KEY] = user.pk
    reauth.stamp_session(session)


def is_verified(session, user) -> bool:
    return session.get(VERIFIED_KEY) == user.pk
