"""The database is away (restarting, failing over, out of connections): the learner sees a
calm "try again" page with status 503, never a 500 with a traceback, and what they sent
comes back to them in a form that sends it again, so nothing they typed is lost.

Only connection-level errors count (`OperationalError`, `InterfaceError`); an integrity or
programming error is a bug and stays a 500. The page is rendered without the request (no
context processors, no session, no user): all of those would ask the database again."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# Sent back in the "try again" form; never a password (it would sit in the page's HTML).
_NEVER_ECHOED = ("password", "otp", "token")


def is_database_unavailable(error: BaseException | None) -> bool:
    """Whether `error` says the database could not be reached or the connection broke."""
    return isinstance(error, OperationalError | InterfaceError)


def _resend_fields(request) -> list[tuple[str, str]]:
    if request.method != "POST":
        return []
    try:
        items = request.POST.lists()
    except Exception:  # noqa: BLE001 - an unreadable body: nothing to give back
        return []
    return [
        (key, value)
        for key, values in items
        if key == "csrfmiddlewaretoken" or not any(word in key.lower() for word in _NEVER_ECHOED)
        for value in values
    ]


def database_unavailable_response(request) -> HttpResponse:
    """The 503 page: a clear message, a link to support, and (after a form was sent) a
    button that sends the same form again."""
    # Only the error's type: its message may quote a query, and a query may quote a person.
    logger.warning("database unavailable during %s request", request.method)
    if "application/json" in request.headers.get("Accept", "") or (
        request.content_type == "application/json"
    ):
        # Autosave and other scripts: a message they can show, and the same status.
        response = JsonResponse(
            {"error": str(_("We could not save that just now. Try again in a minute."))},
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    fields = _resend_fields(request)
    html = render_to_string(
        "503.html",
        {
            "fields": fields,
            "action": request.get_full_path(),
            "retry_after": RETRY_AFTER_SECONDS,
        },
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a view's database connection error into the 503 page. (Errors raised outside
    the view, in other middleware, reach `handler500`, which answers the same way.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return database_unavailable_response(request)
        return None
