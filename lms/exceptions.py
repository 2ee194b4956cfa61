"""The base of every error a service raises for a person to read."""

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    """An action a service refuses. `message` is fit to show the person who asked (a class
    may give a default); `status` is the HTTP status a view answers with (a class default,
    or given for one raise)."""

    status = 400
    message = _("That could not be done.")

    def __init__(self, message=None, status=None, *, fields=None):
        self.message = message or self.message
        if status is not None:
            self.status = status
        # {field name: [messages]}: where a form shows each problem (lms.formviews.submit);
        # `message` still says all of it for callers without a form.
        self.fields = dict(fields or {})
        super().__init__(self.message)


class Problems:
    """A service's refusals collected before it says no, each tied to the input it is about
    (a field name) or to the whole request (None), so that a form shows each one at its
    field, as Django's own validation does."""

    def __init__(self):
        self.items: list[tuple[str | None, str]] = []

    def add(self, message, field: str | None = None) -> None:
        self.items.append((field, str(message)))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_as(self, error_class: type[ServiceError]) -> None:
        """Raise `error_class` with every problem, if there is any."""
        if not self.items:
            return
        fields: dict[str | None, list[str]] = {}
        for field, message in self.items:
            fields.setdefault(field, []).append(message)
        raise error_class(" ".join(message for _field, message in self.items), fields=fields)
