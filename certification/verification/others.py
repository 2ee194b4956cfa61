"""Other kinds of record that answer at /verify/<code>/ besides certificates.

Apps above this one (board application packets) cannot be imported here; each registers a
view for its codes in its `AppConfig.ready()`: ``register_code_kind(name, view)``, where
``view(request, code, *, as_json)`` returns a response for a code of its own, or None. The
verify views ask them only after no certificate answered, with the rate limit already
counted; a code nobody answers for gets the one fixed not-found response."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse

CodeView = Callable[..., HttpResponse | None]
_KINDS: dict[str, CodeView] = {}


def register_code_kind(name: str, view: CodeView) -> None:
    """Register (or replace, on a reload) the view for one kind of code."""
    _KINDS[name] = view


def respond(request, code: str, *, as_json: bool = False) -> HttpResponse | None:
    """The first registered view's answer for this code, or None."""
    for view in _KINDS.values():
        response = view(request, code, as_json=as_json)
        if response is not None:
            return response
    return None
