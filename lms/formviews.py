"""One way for a view to hand a form to a service: on a valid POST call the service; when it
refuses (a `ServiceError`), show its message on the form with everything typed kept."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .exceptions import ServiceError


@dataclass(frozen=True)
class Outcome:
    """What became of a submission. `done` is True only when the service ran; otherwise
    `status` is what the page answers with (200 for a GET, 400 for an invalid form, the
    refusal's own status when the service said no)."""

    done: bool = False
    result: Any = None
    status: int = 200


def submit(
    request, form, action: Callable[[dict], Any], *, error_field: str | None = None
) -> Outcome:
    """For a POST whose form is valid, call `action(form.cleaned_data)` and return its result.
    A refusal is added to the form (at `error_field`, else above the fields). A GET, or any
    other method, changes nothing."""
    if request.method != "POST":
        return Outcome()
    if not form.is_valid():
        return Outcome(status=400)
    try:
        result = action(form.cleaned_data)
    except ServiceError as refused:
        _show_refusal(form, refused, error_field)
        return Outcome(status=refused.status)
    return Outcome(done=True, result=result)


def _show_refusal(form, refused: ServiceError, error_field: str | None) -> None:
    """Each problem at its field when the service said which and the form has it; the rest
    at `error_field` (else above the fields)."""
    if not refused.fields:
        form.add_error(error_field, refused.message)
        return
    elsewhere = []
    for field, messages in refused.fields.items():
        if field is not None and field in form.fields:
            for message in messages:
                form.add_error(field, message)
        else:
            elsewhere.extend(messages)
    if elsewhere:
        form.add_error(error_field, " ".join(elsewhere))
