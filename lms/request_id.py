"""A request id for every request: taken from a well-formed `X-Request-ID` header (set by the
proxy) or generated, kept in a context variable for audit events and logs, and echoed back.
With PEERPATH_NODE_NAME set (several web nodes behind one proxy), every response also names
the node that answered it in `X-Peerpath-Node`, for logs and the scale-out test."""

import contextvars
import re
import uuid

from django.conf import settings

_request_id = contextvars.ContextVar("request_id", default="")
VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.node = getattr(settings, "PEERPATH_NODE_NAME", "")

    def __call__(self, request):
        supplied = request.headers.get("X-Request-ID", "")
        request.id = supplied if VALID.match(supplied) else uuid.uuid4().hex
        token = _request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request.id
        if self.node:
            response["X-Peerpath-Node"] = self.node
        return response
